#!/usr/bin/env bash
# Install what is missing, then run the whole test suite (real Redis, real Chromium, real SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ANONYMIZED_TELEMETRY=false BROWSER_USE_VERSION_CHECK=false BROWSER_USE_CLOUD_SYNC=false
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$(mktemp -d)}"
exec .venv/bin/python -m pytest "$@"
