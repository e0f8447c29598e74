"""The demo workspace: an owner, the five employees, a Xiaohongshu account on the replica and two sample
product sheets in the knowledge base (a summer cold-brew tea and an autumn gift box: two products that
share words, as a real shop's do).

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
from knowledge.store import add_document

OWNER = "owner"
SAMPLE_DOC = "示例-产品资料-桂花乌龙冷泡茶.md"
SAMPLE_TEXT = """# 产品资料

桂花乌龙冷泡茶是本店今年夏天的新品，选用福建安溪的乌龙茶和广西桂林的金桂窨制。

## 冲泡方法
一包茶包加500毫升常温矿泉水，放进冰箱冷藏4到6小时即可饮用，冷泡出来的茶汤清澈不苦涩。

## 规格与价格
每盒12包，每包3克，到手价39元。

## 口感
入口是桂花的甜香，回味是乌龙的焙火香，冰镇后更加清爽。
"""
GIFT_DOC = "示例-产品资料-桂花红茶礼盒.md"
GIFT_TEXT = """# 产品资料

桂花红茶礼盒是本店今年秋天的新品，选用福建武夷山的正山小种红茶，用桂林金桂窨制三次。

## 规格与价格
每盒两罐，每罐100克，礼盒价168元，附手提袋和贺卡。

## 冲泡方法
用90度左右的热水冲泡，3克茶叶配200毫升水，每泡约20秒，可以续泡五到六次。

## 送礼
烫金桂花纹样的礼盒，适合中秋、教师节和拜访长辈时送人，可以免费代写贺卡。
"""
SAMPLE_DOCS = {SAMPLE_DOC: SAMPLE_TEXT, GIFT_DOC: GIFT_TEXT}
DEMO_TAX_ID = "91310115MA1K4QXR7D"
"""The demo company's 统一社会信用代码 (the tax bureau replica's demo login): invoices naming it are hers."""
DEMO_EXPENSES = (
    (1, "rent", "3000.00", "上海某物业管理有限公司", "工作室本月房租"),
    (1, "cost", "1280.00", "福建安溪某茶叶合作社", "乌龙茶原料"),
    (2, "logistics", "86.50", "某快递公司", "寄样品"),
)
"""(day of the month, category, amount, payee, note): this month's expenses, so the books and the monthly
report show something. Only expenses, only this month: no ended quarter's VAT return or A表 changes, so the
README's filing story files the same amounts as before."""


def seed_demo(settings: Settings, reset_password: bool = False) -> tuple[str, str | None]:
    """Returns (username, one-time password or None when the owner already existed)."""
    from api.auth import create_owner, set_password  # the API owns how passwords are kept

    settings.paths.ensure()
    with transaction(session_factory(settings.db_url)) as s:
        owner = s.query(User).filter_by(username=OWNER).first()
        if owner is not None:
            if not reset_password:
                return OWNER, None
            import secrets

            password = secrets.token_urlsafe(9)
            set_password(s, owner, password)  # and every browser logged in with the old one is logged out
            return OWNER, password
        ws = Workspace(name="演示工作区", timezone=settings.timezone)
        s.add(ws)
        s.flush()
        for role in EMPLOYEES.values():  # marketing first: it is the one the demo story uses
            settings = {"tax_id": DEMO_TAX_ID} if role.key == "finance" else {}
            s.add(Employee(workspace_id=ws.id, role=role.key, name=role.name, mode=role.default_mode, settings=settings))
        s.add(Account(workspace_id=ws.id, site="xiaohongshu", name="demo", status="needs_login"))
        for name, text in SAMPLE_DOCS.items():
            add_document(s, ws.id, name, text.encode("utf-8"))
        _seed_books(s, ws)
        return OWNER, create_owner(s, ws.id, OWNER)


def _seed_books(s, ws: Workspace) -> None:
    from datetime import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from books.expenses import add_expense  # the books own how a record is stored (and its report cache)

    today = datetime.now(ZoneInfo(ws.timezone)).date()
    for day, category, amount, payee, note in DEMO_EXPENSES:
        add_expense(s, ws.id, {"day": today.replace(day=min(day, today.day)), "amount": Decimal(amount),
                               "category": category, "counterparty": payee, "note": note}, source="manual")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset-password", action="store_true")
    args = parser.parse_args()
    user, password = seed_demo(get_settings(), args.reset_password)
    print(f"用户名: {user}\n一次性密码: {password}" if password else f"用户名: {user}（密码未变）")


if __name__ == "__main__":
    main()
