"""Owner-only files. The data dir holds password hashes, tax returns, drafts and logs: nobody else on the
machine reads any of it. Entry points call ``restrict_process`` so everything a process (and the Chromium
it starts) creates is 0600/0700; ``private_file`` fixes a file another process or an older version made."""
from __future__ import annotations

import ctypes
import errno
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


PR_CAPBSET_DROP, CAP_SYS_NICE = 24, 23  # <linux/prctl.h>, <linux/capability.h>


def lower_priority(nice: int) -> bool:
    """Run this process and every program it starts ``nice`` steps below the others, for good.

    Chromium raises its own browser and GPU processes to nice -8 and puts its helpers back to 0 wherever it
    is allowed to, and a service run as root (a container's default) is: the browsers then outranked the web
    and the scheduler on a busy box. So the capability to raise a priority is also dropped from what this
    process's children can get (its bounding set), which leaves Chromium where it was started. Returns
    False when that could not be done (no CAP_SETPCAP: then no child of a non-root user can raise it anyway,
    and a root without it is told in the log by the caller)."""
    os.nice(nice)
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0, 0, 0) == 0 or ctypes.get_errno() == errno.EINVAL


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
