"""Post and listing media (the owner's pictures, videos and covers) in ``core.storage``, so any host reads them.

The web puts each upload under ``uploads/media/<workspace>/<batch>/<slot>/<name>`` (one batch per request, a
slot per file: two uploads may share a name) and the content keeps the refs. A browser needs a file on its own
disk (Playwright's ``set_input_files``) and the sites' rules read files (bytes, pixels, a video's duration):
``fetched`` gives a copy of the content whose stored objects are local temp files, deleted afterwards. A ref in
the data dir is a file already and passes unchanged, so a single-box deployment copies nothing.
"""
from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TypeVar

from pydantic import BaseModel

from core.storage import Missing, Storage

PREFIX = "uploads/media"
FIELDS = ("images", "video", "cover", "main_images", "desc_images")
"""The content fields (``Post``, ``sites.taobao.product.Product``) that hold media refs."""
REMOTE = "s3://"

M = TypeVar("M", bound=BaseModel)


def is_remote(ref: str | None) -> bool:
    return bool(ref) and ref.startswith(REMOTE)


def workspace_prefix(workspace_id: str) -> str:
    return f"{PREFIX}/{workspace_id}"


class Batch:
    """One request's uploads: put together, discarded together when anything later fails (nothing half-saved)."""

    def __init__(self, storage: Storage, workspace_id: str):
        self.storage = storage
        self.prefix = f"{workspace_prefix(workspace_id)}/{uuid.uuid4().hex}"

    def put(self, slot: str, name: str, data: bytes) -> str:
        return self.storage.put(f"{self.prefix}/{slot}/{name}", data)

    def put_file(self, slot: str, name: str, path: Path) -> str:
        """A file already on disk (a streamed video), moved in without reading it into memory."""
        return self.storage.put_file(f"{self.prefix}/{slot}/{name}", path)

    def discard(self) -> None:
        for key in self.storage.keys(self.prefix):
            self.storage.delete(self.storage.ref(key))
        if not self.storage.shared:  # the data dir keeps the emptied folders otherwise
            shutil.rmtree(self.storage.ref(self.prefix), ignore_errors=True)


def discard(batch: Batch | None) -> None:
    if batch is not None:
        batch.discard()


def refs(model: BaseModel) -> list[str]:
    """Every media ref the content holds, in field order."""
    out: list[str] = []
    for field in FIELDS:
        value = getattr(model, field, None)
        out += value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
    return out


@contextmanager
def fetched(storage: Storage | None, model: M) -> Iterator[M]:
    """``model`` with each stored object as a local file (in a private temp folder, removed on exit).

    A missing object becomes a path that does not exist, so the sites' rules name the file as missing."""
    if storage is None or not any(is_remote(r) for r in refs(model)):
        yield model
        return
    folder = Path(tempfile.mkdtemp(prefix="opc-media-"))
    n = 0

    def local(ref: str) -> str:
        nonlocal n
        if not is_remote(ref):
            return ref
        n += 1
        path = folder / str(n) / PurePosixPath(ref).name  # the owner's own file name, for the rules' messages
        path.parent.mkdir(mode=0o700)
        try:
            storage.fetch(ref, path)
        except Missing:
            pass
        return str(path)

    try:
        update = {}
        for field in FIELDS:
            value = getattr(model, field, None)
            if isinstance(value, list):
                update[field] = [local(r) for r in value]
            elif isinstance(value, str) and value:
                update[field] = local(value)
        yield model.model_copy(update=update)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def owned(storage: Storage, uploads: Path, workspace_id: str, ref: str) -> bool:
    """Whether ``ref`` is one of this workspace's stored uploads (never another's object or a file elsewhere):
    an object under the workspace's prefix, or a file in the data dir's uploads folder (as stored before)."""
    if is_remote(ref):
        return ref.startswith(storage.ref(workspace_prefix(workspace_id)) + "/")
    path, root = Path(ref).resolve(), uploads.resolve()
    others = root / PurePosixPath(PREFIX).name  # uploads/media/<workspace>: only her own
    if path.is_relative_to(others) and not path.is_relative_to(others / workspace_id):
        return False
    return path.is_relative_to(root) and path.is_file()
