"""The owner's login: scrypt password hashes, server-side sessions behind an HMAC-signed cookie, and a CSRF token.

A session is a row (``LoginSession``): logout and a password change delete rows, so a copied cookie dies
with them, not 14 days later.

The cookie is HttpOnly and SameSite=Strict; every state-changing request must also carry the CSRF
token (header ``X-CSRF-Token``), derived from the session so a stolen page cannot forge it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from core.models import LoginSession, User, utcnow
from core.settings import Settings

COOKIE = "opc_session"
SESSION_TTL_S = 14 * 24 * 3600
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _hash_with(password, salt)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Checks against the stored hash; ``None`` (no such user) costs the same scrypt, so timing tells nothing."""
    if stored is None:
        hmac.compare_digest(_hash_with(password, _DUMMY_SALT).hex(), _DUMMY_DIGEST)
        return False
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = _hash_with(password, bytes.fromhex(salt))
    return hmac.compare_digest(candidate.hex(), digest)


def _hash_with(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)


_DUMMY_SALT = os.urandom(16)
_DUMMY_DIGEST = _hash_with(secrets.token_hex(8), _DUMMY_SALT).hex()


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


def make_session(s: Session, key: bytes, user_id: str) -> str:
    """A new server-side session for the user; the cookie is its random id, signed."""
    sid = secrets.token_urlsafe(24)
    s.add(LoginSession(id_hash=_digest(sid), user_id=user_id,
                       expires_at=utcnow() + timedelta(seconds=SESSION_TTL_S)))
    return f"{sid}.{_sign(key, sid)}"


def read_session(s: Session, key: bytes, token: str | None) -> str | None:
    """The user id of a valid, unexpired, unrevoked session token; None otherwise."""
    if not token or token.count(".") != 1:
        return None
    sid, sig = token.split(".")
    if not hmac.compare_digest(sig, _sign(key, sid)):
        return None
    row = s.get(LoginSession, _digest(sid))
    if row is None or row.expires_at < utcnow():
        return None
    return row.user_id


def end_session(s: Session, token: str | None) -> None:
    """Logout: the session's row goes, so the cookie is worthless even if a copy of it was kept."""
    if token and token.count(".") == 1:
        s.query(LoginSession).filter_by(id_hash=_digest(token.split(".")[0])).delete()


def end_all_sessions(s: Session, user_id: str) -> None:
    """A password change or reset logs every browser of that user out."""
    s.query(LoginSession).filter_by(user_id=user_id).delete()


def set_password(s: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_all_sessions(s, user.id)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def csrf_token(key: bytes, session_token: str) -> str:
    return _sign(key, f"csrf:{session_token}")
