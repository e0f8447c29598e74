pytest_plugins = ["tests.pg_fixtures", "tests.core_fixtures"]

import os

from playwright.sync_api import expect

from core.private import lower_priority

# Nightly collections start between 02:00 and 03:00 in the workspace's zone: a stack started in that hour would
# read its new accounts' data pages in the middle of an unrelated test. The collection stories turn them on.
os.environ.setdefault("OPC_NIGHTLY_COLLECTIONS", "false")

# Test files run side by side, each with its own stacks: the workers' lower CPU priority (OPC_WORKER_NICE) would
# only slow one file's workers against another file's test process. And as root Chromium raises its own
# processes' priority; the workers forbid it (core.private.lower_priority), the tests' own Chromium too.
os.environ.setdefault("OPC_WORKER_NICE", "0")
lower_priority(0)

# CI runs three test files at a time on two cores beside their Chromiums and workers: a page that reloads
# after an import can take longer than Playwright's 5-second default to show its new figures.
expect.set_options(timeout=15_000)

# The longest files start first: with three files at a time, a five-minute file that starts last (collection is
# alphabetical) keeps one core busy alone at the end of the run. The order of tests inside a file is kept.
LONGEST_FIRST = ("test_schemathesis.py", "test_fencing.py", "test_inbox_crash.py", "test_crash_safety.py",
                 "test_listing_flow.py", "test_readme_stories.py")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=rank)  # stable: the rest keep their collection order


# -- CPU per test file ------------------------------------------------------------------------------------------
# CI is bound by two cores' CPU, not by waits: a file's wall time under load says little about what it costs.
# With OPC_TEST_CPU_LOG set, each file's CPU seconds (this process, its children and theirs, Chromium included)
# are appended to that file (name, CPU s, wall s; `sort -t$'\t' -k2 -rn` it).
_CPU_LOG = os.environ.get("OPC_TEST_CPU_LOG")
if _CPU_LOG:
    import time

    import pytest

    _started: dict = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        from tests.stack_fixtures import tree_cpu  # imported by then; here, not at load, to keep plugins in order
        if item.path not in _started:
            _started[item.path] = (tree_cpu(), time.monotonic())
        yield
        if nextitem is None or nextitem.path != item.path:
            cpu, wall = _started[item.path]
            with open(_CPU_LOG, "a", encoding="utf-8") as log:
                log.write(f"{item.path.name}\t{tree_cpu() - cpu:.1f}\t{time.monotonic() - wall:.1f}\n")
