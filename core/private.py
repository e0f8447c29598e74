"""Owner-only files. The data dir holds password hashes, tax returns, drafts and logs: nobody else on the
machine reads any of it. Entry points call ``restrict_process`` so everything a process (and the Chromium
it starts) creates is 0600/0700; ``private_file`` fixes a file another process or an older version made."""
from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o077

PLAIN_ENV = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "TZ", "TMPDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
             "XDG_RUNTIME_DIR", "FONTCONFIG_PATH", "FONTCONFIG_FILE", "DISPLAY")
"""What a process that reads untrusted input (Chromium running pages, the parse process reading uploads) is
told of the environment: what it needs to run, render and find its files, never the service's own
variables (the model's key, the webhook URL, the vault keys)."""


def plain_env() -> dict[str, str]:
    return {k: os.environ[k] for k in PLAIN_ENV if k in os.environ}


def restrict_process() -> None:
    os.umask(UMASK)


def private_file(path: str | Path) -> Path:
    """Create the file owner-only if it is missing, or make it so. SQLite gives its -wal and -shm files
    the main file's mode, so doing this to a database before it is opened covers those too."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    path.chmod(0o600)
    return path


def private_dir(path: str | Path) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # mkdir leaves an existing folder's mode alone: a data dir from before stays open
    return path
