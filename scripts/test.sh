#!/usr/bin/env bash
# Install what is missing, then run the whole test suite (real Redis, real Chromium, real SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ANONYMIZED_TELEMETRY=false BROWSER_USE_VERSION_CHECK=false BROWSER_USE_CLOUD_SYNC=false
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$(mktemp -d)}"
# Two test files at a time (each file keeps its own stack and browser): most of a test's time is spent
# waiting on pages and processes, so two cores run two files at once in well under twice the time.
exec .venv/bin/python -m pytest -n "${OPC_TEST_WORKERS:-2}" --dist loadfile "$@"
