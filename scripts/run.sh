#!/usr/bin/env bash
# Install what is missing, then run the service with a demo workspace on the local replicas.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ANONYMIZED_TELEMETRY=false BROWSER_USE_VERSION_CHECK=false BROWSER_USE_CLOUD_SYNC=false
exec .venv/bin/python serve.py "$@"
