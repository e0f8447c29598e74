"""What a worker process holds for all its jobs: settings, DB, Redis, the warm browser, the vault."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from core.db import session_factory
from core.queue import redis_for
from core.settings import Settings
from rpa.parking import Parking
from rpa.runtime import BrowserRuntime
from rpa.vault import Vault


@dataclass
class Resources:
    settings: Settings
    runtime: BrowserRuntime = field(init=False)

    def __post_init__(self) -> None:
        self.settings.paths.ensure()
        self.runtime = BrowserRuntime(self.settings)

    @cached_property
    def db(self) -> sessionmaker[Session]:
        return session_factory(self.settings.db_url)

    @cached_property
    def redis(self) -> Redis:
        return redis_for(self.settings)

    @cached_property
    def vault(self) -> Vault:
        return Vault(self.settings)

    @cached_property
    def parking(self) -> Parking:
        """Filled forms kept open for their approval (``rpa.parking``), one set per process."""
        return Parking(self.settings, self.redis)

    @cached_property
    def checkpointer(self):
        from graphs.checkpoint import open_checkpointer

        return open_checkpointer(self.settings)

    @cached_property
    def graphs(self) -> dict:
        """Compiled graphs by name, built once per process."""
        from graphs import GRAPHS

        return {name: build(self.checkpointer) for name, build in GRAPHS.items()}

    def with_runtime(self, runtime: BrowserRuntime) -> "Resources":
        """These resources with another browser: a run thread's own connection to the worker's shared
        Chromium (``rpa.shared``). The database, Redis, the vault, the compiled graphs and the kept forms are made here once
        and shared by the threads (each is safe to use from several threads)."""
        self.db, self.redis, self.vault, self.graphs, self.parking  # noqa: B018 - made before the copies share them
        twin = copy.copy(self)
        twin.runtime = runtime
        return twin

    def start(self) -> "Resources":
        self.runtime.start()
        return self

    def close(self) -> None:
        if "parking" in self.__dict__:
            self.parking.close()
        self.runtime.stop()
