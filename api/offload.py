"""The web server's parse processes (``core.offload``): one pool per app, on ``app.state``, closed with the
app's lifespan, and the dependency the upload routes take it by."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from core.offload import Offload
from core.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """No process starts here: the first upload starts one."""
    app.state.offload = Offload(workers=settings.parse_workers, limit_s=settings.parse_limit_s)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.offload.close()


def _offload(request: Request) -> Offload:
    return request.app.state.offload


OffloadDep = Annotated[Offload, Depends(_offload)]
