"""browser-use's switches, set before it is first imported: no telemetry, no cloud sync, no version check, no
extension downloads, and its own logging left to ours. browser-use reads them at import (its ``config.py``);
an operator's explicit value still wins."""
from __future__ import annotations

import os

QUIET = {"ANONYMIZED_TELEMETRY": "false", "BROWSER_USE_CLOUD_SYNC": "false", "BROWSER_USE_VERSION_CHECK": "false",
         "BROWSER_USE_DISABLE_EXTENSIONS": "1", "BROWSER_USE_SETUP_LOGGING": "false"}

for _key, _value in QUIET.items():
    os.environ.setdefault(_key, _value)
