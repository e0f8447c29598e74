"""Taobao listings through the same queue, approval queue and ledger as posts, on real processes:
one product from the phone, a sheet of products paced with "approve all", the slider dragged by the owner."""
from __future__ import annotations

import io
import itertools
from contextlib import closing

import httpx
import pytest
from openpyxl import Workbook

from api.auth import hash_password
from core.db import transaction
from core.models import Account, Approval, Employee, Run, User, Workspace
from tests.core_fixtures import wait_until
from tests.factories import make_image
from tests.stack_fixtures import Env, make_stack

_n = itertools.count()
PASSWORD = "owner-pass-123"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=1, web=True, sites=("taobao",), OPC_LISTING_PACE_S="1",
                       OPC_CODE_TIMEOUT_S="60")
    yield Env(stack)
    stack.stop()


@pytest.fixture
def shop(env, tmp_path):
    """A workspace with a Taobao shop logged in by QR scan, the sales assistant, and its owner."""
    taobao = env.replicas["taobao"]
    taobao.reset()
    n = next(_n)
    with transaction(env.db) as s:
        ws = Workspace(name=f"店{n}")
        s.add(ws)
        s.flush()
        emp = Employee(workspace_id=ws.id, role="sales", name="销售助理", mode="semi_auto")
        acc = Account(workspace_id=ws.id, site="taobao", name=f"tb{n}", status="needs_login")
        s.add_all([emp, acc, User(workspace_id=ws.id, username=f"owner{ws.id}", password_hash=hash_password(PASSWORD))])
        s.flush()
        ids = {"workspace": ws.id, "employee": emp.id, "account": acc.id}
    env.qr_login(ids["account"], user=f"tb-{ids['account']}")
    images = [make_image(tmp_path / f"main{i}.jpg", size=(800, 800), text=str(i)) for i in range(2)]
    return {**ids, "images": images, "replica": taobao}


def _phone(env, shop) -> httpx.Client:
    c = httpx.Client(base_url=env.stack.web_url, timeout=60)
    r = c.post("/api/session", json={"username": f"owner{shop['workspace']}", "password": PASSWORD})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _form(shop, **over) -> dict:
    return {"account_id": shop["account"], "employee_id": shop["employee"], "category_keyword": "手机壳",
            "brand": "倍思/Baseus", "model": "iPhone 15", "title": "倍思手机壳 防摔 透明", "price": "19.90",
            "stock": "50", "shelf": "now", **over}


def _images(shop, field: str = "main_images") -> list:
    return [(field, (p.name, p.read_bytes(), "image/jpeg")) for p in shop["images"]]


def _items(shop) -> list[dict]:
    return shop["replica"].state()["items"]


def test_a_product_waits_for_approval_then_is_listed_once_with_its_item_id(env, shop):
    with closing(_phone(env, shop)) as phone:
        r = phone.post("/api/listings", data=_form(shop), files=_images(shop))
        assert r.status_code == 201, r.text
        run_id = r.json()["id"]
        env.wait_status(run_id, "awaiting_approval", timeout=120)
        assert shop["replica"].state()["submissions"] == 0  # nothing sent before the owner says so
        (card,) = phone.get("/api/approvals").json()["approvals"]
        shown = {f["key"]: f["value"] for f in card["fields"]}
        assert shown["title"] == "倍思手机壳 防摔 透明" and shown["price"] == "19.90" and shown["stock"] == "50"
        assert card["screenshot"]
        assert phone.post(f"/api/approvals/{card['id']}/decision", json={"approve": True}).status_code == 200
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (item,) = _items(shop)
    assert (item["title"], item["price"], item["quantity"], item["status"]) == ("倍思手机壳 防摔 透明", "19.90", 50,
                                                                                item["status"])
    assert run.external_id == str(item["id"])


def test_a_bad_product_is_refused_with_the_field_before_any_browser_work(env, shop):
    with closing(_phone(env, shop)) as phone:
        r = phone.post("/api/listings", data=_form(shop, title="超" * 31, price="19.999"), files=_images(shop))
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["detail"]}
    assert {"title", "price"} <= fields
    with env.db() as s:
        assert s.query(Run).filter_by(account_id=shop["account"]).count() == 0
    assert shop["replica"].state()["submissions"] == 0


def _sheet(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_sheet_becomes_one_paced_run_per_product_and_approve_all_lists_them(env, shop):
    header = ["类目", "品牌", "型号", "属性:货号", "标题", "主图", "价格", "库存", "商家编码", "颜色分类", "尺码",
              "上架方式"]
    a, b = (p.name for p in shop["images"])
    sheet = _sheet([header,
                    ["手机壳", "倍思/Baseus", "X1", "", "防摔手机壳 黑色款", a, "29.90", "20", "CASE-1", "", "", "立刻上架"],
                    ["T恤", "优衣库/UNIQLO", "", "U1", "纯棉短袖T恤", b, "59.00", "5", "TEE-1", "白色", "M", "放入仓库"],
                    ["T恤", "优衣库/UNIQLO", "", "U1", "纯棉短袖T恤", b, "69.00", "7", "TEE-1", "白色", "L", "放入仓库"]])
    with closing(_phone(env, shop)) as phone:
        r = phone.post("/api/listings/import", data={"account_id": shop["account"], "employee_id": shop["employee"]},
                       files=[("file", ("products.xlsx", sheet, "application/octet-stream")), *_images(shop, "images")])
        assert r.status_code == 201, r.text
        run_ids = [run["id"] for run in r.json()["runs"]]
        assert len(run_ids) == 2
        with env.db() as s:
            starts = sorted(s.get(Run, i).not_before for i in run_ids)
        assert (starts[1] - starts[0]).total_seconds() >= 1  # paced, not fired at once
        for run_id in run_ids:
            env.wait_status(run_id, "awaiting_approval", timeout=180)
        r = phone.post("/api/approvals/approve-all", json={"graph": "listing"})
        assert r.json()["approved"] == 2
        assert phone.post("/api/approvals/approve-all", json={"graph": "listing"}).json()["approved"] == 0
    for run_id in run_ids:
        run = env.wait_status(run_id, "published", "failed", timeout=180)
        assert run.status == "published", run.reason
    items = {i["title"]: i for i in _items(shop)}
    assert set(items) == {"防摔手机壳 黑色款", "纯棉短袖T恤"}
    tee = items["纯棉短袖T恤"]
    assert tee["quantity"] == 12 and len(tee["skus"]) == 2 and tee["shelf"] != items["防摔手机壳 黑色款"]["shelf"]


def test_a_sheet_with_a_bad_row_creates_nothing_and_names_row_and_column(env, shop):
    header = ["类目", "品牌", "标题", "主图", "价格", "库存"]
    a = shop["images"][0].name
    sheet = _sheet([header, ["手机壳", "倍思/Baseus", "好手机壳", a, "19.90", "3"],
                    ["手机壳", "倍思/Baseus", "坏价格手机壳", a, "-1", "3"]])
    with closing(_phone(env, shop)) as phone:
        r = phone.post("/api/listings/import", data={"account_id": shop["account"], "employee_id": shop["employee"]},
                       files=[("file", ("p.xlsx", sheet, "application/octet-stream")), *_images(shop, "images")])
    assert r.status_code == 422
    assert any("第3行" in d["message"] and "价格" in d["message"] for d in r.json()["detail"])
    with env.db() as s:
        assert s.query(Run).filter_by(account_id=shop["account"]).count() == 0


def test_the_slider_at_submit_is_dragged_by_the_owner_from_the_phone_and_the_item_is_listed_once(env, shop):
    shop["replica"].faults(slider_submits=1)
    with transaction(env.db) as s:
        s.get(Employee, shop["employee"]).mode = "auto"
    with closing(_phone(env, shop)) as phone:
        run_id = phone.post("/api/listings", data=_form(shop, title="滑块验证后的手机壳"),
                            files=_images(shop)).json()["id"]
        env.wait_status(run_id, "awaiting_human", timeout=120)
        step = wait_until(lambda: (st := phone.get(f"/api/runs/{run_id}/step").json())["kind"] == "drag" and st,
                          what="the drag step")
        assert phone.get(step["screenshot"]).headers["content-type"] == "image/jpeg"
        assert shop["replica"].state()["slider"]["shown"] == 1
        # What the owner sees: the track with its knob at the left (the worker's picture frames the track
        # 24 px either side and the knob 96 px from the top, see graphs.steps.slider_area).
        knob_w, knob_h, track_w = 40, 34, 300
        width, height = track_w + 48, knob_h + 160
        x0, y = (24 + knob_w / 2) / width, (96 + knob_h / 2) / height
        span = (track_w - knob_w) / width
        jump = [[x0, y, 0], [x0 + span, y, 5], [x0 + span, y, 8], [x0 + span, y, 9], [x0 + span, y, 10]]
        assert phone.post(f"/api/runs/{run_id}/drag", json={"points": jump}).status_code == 200
        wait_until(lambda: "再拖一次" in (phone.get(f"/api/runs/{run_id}/step").json().get("prompt") or ""),
                   timeout=60, what="the site refusing the jump and a new picture")
        drag = [[x0 + span * i / 30, y, 30 * i] for i in range(31)]
        assert phone.post(f"/api/runs/{run_id}/drag", json={"points": drag}).status_code == 200
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    assert shop["replica"].state()["slider"] == {"shown": 1, "passed": 1, "failed": 1}
    assert [i["title"] for i in _items(shop)] == ["滑块验证后的手机壳"]
