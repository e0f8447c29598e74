#!/usr/bin/env bash
# Install what the project needs on a fresh Debian machine: Debian packages and the virtualenv.
# Idempotent: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql: the tests start a throwaway cluster of their own (tests/pg_fixtures.py), never the machine's.
# iproute2: the fence's DNS test builds a network of its own in a namespace (tests/netns_fixtures.py).
PKGS=(chromium redis-server ffmpeg fonts-noto-cjk python3-venv postgresql iproute2)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last install.
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[test,postgres]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
