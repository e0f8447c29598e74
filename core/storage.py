"""Where files live: screenshots, thumbnails, uploads and encrypted sessions, on one machine or shared by many.

``Settings.storage_url`` picks the store: none keeps everything in the data directory, as it always was;
``s3://bucket/prefix?endpoint=http://host:port&region=…`` puts it in any S3-compatible object store (AWS S3,
MinIO, Ceph, 阿里云 OSS, 腾讯云 COS), so web, scheduler and workers can sit on different hosts.

Callers name a file by a *key* ("artifacts/<run>/submitted-….jpg", "sessions/<account>.session") and keep
the *ref* that ``put`` returns (an ``Artifact.path``). A local ref is the file's path exactly as the data
directory always stored it, so an existing owner's rows still open; an S3 ref is ``s3://bucket/key``.
Nothing here encrypts: secrets are sealed by ``rpa.vault`` before they are put, so the bucket never holds
them in clear. Credentials come from the standard AWS variables (or the settings) and are never logged.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from core.private import private_dir


class StorageError(Exception):
    """The store could not be reached or refused the request."""


class Missing(StorageError, LookupError):
    """No object under that ref (cleaned up, never written, restored from an older backup)."""

    def __init__(self, ref: str):
        super().__init__(f"no stored object at {ref}")
        self.ref = ref


class Storage(Protocol):
    shared: bool
    """True when other hosts see what this one puts (a local data directory is one machine's)."""

    def ref(self, key: str) -> str: ...
    def put(self, key: str, data: bytes, mime: str | None = None) -> str: ...
    def put_file(self, key: str, path: Path) -> str: ...
    def fetch(self, ref: str, path: Path) -> None: ...
    def get(self, ref: str) -> bytes: ...
    def exists(self, ref: str) -> bool: ...
    def version(self, ref: str) -> str: ...
    def delete(self, ref: str) -> None: ...
    def keys(self, prefix: str) -> list[str]: ...


def _clean(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"bad storage key: {key!r}")
    return key


class LocalStorage:
    """The data directory: files owner-only (0600, folders 0700), written whole then renamed into place so
    a reader (the phone fetching a live picture) never sees half a file."""

    shared = False

    def __init__(self, root: Path):
        self.root = Path(root)

    def ref(self, key: str) -> str:
        return str(self.root / _clean(key))

    def put(self, key: str, data: bytes, mime: str | None = None) -> str:
        path = Path(self.ref(key))
        private_dir(path.parent)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return str(path)

    def put_file(self, key: str, path: Path) -> str:
        """Moves ``path`` in (a renamed file on the same disk; a video is never read into memory)."""
        dest = Path(self.ref(key))
        private_dir(dest.parent)
        os.chmod(path, 0o600)
        shutil.move(path, dest)
        return str(dest)

    def fetch(self, ref: str, path: Path) -> None:
        try:
            shutil.copyfile(ref, path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise Missing(ref) from None

    def get(self, ref: str) -> bytes:
        try:
            return Path(ref).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise Missing(ref) from None

    def exists(self, ref: str) -> bool:
        return Path(ref).is_file()

    def version(self, ref: str) -> str:
        try:
            return str(os.stat(ref).st_mtime_ns)
        except FileNotFoundError:
            raise Missing(ref) from None

    def delete(self, ref: str) -> None:
        Path(ref).unlink(missing_ok=True)

    def keys(self, prefix: str) -> list[str]:
        folder = self.root / _clean(prefix.rstrip("/"))
        if not folder.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in folder.rglob("*") if p.is_file()
                      and not p.name.endswith(".tmp"))

    def __repr__(self) -> str:
        return f"LocalStorage({self.root})"


class S3Storage:
    """Any S3-compatible store, by URL. One boto3 client per process (a forked worker makes its own)."""

    shared = True

    def __init__(self, url: str, access_key_id: str | None = None, secret_access_key: str | None = None):
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError("storage URL must look like s3://bucket/prefix?endpoint=…&region=…")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.endpoint = query.get("endpoint")
        self.region = query.get("region")
        self._credentials = (access_key_id, secret_access_key)
        self._client, self._pid = None, None
        self._lock = threading.Lock()

    @property
    def client(self):
        with self._lock:
            if self._client is None or self._pid != os.getpid():
                import boto3  # only a deployment with object storage loads it
                from botocore.config import Config

                key_id, secret = self._credentials
                self._client = boto3.client(
                    "s3", endpoint_url=self.endpoint, region_name=self.region,
                    aws_access_key_id=key_id, aws_secret_access_key=secret,
                    config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                                  read_timeout=30, s3={"addressing_style": "path"}))
                self._pid = os.getpid()
            return self._client

    def ref(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{_clean(key)}"

    def _key(self, ref: str) -> str:
        head = f"s3://{self.bucket}/"
        if not ref.startswith(head):
            raise Missing(ref)  # another bucket's ref, or a local path from before the move
        return ref[len(head):]

    def _call(self, ref: str, method: str, **kw):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kw)
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise Missing(ref) from None
            raise StorageError(f"object store refused {method} of {ref}: {code}") from None
        except BotoCoreError as e:
            raise StorageError(f"object store unreachable for {method} of {ref}: {type(e).__name__}") from None

    def put(self, key: str, data: bytes, mime: str | None = None) -> str:
        ref = self.ref(key)
        extra = {"ContentType": mime} if mime else {}
        self._call(ref, "put_object", Key=self._key(ref), Body=data, **extra)
        return ref

    def put_file(self, key: str, path: Path) -> str:
        """Uploads ``path`` (in parts when large) and removes it."""
        from boto3.exceptions import S3UploadFailedError

        ref = self.ref(key)
        try:
            self.client.upload_file(str(path), self.bucket, self._key(ref))
        except S3UploadFailedError:
            raise StorageError(f"object store refused the upload of {ref}") from None
        Path(path).unlink(missing_ok=True)
        return ref

    def fetch(self, ref: str, path: Path) -> None:
        """Downloads the object to ``path`` in parts (a video of gigabytes never sits in memory)."""
        if not ref.startswith("s3://"):
            return LocalStorage(Path("/")).fetch(ref, path)
        self._call(ref, "head_object", Key=self._key(ref))  # Missing, or a clear error, before the transfer
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.download_file(self.bucket, self._key(ref), str(path))
        except (BotoCoreError, ClientError) as e:
            raise StorageError(f"object store failed the download of {ref}: {type(e).__name__}") from None

    def get(self, ref: str) -> bytes:
        if not ref.startswith("s3://"):
            return LocalStorage(Path("/")).get(ref)  # a screenshot taken before the move to object storage
        return self._call(ref, "get_object", Key=self._key(ref))["Body"].read()

    def exists(self, ref: str) -> bool:
        try:
            self.version(ref)
        except Missing:
            return False
        return True

    def version(self, ref: str) -> str:
        if not ref.startswith("s3://"):
            return LocalStorage(Path("/")).version(ref)
        return self._call(ref, "head_object", Key=self._key(ref))["ETag"].strip('"')

    def delete(self, ref: str) -> None:
        if ref.startswith("s3://"):
            self._call(ref, "delete_object", Key=self._key(ref))

    def keys(self, prefix: str) -> list[str]:
        start = f"{self.prefix}{_clean(prefix.rstrip('/'))}/"
        found: list[str] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start)
        for page in pages:
            found += [o["Key"][len(self.prefix):] for o in page.get("Contents", [])]
        return sorted(found)

    def __repr__(self) -> str:  # never the credentials
        return f"S3Storage(s3://{self.bucket}/{self.prefix})"


def open_storage(url: str | None, data_dir: Path, access_key_id: str | None = None,
                 secret_access_key: str | None = None) -> Storage:
    if not url:
        return LocalStorage(data_dir)
    return S3Storage(url, access_key_id, secret_access_key)
