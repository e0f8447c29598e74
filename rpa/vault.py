"""The session vault: each account's Playwright storage_state, encrypted at rest.

Keys come from ``Settings.vault_keys`` (comma-separated Fernet keys, newest first; MultiFernet lets an
old key keep decrypting while new writes use the newest). Without it a key is generated into
``<data>/vault.key`` with 0600 permissions on first run. Values never leave this module in clear text
except to the browser runtime; they are never logged.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.settings import Settings


class VaultError(Exception):
    pass


def _load_keys(settings: Settings) -> list[bytes]:
    if settings.vault_keys is not None:
        return [k.strip().encode() for k in settings.vault_keys.get_secret_value().split(",") if k.strip()]
    key_file = settings.data_dir / "vault.key"
    if not key_file.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together never write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
    return [key_file.read_bytes().strip()]


class Vault:
    def __init__(self, settings: Settings):
        self._dir: Path = settings.paths.sessions
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._fernet = MultiFernet([Fernet(k) for k in _load_keys(settings)])

    def _path(self, account_id: str, kind: str = "session") -> Path:
        if not account_id.isalnum():
            raise VaultError("bad account id")
        return self._dir / f"{account_id}.{kind}"

    def save(self, account_id: str, storage_state: dict) -> None:
        self._write(self._path(account_id), storage_state)

    def save_credentials(self, account_id: str, credentials: dict) -> None:
        """A site's login (credit code, user, password) for sites that log in by password, not by QR."""
        self._write(self._path(account_id, "credentials"), credentials)

    def load_credentials(self, account_id: str) -> dict | None:
        return self._read(self._path(account_id, "credentials"))

    def _write(self, path: Path, secret: dict) -> None:
        token = self._fernet.encrypt(json.dumps(secret).encode())
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(token)
        os.replace(tmp, path)

    def load(self, account_id: str) -> dict | None:
        return self._read(self._path(account_id))

    def _read(self, path: Path) -> dict | None:
        if not path.exists():
            return None
        try:
            return json.loads(self._fernet.decrypt(path.read_bytes()))
        except InvalidToken as e:
            raise VaultError("session cannot be decrypted with the configured keys") from e

    def has(self, account_id: str) -> bool:
        return self._path(account_id).exists()

    def delete(self, account_id: str) -> None:
        self._path(account_id).unlink(missing_ok=True)
        self._path(account_id, "credentials").unlink(missing_ok=True)

    def seal(self, secret: dict) -> str:
        """A secret kept in a database row (a group bot's webhook address and signing secret): the token."""
        return self._fernet.encrypt(json.dumps(secret).encode()).decode()

    def unseal(self, token: str) -> dict:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as e:
            raise VaultError("secret cannot be decrypted with the configured keys") from e

    def rotate(self) -> int:
        """Re-encrypt every session with the newest key; returns how many were rewritten."""
        n = 0
        for path in [*self._dir.glob("*.session"), *self._dir.glob("*.credentials")]:
            path.write_bytes(self._fernet.rotate(path.read_bytes()))
            n += 1
        return n

    def __repr__(self) -> str:
        return f"Vault({self._dir})"
