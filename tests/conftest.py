pytest_plugins = ["tests.pg_fixtures", "tests.core_fixtures"]
