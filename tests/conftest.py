pytest_plugins = ["tests.pg_fixtures", "tests.core_fixtures"]

import os

from playwright.sync_api import expect

# Nightly collections start between 02:00 and 03:00 in the workspace's zone: a stack started in that hour would
# read its new accounts' data pages in the middle of an unrelated test. The collection stories turn them on.
os.environ.setdefault("OPC_NIGHTLY_COLLECTIONS", "false")

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
