"""The owner's login: scrypt password hashes, an HMAC-signed session cookie, and a CSRF token.

The cookie is HttpOnly and SameSite=Strict; every state-changing request must also carry the CSRF
token (header ``X-CSRF-Token``), derived from the session so a stolen page cannot forge it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time

from sqlalchemy.orm import Session

from core.models import User
from core.settings import Settings

COOKIE = "opc_session"
SESSION_TTL_S = 14 * 24 * 3600
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


def create_owner(s: Session, workspace_id: str, username: str) -> str:
    """Create the owner with a one-time password and return that password (shown once, never stored)."""
    password = secrets.token_urlsafe(9)
    s.add(User(workspace_id=workspace_id, username=username, password_hash=hash_password(password)))
    return password


def signing_key(settings: Settings) -> bytes:
    """From settings, or generated into the data dir (0600) on first run so restarts keep sessions."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = settings.data_dir / "secret.key"
    if not path.exists():
        settings.paths.ensure()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _sign(key: bytes, payload: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, payload.encode(), hashlib.sha256).digest()).decode().rstrip("=")


def make_session(key: bytes, user_id: str, now: float | None = None) -> str:
    payload = f"{user_id}.{int((now or time.time()) + SESSION_TTL_S)}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(key, payload)}"


def read_session(key: bytes, token: str | None, now: float | None = None) -> str | None:
    """The user id in a valid, unexpired session token; None otherwise."""
    if not token or token.count(".") != 3:
        return None
    payload, sig = token.rsplit(".", 1)
    if not hmac.compare_digest(sig, _sign(key, payload)):
        return None
    user_id, expires, _nonce = payload.split(".")
    if not expires.isdigit() or int(expires) < (now or time.time()):
        return None
    return user_id


def csrf_token(key: bytes, session_token: str) -> str:
    return _sign(key, f"csrf:{session_token}")
