pytest_plugins = ["tests.pg_fixtures", "tests.core_fixtures"]

from playwright.sync_api import expect

# CI runs three test files at a time on two cores beside their Chromiums and workers: a page that reloads
# after an import can take longer than Playwright's 5-second default to show its new figures.
expect.set_options(timeout=15_000)
