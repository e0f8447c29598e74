"""The demo workspace: an owner, the marketing employee and a Xiaohongshu account on the replica.

    python -m core.seed [--reset-password]

Idempotent: a second run keeps what exists and prints no password (``--reset-password`` makes a new
one-time password for the owner).
"""
from __future__ import annotations

import argparse

from core.db import session_factory, transaction
from core.models import Account, Employee, User, Workspace
from core.settings import Settings, get_settings
from employees import EMPLOYEES

OWNER = "owner"


def seed_demo(settings: Settings, reset_password: bool = False) -> tuple[str, str | None]:
    """Returns (username, one-time password or None when the owner already existed)."""
    from api.auth import create_owner, hash_password  # the API owns how passwords are kept

    settings.paths.ensure()
    with transaction(session_factory(settings.db_url)) as s:
        owner = s.query(User).filter_by(username=OWNER).first()
        if owner is not None:
            if not reset_password:
                return OWNER, None
            import secrets

            password = secrets.token_urlsafe(9)
            owner.password_hash = hash_password(password)
            return OWNER, password
        ws = Workspace(name="演示工作区", timezone=settings.timezone)
        s.add(ws)
        s.flush()
        role = EMPLOYEES["marketing"]
        s.add(Employee(workspace_id=ws.id, role=role.key, name=role.name, mode=role.default_mode))
        s.add(Account(workspace_id=ws.id, site="xiaohongshu", name="demo", status="needs_login"))
        return OWNER, create_owner(s, ws.id, OWNER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset-password", action="store_true")
    args = parser.parse_args()
    user, password = seed_demo(get_settings(), args.reset_password)
    print(f"用户名: {user}\n一次性密码: {password}" if password else f"用户名: {user}（密码未变）")


if __name__ == "__main__":
    main()
