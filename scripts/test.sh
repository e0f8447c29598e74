#!/usr/bin/env bash
# Install what is missing, then run the whole test suite (real Redis, real Chromium, real SQLite), then the
# database-heavy suites again on Postgres (docs/database.md says which and why). OPC_TEST_POSTGRES=0 skips
# the second pass; OPC_TEST_DB=postgres runs whatever is asked on Postgres alone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ANONYMIZED_TELEMETRY=false BROWSER_USE_VERSION_CHECK=false BROWSER_USE_CLOUD_SYNC=false
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$(mktemp -d)}"
# Two test files at a time (each file keeps its own stack and browser): most of a test's time is spent
# waiting on pages and processes, so two cores run two files at once in well under twice the time.
PYTEST=(.venv/bin/python -m pytest -n "${OPC_TEST_WORKERS:-2}" --dist loadfile)
# Each writes to the database from several processes or threads at once, or keeps money and migrations:
# where SQLite and Postgres differ (locking, isolation, types). The rest reads and writes as these do.
# test_fencing's per-workflow "stopped right before the press" cases (8 minutes) differ from one another in the
# site, not in the database, and stay on SQLite alone.
POSTGRES_SUITES=(tests/test_scheduler.py tests/test_approval_cards.py tests/test_idempotency.py
                 tests/test_idempotency_race.py tests/test_crash_safety.py tests/test_books_ledger.py
                 tests/test_publish_flow.py
                 tests/test_fencing.py::test_each_hand_over_raises_the_token_and_the_old_holder_is_fenced_off
                 tests/test_fencing.py::test_a_done_press_is_never_turned_back_into_an_intent
                 tests/test_fencing.py::test_a_worker_paused_past_its_lease_never_posts_a_second_time)
if [ -n "${OPC_TEST_DB:-}" ] || [ "${OPC_TEST_POSTGRES:-1}" = 0 ]; then
  exec "${PYTEST[@]}" "$@"
fi
status=0
"${PYTEST[@]}" "$@" || status=$?
echo "== the database-heavy suites again, on Postgres =="
OPC_TEST_DB=postgres "${PYTEST[@]}" "$@" "${POSTGRES_SUITES[@]}" || status=$?
exit $status
