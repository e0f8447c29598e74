"""The demo workspace as the phone shows it after a day's work: a run of every workflow in every state the
pages show, and an approval card of every kind (publish on 小红书 and 抖音, a listing on 淘宝, a VAT return, an
A表, a tax payment). Rows are written directly where a real run would take minutes; the pages render them with
the same view code either way."""
from __future__ import annotations

from datetime import timedelta

import pytest

from books.compare import compare
from books.periods import Quarter
from books.pit import LINES as PIT_LINES, compute_prepayment
from books.store import records_in
from books.vat import compute_return
from core.db import transaction
from core.errors import PageChanged
from core.models import Account, Approval, Employee, Run, Schedule, Workspace, utcnow
from health.models import SessionHealth
from rpa.screenshots import FAILED_STEP, SUBMITTED_STEP, add_artifacts, run_folder, save_shot
from tests.factories import make_image
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server on the demo workspace)
from tests.inbox_fixtures import add_inbox_day
from tests.board_fixtures import add_demo_numbers

PERIOD = "2026Q3"
INCOME = """日期,金额,发票类型,类别,税率
2026-07-10,202000,普票,货物,1%
2026-08-20,101000,专票,服务,1%
"""

def only_one(element, timeout_ms: float = 3_000):
    """A page object's element (``sites.locate.Fallback``) on a saved real page: it must match exactly one
    element; ``.first`` of two would pass a presence check while acting on the wrong one."""
    try:
        return element.resolve_one(timeout=timeout_ms)
    except PageChanged as e:
        raise AssertionError(f"{element.name}: {e.message}") from None


def _approval(s, run: Run, fields: dict, status: str = "pending") -> Approval:
    a = Approval(run_id=run.id, fields=fields, status=status,
                 decided_at=None if status == "pending" else utcnow())
    s.add(a)
    s.flush()
    return a


def _run(s, ws: Workspace, account: Account, employee: Employee, graph: str, status: str, content: dict,
         **kw) -> Run:
    run = Run(workspace_id=ws.id, account_id=account.id, employee_id=employee.id, graph=graph, site=account.site,
              mode="semi_auto", status=status, content=content, **kw)
    s.add(run)
    s.flush()
    return run


def _shot(s, web, run: Run, step: str) -> None:
    """A screenshot of the run's page, recorded as the run's nodes record theirs."""
    raw = make_image(web.settings.paths.artifacts / run.id / f"{step}.png", size=(1280, 900), fmt="PNG").read_bytes()
    add_artifacts(s, run.id, save_shot(raw, web.settings.storage, run_folder(run.id), step), step)


def _post(title: str, **kw) -> dict:
    return {"title": title, "body": "清香回甘，冰镇更好喝。", "images": ["/data/uploads/a.jpg", "/data/uploads/b.jpg"],
            "video": None, "cover": None, "topics": ["冷泡茶", "夏日饮品"], "timing": {"mode": "now", "at": None},
            "kind": "image", **kw}


PRODUCT = {"category_keyword": "手机壳", "category_path": "手机>手机配件>手机壳", "properties": {"品牌": "本店", "型号": "U1"},
           "title": "桂花图案手机壳 全包防摔", "main_images": ["/data/uploads/m.jpg"], "price": "19.90", "stock": 100,
           "skus": [], "sku_dimensions": [], "outer_id": "KE-01", "desc_images": [], "shelf": "now", "shelf_at": None}
LISTING_FIELDS = {"category": "手机>手机配件>手机壳", "properties": "品牌：本店；型号：U1", "title": "桂花图案手机壳 全包防摔",
                  "skus": "黑色 M ¥19.90 ×50；白色 M ¥19.90 ×50", "price": "19.90", "stock": "100", "outer_id": "KE-01",
                  "images": "1", "desc_images": "2", "shelf": "立刻上架"}
"""What the Taobao adapter's ``fill`` reads back (``sites.taobao.TaobaoAdapter._fill_form``)."""


def _tax_rows(s, ws_id: str) -> tuple[dict, dict]:
    """The VAT and A表 cards' fields, computed from the imported books as the filing's ``fill`` does."""
    quarter = Quarter.parse(PERIOD)
    records = records_in(s, ws_id, quarter)
    vat = compute_return(records, quarter)
    rows = [{"line": r.line, "column": r.column_name, "item": r.item, "books": str(r.books), "portal": str(r.portal),
             "submit": str(r.submit), "differs": r.differs, "rule": r.rule} for r in compare(vat, {})]
    vat_fields = {"kind": "vat_return", "title": "增值税及附加税费申报表（小规模纳税人适用）", "period": quarter.label,
                  "tax_due": str(vat.tax_due), "rows": rows, "warnings": list(vat.warnings)}
    pit = compute_prepayment(records, quarter, {})
    pit_rows = [{"line": n, "column": "", "item": PIT_LINES[key], "books": str(line.value), "portal": "0.00",
                 "submit": str(line.value), "differs": False, "rule": line.rule}
                for n, (key, line) in enumerate(pit.lines.items(), 1)]
    pit_fields = {"kind": "pit_return", "title": "个人所得税经营所得纳税申报表（A表）", "period": quarter.label,
                  "tax_due": str(pit.tax_due), "rows": pit_rows, "warnings": list(pit.warnings)}
    return vat_fields, pit_fields


@pytest.fixture(scope="module")
def demo(web):  # noqa: F811
    """The demo workspace with a run of every workflow in every state the phone shows, and a card of every kind."""
    phone = web.client()
    # An individual business: its finance page has every section (the 经营所得 A表 too) for the walk to read.
    assert phone.put("/api/books/taxpayer", json={"entity": "individual_business"}).status_code == 200
    r = phone.post("/api/books/import", files={"file": ("收入.csv", INCOME.encode("gbk"), "text/csv")})
    assert r.status_code == 201, r.text
    r = phone.post("/api/tasks", json={"employee_id": _employee_id(web, "marketing"),
                                       "text": "下周一上午10点在小红书和抖音发一篇新品上市的帖子，产品是桂花乌龙冷泡茶"})
    assert r.status_code == 201, r.text
    with transaction(web.db) as s:
        ws = s.query(Workspace).one()
        xhs = s.query(Account).filter_by(site="xiaohongshu").one()
        douyin = Account(workspace_id=ws.id, site="douyin", name="抖音主号", status="active")
        taobao = Account(workspace_id=ws.id, site="taobao", name="淘宝小店", status="active")
        etax = Account(workspace_id=ws.id, site="etax", name="电子税务局", status="active")
        s.add_all([douyin, taobao, etax])
        s.flush()
        # What the session checker found (health): valid, could not tell, logged out by the site.
        checked = utcnow() - timedelta(minutes=20)
        s.add_all([SessionHealth(account_id=douyin.id, state="valid", checked_at=checked, valid_at=checked),
                   SessionHealth(account_id=taobao.id, state="unknown", checked_at=checked, failures=1),
                   SessionHealth(account_id=xhs.id, state="expired", checked_at=checked, expired_at=checked)])
        marketing = s.query(Employee).filter_by(role="marketing").one()
        sales = s.query(Employee).filter_by(role="sales").one()
        finance = s.query(Employee).filter_by(role="finance").one()

        note = _run(s, ws, xhs, marketing, "publish", "awaiting_approval", _post("桂花乌龙冷泡茶上新"))
        _approval(s, note, {"title": "桂花乌龙冷泡茶上新", "body": "清香回甘，冰镇更好喝。 #冷泡茶", "topics": "#冷泡茶",
                            "images": "2", "schedule": "立即发布", "skipped_topics": "#夏日饮品"})
        video = _run(s, ws, douyin, marketing, "publish", "awaiting_approval", _post("冷泡茶三步做好", kind="video"))
        _approval(s, video, {"title": "冷泡茶三步做好", "body": "清香回甘。 #冷泡茶", "topics": "#冷泡茶",
                             "schedule": "2026-12-08 10:00", "media": "视频已上传"})
        listing = _run(s, ws, taobao, sales, "listing", "awaiting_approval", PRODUCT)
        _approval(s, listing, LISTING_FIELDS)
        vat_fields, pit_fields = _tax_rows(s, ws.id)
        vat = _run(s, ws, etax, finance, "tax_filing", "awaiting_approval", {"period": PERIOD, "form": "vat"})
        _approval(s, vat, vat_fields)
        pit = _run(s, ws, etax, finance, "tax_filing", "awaiting_approval", {"period": PERIOD, "form": "pit_business"})
        _approval(s, pit, pit_fields)
        payment = _run(s, ws, etax, finance, "tax_filing", "awaiting_approval", {"period": PERIOD, "form": "vat"})
        _approval(s, payment, vat_fields, status="approved")
        _approval(s, payment, {"kind": "payment", "amount": vat_fields["tax_due"], "bank": "中国工商银行",
                               "account": "6222****1234", "agreement": "3100001234", "serial": "10013126000012345678"})

        done = _run(s, ws, xhs, marketing, "publish", "published", _post("桂花乌龙已上线"),
                    external_id="65f0c1a2b3c4d5e6f7a8b9c0")
        _approval(s, done, {"title": "桂花乌龙已上线", "images": "2"}, status="approved")
        _run(s, ws, douyin, marketing, "publish", "published", _post("冷泡茶视频"), external_id="7301234567890123456")
        _run(s, ws, taobao, sales, "listing", "published", PRODUCT, external_id="742000000123",
             reason="提交时淘宝提示（已确认提交）：描述中未添加图片")
        _run(s, ws, etax, finance, "tax_filing", "published", {"period": "2026Q2", "form": "vat"},
             external_id="10013126000012345678")
        failed = _run(s, ws, xhs, marketing, "publish", "failed", _post("发布失败的笔记"),
                      reason="重试3次后仍失败：发布失败，请稍后重试")
        _shot(s, web, done, SUBMITTED_STEP)
        _shot(s, web, failed, FAILED_STEP)
        _run(s, ws, xhs, marketing, "publish", "suggested", _post("只填好不提交"), reason="仅建议模式：已填好表单，未提交")
        at = utcnow() + timedelta(days=1)
        _run(s, ws, douyin, marketing, "publish", "scheduled",
             _post("明天发的视频", timing={"mode": "at", "at": at.isoformat()}), not_before=at)
        rejected = _run(s, ws, xhs, marketing, "publish", "rejected", _post("被驳回的笔记"), reason="图片不够好看")
        _approval(s, rejected, {"title": "被驳回的笔记"}, status="rejected").reason = "图片不够好看"
        s.add(Schedule(workspace_id=ws.id, account_id=xhs.id, employee_id=marketing.id, content=_post("每周上新"),
                       cron="0 10 * * 1", next_at=utcnow() + timedelta(days=2)))
        add_inbox_day(s, ws, douyin, taobao, s.query(Employee).filter_by(role="service").one())
        add_demo_numbers(s, ws.id)
    add_butler_day(web, phone)
    yield phone
    phone.close()


def add_butler_day(web, phone) -> None:
    """运营管家's page with a reminder of each kind, a plan waiting on the 派活 page, a bot and a day's brief."""
    for text in ("每月5号提醒我交房租", "下周三前给张总报价", "明天下午3点提醒我给李姐回电话"):
        assert phone.post("/api/butler/reminders", json={"text": text}).status_code == 201
    assert phone.post("/api/tasks", json={"employee_id": _employee_id(web, "operations"),
                                          "text": "每天早上8点给我发日报"}).status_code == 201
    assert phone.post("/api/butler/channels", json={"kind": "dingtalk", "name": "店铺运营群", "secret": "SECabc",
                                                    "url": "https://oapi.dingtalk.com/robot/send?access_token=5e0c9d7a1b2c8293"}
                      ).status_code == 201
    from butler import brief, deliver

    with web.db() as s:
        ws = s.query(Workspace).one()
        made = brief.build(s, ws, utcnow())
    deliver.record(web.db, utcnow(), ws.id, "brief:demo", "brief", made.title, made.text(), made.markdown())


def _employee_id(web, role: str) -> str:
    with web.db() as s:
        return s.query(Employee).filter_by(role=role).one().id
