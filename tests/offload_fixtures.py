"""Calls for the parse pool's tests (module-level, so a spawned worker can import them) and a look at a
process's children."""
from __future__ import annotations

import os
from pathlib import Path


def spin() -> None:
    """A parse that never ends (a file made to keep its reader busy forever)."""
    while True:
        pass


def die() -> None:
    """A parse whose reader crashes the process (a C library's fault on a crafted file)."""
    os._exit(3)


def environ() -> dict[str, str]:
    """The environment as the calling process's Python sees it."""
    return dict(os.environ)


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
