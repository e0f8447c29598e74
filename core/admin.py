"""The deployment operator's commands: a workspace for another owner, invited by a link.

    python -m core.admin invite USERNAME --workspace 名称 [--hours 72] [--url https://…]
    python -m core.admin reinvite USERNAME          # a new link (the old one stops working)
    python -m core.admin list

Each workspace is its own company: its owner sees and changes only its accounts, runs, documents and books.
A new workspace gets the five employees and nothing else (no demo data); its owner sets her password on the
invite page (/invite/<token>), the link working once and for ``--hours``.
"""
from __future__ import annotations

import argparse
import sys

from sqlalchemy.orm import Session

from core import invites
from core.db import session_factory, transaction
from core.models import Employee, User, Workspace
from core.settings import Settings, get_settings


class AdminError(ValueError):
    """A request the operator must change (the message says what)."""


def create_workspace(s: Session, name: str, username: str, timezone: str = "Asia/Shanghai") -> User:
    """A workspace with its five employees and an owner who has no password yet (she sets it from her invite)."""
    from employees import EMPLOYEES  # the roster's registry

    username, name = username.strip(), name.strip()
    if not username or len(username) > 64:
        raise AdminError("用户名不能为空，最多64个字符")
    if not name or len(name) > 100:
        raise AdminError("工作区名称不能为空，最多100个字符")
    if s.query(User).filter_by(username=username).first() is not None:
        raise AdminError(f"用户名「{username}」已被使用")
    ws = Workspace(name=name, timezone=timezone)
    s.add(ws)
    s.flush()
    for role in EMPLOYEES.values():
        s.add(Employee(workspace_id=ws.id, role=role.key, name=role.name, mode=role.default_mode))
    user = User(workspace_id=ws.id, username=username, password_hash=invites.NO_PASSWORD)
    s.add(user)
    s.flush()
    return user


def invite_link(token: str, base_url: str | None) -> str:
    return f"{(base_url or '').rstrip('/')}/invite/{token}"


def invite(settings: Settings, username: str, workspace: str, hours: float) -> str:
    """A new workspace and owner; returns the token of her invite."""
    with transaction(session_factory(settings.db_url)) as s:
        return invites.make(s, create_workspace(s, workspace, username, settings.timezone), hours)


def reinvite(settings: Settings, username: str, hours: float) -> str:
    with transaction(session_factory(settings.db_url)) as s:
        user = s.query(User).filter_by(username=username).first()
        if user is None:
            raise AdminError(f"没有用户「{username}」")
        return invites.make(s, user, hours)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.admin", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    one = sub.add_parser("invite", help="a new workspace and its owner, with an invite link")
    one.add_argument("username")
    one.add_argument("--workspace", required=True, help="the workspace's (company's) name")
    again = sub.add_parser("reinvite", help="a new invite link for an owner (the old one stops working)")
    again.add_argument("username")
    for p in (one, again):
        p.add_argument("--hours", type=float, default=invites.DEFAULT_HOURS)
        p.add_argument("--url", help="the service's address as the owner reaches it (default: OPC_PUBLIC_URL)")
    sub.add_parser("list", help="workspaces and their owners")
    args = parser.parse_args(argv)
    settings = get_settings()
    settings.paths.ensure()
    try:
        if args.cmd == "list":
            with session_factory(settings.db_url)() as s:
                for ws in s.query(Workspace).order_by(Workspace.created_at):
                    owners = ", ".join(u.username for u in s.query(User).filter_by(workspace_id=ws.id))
                    print(f"{ws.id}\t{ws.name}\t{owners}")
            return 0
        token = (invite(settings, args.username, args.workspace, args.hours) if args.cmd == "invite"
                 else reinvite(settings, args.username, args.hours))
    except AdminError as e:
        print(e, file=sys.stderr)
        return 2
    base = args.url or settings.public_url
    print(f"用户名: {args.username}\n邀请链接（{args.hours:g}小时内有效，只能用一次）: {invite_link(token, base)}")
    if not base:  # a bare path cannot be tapped in a chat: say what it lacks rather than send a dead link
        print("注意：没有设置服务地址（OPC_PUBLIC_URL 或 --url），发给店主前请在链接前加上她打开服务用的地址，"
              "例如 https://数字员工.example.com", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
