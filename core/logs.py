"""Logging for the service's processes (worker, scheduler): one format, and no secrets through URLs."""
from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("httpx", "httpcore")
"""Their INFO lines carry whole request URLs, and some URLs are keys (a group bot's webhook)."""


def setup(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
