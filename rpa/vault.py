"""The session vault: each account's Playwright storage_state, encrypted at rest.

Keys come from ``Settings.vault_keys`` (comma-separated Fernet keys, newest first; MultiFernet lets an
old key keep decrypting while new writes use the newest). Without it a key is generated into
``<data>/vault.key`` with 0600 permissions on first run. Values never leave this module in clear text
except to the browser runtime; they are never logged.

The sealed tokens live in ``Settings.storage`` (``core.storage``) under ``sessions/``: the data dir's
``sessions/<account>.session`` files as always, or objects in a shared bucket, which then holds only
ciphertext. A shared store needs ``vault_keys`` set: a key file is one machine's, and every host must open
the same sessions.
"""
from __future__ import annotations

import json
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.settings import Settings
from core.storage import Missing


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


FOLDER = "sessions"


class Vault:
    def __init__(self, settings: Settings):
        self._store = settings.storage
        if self._store.shared and settings.vault_keys is None:
            raise VaultError("a shared storage_url needs OPC_VAULT_KEYS: every host must open the same sessions")
        self._fernet = MultiFernet([Fernet(k) for k in _load_keys(settings)])

    def _key(self, account_id: str, kind: str = "session") -> str:
        if not account_id.isalnum():
            raise VaultError("bad account id")
        return f"{FOLDER}/{account_id}.{kind}"

    def save(self, account_id: str, storage_state: dict) -> None:
        self._write(self._key(account_id), storage_state)

    def save_credentials(self, account_id: str, credentials: dict) -> None:
        """A site's login (credit code, user, password) for sites that log in by password, not by QR."""
        self._write(self._key(account_id, "credentials"), credentials)

    def load_credentials(self, account_id: str) -> dict | None:
        return self._read(self._key(account_id, "credentials"))

    def _write(self, key: str, secret: dict) -> None:
        # Sealed before it leaves the process: the store (a disk, a bucket) only ever holds the token.
        self._store.put(key, self._fernet.encrypt(json.dumps(secret).encode()))

    def load(self, account_id: str) -> dict | None:
        return self._read(self._key(account_id))

    def _read(self, key: str) -> dict | None:
        try:
            token = self._store.get(self._store.ref(key))
        except Missing:
            return None
        try:
            return json.loads(self._fernet.decrypt(token))
        except InvalidToken as e:
            raise VaultError("session cannot be decrypted with the configured keys") from e

    def has(self, account_id: str) -> bool:
        return self._store.exists(self._store.ref(self._key(account_id)))

    def delete(self, account_id: str) -> None:
        self._store.delete(self._store.ref(self._key(account_id)))
        self._store.delete(self._store.ref(self._key(account_id, "credentials")))

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
        for key in self._store.keys(FOLDER):
            if key.endswith((".session", ".credentials")):
                self._store.put(key, self._fernet.rotate(self._store.get(self._store.ref(key))))
                n += 1
        return n

    def __repr__(self) -> str:
        return f"Vault({self._store!r})"
