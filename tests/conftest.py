pytest_plugins = ["tests.core_fixtures"]
