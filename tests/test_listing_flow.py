"""Taobao listings through the same queue, approval queue and ledger as posts, on real processes:
one product from the phone (with the site's warning shown on the run), a sheet of products paced with
"approve all" (bad rows named, the rest listed), each shelf option, the slider dragged by the owner, and a
worker killed mid-submit."""
from __future__ import annotations

import io
import os
import signal
from contextlib import closing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from openpyxl import Workbook

from core.db import transaction
from core.models import Account, Artifact, Employee, LedgerEntry, Run
from tests.core_fixtures import wait_until
from tests.listing_fixtures import (PASSWORD, env, listed_items, listing_phone, product_form,  # noqa: F401
                                    product_images, shop)

def test_a_product_waits_for_approval_then_is_listed_once_with_its_item_id(env, shop):
    with closing(listing_phone(env, shop)) as phone:
        r = phone.post("/api/listings", data=product_form(shop), files=product_images(shop))
        assert r.status_code == 201, r.text
        run_id = r.json()["id"]
        env.wait_status(run_id, "awaiting_approval", timeout=120)
        assert shop["replica"].state()["submissions"] == 0  # nothing sent before the owner says so
        (card,) = phone.get("/api/approvals").json()["approvals"]
        shown = {f["key"]: f["value"] for f in card["fields"]}
        assert shown["title"] == "倍思手机壳 防摔 透明" and shown["price"] == "19.90" and shown["stock"] == "50"
        assert card["screenshot"] and card["site_warning"] is None
        assert phone.post(f"/api/approvals/{card['id']}/decision", json={"approve": True}).status_code == 200
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (item,) = listed_items(shop)
    assert (item["title"], item["price"], item["quantity"]) == ("倍思手机壳 防摔 透明", "19.90", 50)
    assert run.external_id == str(item["id"])
    # No description images: the site warned, the employee confirmed (she allowed that kind), and she reads it.
    assert "描述中未添加图片" in run.reason
    with closing(listing_phone(env, shop)) as phone:
        page = phone.get(f"/runs/{run_id}")
    assert "描述中未添加图片" in page.text and str(item["id"]) in page.text


NO_DESC_IMAGES = "描述中未添加图片，可能影响宝贝转化，确定要提交吗？"


def test_a_submit_warning_she_has_not_allowed_is_shown_on_a_card_before_it_is_confirmed(env, shop):
    with closing(listing_phone(env, shop)) as phone:
        r = phone.patch(f"/api/employees/{shop['employee']}", json={"allowed_warnings": []})
        assert r.status_code == 200 and r.json()["settings"]["allowed_warnings"] == []
        r = phone.post("/api/listings", data=product_form(shop, mode="auto"), files=product_images(shop))
        assert r.status_code == 201, r.text
        run_id = r.json()["id"]
        # Full auto, yet the site's question comes to her: nothing is confirmed that she has not seen.
        run = env.wait_status(run_id, "awaiting_approval", "published", "failed", timeout=120)
        assert run.status == "awaiting_approval", run.reason
        assert shop["replica"].state()["submissions"] == 0
        (card,) = phone.get("/api/approvals").json()["approvals"]
        assert card["site_warning"] == NO_DESC_IMAGES and card["screenshot"]
        assert phone.post("/api/approvals/approve-all", json={}).json()["approved"] == 0  # one by one only
        assert phone.get(card["screenshot"]).headers["content-type"] == "image/jpeg"
        page = phone.get(f"/approvals/{card['id']}").text
        assert f"提交时淘宝提示：「{NO_DESC_IMAGES}」" in page
        assert phone.post(f"/api/approvals/{card['id']}/decision", json={"approve": True}).status_code == 200
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    state = shop["replica"].state()
    assert [i["id"] for i in state["items"]] == [run.external_id] and state["submissions"] == 1
    assert NO_DESC_IMAGES in run.reason


def test_a_warning_rejected_on_its_card_lists_nothing(env, shop):
    with transaction(env.db) as s:
        s.get(Employee, shop["employee"]).settings = {}
    with closing(listing_phone(env, shop)) as phone:
        run_id = phone.post("/api/listings", data=product_form(shop, mode="auto"), files=product_images(shop)).json()["id"]
        env.wait_status(run_id, "awaiting_approval", timeout=120)
        (card,) = phone.get("/api/approvals").json()["approvals"]
        assert phone.post(f"/api/approvals/{card['id']}/decision",
                          json={"approve": False, "reason": "先加描述图"}).status_code == 200
    run = env.wait_status(run_id, "rejected", "published", "failed", timeout=60)
    assert (run.status, run.reason) == ("rejected", "先加描述图")
    assert shop["replica"].state()["submissions"] == 0


def test_an_unknown_warning_kind_is_refused_in_the_employees_settings(env, shop):
    with closing(listing_phone(env, shop)) as phone:
        r = phone.patch(f"/api/employees/{shop['employee']}", json={"allowed_warnings": ["all"]})
        assert r.status_code == 422 and r.json()["detail"][0]["message"] == "不认识的淘宝提示类型：all"
        page = phone.get("/employees").text
    assert "描述中没有图片" in page and 'value="no_desc_images" checked' in page


def test_the_demo_workspaces_tea_is_listed_in_the_category_she_picked(env, shop):
    from core.seed import SAMPLE_TEXT

    assert "乌龙茶" in SAMPLE_TEXT and "每盒12包" in SAMPLE_TEXT and "39元" in SAMPLE_TEXT  # the seeded sheet
    tea = product_form(shop, category_keyword="茶叶", brand="无品牌/无注册商标", model="", props="产地:福建安溪",
                title="桂花乌龙冷泡茶 每盒12包", price="39", stock="100")
    with closing(listing_phone(env, shop)) as phone:
        refused = phone.post("/api/listings", data=tea, files=product_images(shop))
        assert refused.status_code == 422
        (problem,) = refused.json()["detail"]
        assert problem["field"] == "category_keyword" and "茶>茶叶>乌龙茶" in problem["message"]
        offered = phone.get("/api/listings/categories", params={"keyword": "茶叶"}).json()["candidates"]
        assert offered == ["茶>茶叶>绿茶", "茶>茶叶>红茶", "茶>茶叶>乌龙茶"]
        r = phone.post("/api/listings", data={**tea, "category_path": offered[2]}, files=product_images(shop))
        assert r.status_code == 201, r.text
        run_id = r.json()["id"]
        env.wait_status(run_id, "awaiting_approval", timeout=120)
        (card,) = phone.get("/api/approvals").json()["approvals"]
        assert {f["key"]: f["value"] for f in card["fields"]}["category"] == "茶>茶叶>乌龙茶"
        phone.post(f"/api/approvals/{card['id']}/decision", json={"approve": True}).raise_for_status()
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (item,) = listed_items(shop)
    assert (item["catPath"], item["title"], item["price"], item["quantity"], item["props"]) == (
        "茶>茶叶>乌龙茶", "桂花乌龙冷泡茶 每盒12包", "39.00", 100, {"品牌": "无品牌/无注册商标", "产地": "福建安溪"})
    assert run.external_id == item["id"]


def test_a_script_error_at_submit_fails_at_once_with_the_reason_and_a_screenshot(env, shop):
    shop["replica"].faults(submit_script_error=True)
    with closing(listing_phone(env, shop)) as phone:
        run_id = phone.post("/api/listings", data=product_form(shop, mode="auto"), files=product_images(shop)).json()["id"]
        run = env.wait_status(run_id, "failed", "published", timeout=120)
        assert run.status == "failed" and "淘宝页面出错" in run.reason and "重试" not in run.reason
        assert (run.updated_at - run.created_at).total_seconds() < 90  # not minutes of retries
        with env.db() as s:
            shots = s.query(Artifact).filter_by(run_id=run_id, kind="screenshot", step="failed").all()
        assert len(shots) == 1
        assert phone.get(f"/api/artifacts/{shots[0].id}").headers["content-type"] == "image/jpeg"
    assert listed_items(shop) == []


def test_a_bad_product_is_refused_with_the_field_before_any_browser_work(env, shop):
    with closing(listing_phone(env, shop)) as phone:
        r = phone.post("/api/listings", data=product_form(shop, title="超" * 31, price="19.999"), files=product_images(shop))
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["detail"]}
    assert {"title", "price"} <= fields
    with env.db() as s:
        assert s.query(Run).filter_by(account_id=shop["account"]).count() == 0
    assert shop["replica"].state()["submissions"] == 0


def test_a_bad_sku_row_is_refused_naming_the_row_and_the_field(env, shop):
    skus = {"sku_dims": ["颜色分类", ""], "sku_value_1": ["黑色", "黑色"], "sku_price": ["9.90", "0"],
            "sku_stock": ["1", "2"]}
    with closing(listing_phone(env, shop)) as phone:
        r = phone.post("/api/listings", data={**product_form(shop, price="", stock=""), **skus}, files=product_images(shop))
        assert r.status_code == 422
        assert {"skus.1.price", "skus.1.options"} <= {d["field"] for d in r.json()["detail"]}
        r = phone.post("/api/listings", data={**product_form(shop), **skus, "sku_dims": ["", ""]}, files=product_images(shop))
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "sku_dims"
    with env.db() as s:
        assert s.query(Run).filter_by(account_id=shop["account"]).count() == 0


def _sheet(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


SHEET_HEADER = ["类目", "品牌", "型号", "属性:货号", "标题", "主图", "价格", "库存", "商家编码", "颜色分类", "尺码",
                "上架方式"]


def _import(env, shop, sheet: bytes, name: str = "products.xlsx") -> httpx.Response:
    with closing(listing_phone(env, shop)) as phone:
        return phone.post("/api/listings/import",
                          data={"account_id": shop["account"], "employee_id": shop["employee"]},
                          files=[("file", (name, sheet, "application/octet-stream")), *product_images(shop, "images")])


def test_a_sheet_of_ten_products_with_two_bad_rows_lists_eight_and_names_the_bad_rows(env, shop):
    a, b = (p.name for p in shop["images"])

    def case(n: int, price: str = "19.90", shelf: str = "立刻上架") -> list:
        return ["手机壳", "倍思/Baseus", f"X{n}", "", f"批量手机壳{n}号", a, price, str(n), f"CASE-{n}", "", "", shelf]

    sheet = _sheet([SHEET_HEADER, case(1), case(2), case(3),
                    case(4, price="十九块"),                                                    # row 5: 价格
                    case(5), case(6),
                    ["女装/女士精品>T恤", "优衣库/UNIQLO", "", "U1", "纯棉短袖T恤", b, "59.00", "5", "TEE-1", "白色", "M", "放入仓库"],
                    ["女装/女士精品>T恤", "优衣库/UNIQLO", "", "U1", "纯棉短袖T恤", b, "69.00", "7", "TEE-1", "白色", "L", "放入仓库"],
                    ["手机壳", "倍思/Baseus", "X9", "", "超长" * 16, a, "9.90", "9", "CASE-9", "", "", ""],  # row 10: 标题
                    case(7), case(8, shelf="放入仓库")])
    r = _import(env, shop, sheet)
    assert r.status_code == 201, r.text
    errors = r.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(5, "价格"), (10, "标题")]
    assert all(f"第{e['row']}行「{e['column']}」" in e["message"] for e in errors)
    run_ids = [run["id"] for run in r.json()["runs"]]
    assert len(run_ids) == 8
    with env.db() as s:
        starts = sorted(s.get(Run, i).not_before for i in run_ids)
    assert all((later - earlier).total_seconds() >= 1 for earlier, later in zip(starts, starts[1:]))  # paced
    for run_id in run_ids:
        env.wait_status(run_id, "awaiting_approval", timeout=240)
    assert shop["replica"].state()["submissions"] == 0
    with closing(listing_phone(env, shop)) as phone:
        assert phone.post("/api/approvals/approve-all", json={"graph": "listing"}).json()["approved"] == 8
        assert phone.post("/api/approvals/approve-all", json={"graph": "listing"}).json()["approved"] == 0
    for run_id in run_ids:
        run = env.wait_status(run_id, "published", "failed", timeout=240)
        assert run.status == "published", run.reason
    items = {i["title"]: i for i in listed_items(shop)}
    assert set(items) == {*(f"批量手机壳{n}号" for n in (1, 2, 3, 5, 6, 7, 8)), "纯棉短袖T恤"}
    assert len(listed_items(shop)) == 8
    tee = items["纯棉短袖T恤"]
    assert tee["quantity"] == 12 and len(tee["skus"]) == 2
    assert (tee["shelf"], items["批量手机壳8号"]["shelf"], items["批量手机壳1号"]["shelf"]) == \
        ("in_stock", "in_stock", "on_sale")  # 放入仓库 / 立刻上架


def test_a_sheet_without_a_good_product_creates_nothing_and_names_row_and_column(env, shop):
    header = ["类目", "品牌", "标题", "主图", "价格", "库存"]
    a = shop["images"][0].name
    sheet = _sheet([header, ["手机壳", "倍思/Baseus", "坏价格手机壳", a, "-1", "3"],
                    ["手机壳", "", "没品牌手机壳", a, "9.90", "3"]])
    r = _import(env, shop, sheet, "p.xlsx")
    assert r.status_code == 422
    messages = [d["message"] for d in r.json()["detail"]]
    assert any("第2行" in m and "价格" in m for m in messages)
    assert any("第3行" in m and "品牌" in m for m in messages)
    with env.db() as s:
        assert s.query(Run).filter_by(account_id=shop["account"]).count() == 0


def test_a_timed_shelf_keeps_the_wall_time_written_in_the_workspace_zone(env, shop):
    at = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=2)).replace(hour=20, minute=30)
    with closing(listing_phone(env, shop)) as phone:
        r = phone.post("/api/listings", data=product_form(shop, title="定时上架的手机壳", shelf="at", mode="auto",
                                                   shelf_at=at.strftime("%Y-%m-%dT%H:%M")), files=product_images(shop))
        assert r.status_code == 201, r.text
    run = env.wait_status(r.json()["id"], "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (item,) = listed_items(shop)
    wall = at.strftime("%Y-%m-%d 20:30")
    assert (item["startMode"], item["startAt"], item["shelf"], item["status"]) == \
        ("timed", wall, "in_stock", f"定时上架 {wall}")
    assert run.external_id == item["id"]


def test_the_slider_at_submit_is_dragged_by_the_owner_from_the_phone_and_the_item_is_listed_once(env, shop):
    shop["replica"].faults(slider_submits=1)
    with transaction(env.db) as s:
        s.get(Employee, shop["employee"]).mode = "auto"
    with closing(listing_phone(env, shop)) as phone:
        run_id = phone.post("/api/listings", data=product_form(shop, title="滑块验证后的手机壳"),
                            files=product_images(shop)).json()["id"]
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
    assert [i["title"] for i in listed_items(shop)] == ["滑块验证后的手机壳"]


def test_a_worker_killed_while_the_submit_is_in_flight_leaves_exactly_one_item(env, shop):
    shop["replica"].faults(delays=True)  # the site takes ~1 s to answer a submit: time to kill the worker
    with closing(listing_phone(env, shop)) as phone:
        r = phone.post("/api/listings", data=product_form(shop, title="被打断的手机壳", mode="auto"), files=product_images(shop))
        assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    wait_until(lambda: shop["replica"].state()["submissions"] >= 1, timeout=120, every=0.05,
               what="the press of 提交宝贝信息")
    with env.db() as s:
        assert s.get(LedgerEntry, f"{run_id}:submit").status == "intent"
    name, worker = next((n, p) for n, p in env.stack.procs.items() if n.startswith("worker") and p.poll() is None)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    env.stack.procs.pop(name)
    shop["replica"].faults(delays=False)
    env.stack.start_worker()
    run = env.wait_status(run_id, "published", "failed", timeout=180)
    assert run.status == "published", run.reason
    items = listed_items(shop)
    assert [i["title"] for i in items] == ["被打断的手机壳"]
    assert shop["replica"].state()["submissions"] == 1  # the new worker read the lists instead of pressing again
    assert run.external_id == items[0]["id"]


def test_an_sms_check_after_the_shop_qr_scan_is_answered_on_the_account_page(env, shop):
    shop["replica"].faults(sms_after_scan=True)
    with transaction(env.db) as s:
        account = Account(workspace_id=shop["workspace"], site="taobao", name="tb-sms", status="needs_login")
        s.add(account)
        s.flush()
        account_id = account.id
    with closing(listing_phone(env, shop)) as phone:
        assert phone.post(f"/api/accounts/{account_id}/login").status_code == 202
        qr = wait_until(lambda: phone.get(f"/api/accounts/{account_id}").json()["login_qr"], timeout=60, what="QR")
        assert qr and phone.post(f"/api/accounts/{account_id}/simulate-scan").status_code == 200
        prompt = wait_until(lambda: phone.get(f"/api/accounts/{account_id}").json()["code_prompt"], timeout=60,
                            what="the code prompt")
        assert "短信" in prompt or "验证码" in prompt
        code = httpx.get(f"{shop['replica'].url}/__sandbox__/sms-code").json()["code"]
        assert phone.post(f"/api/accounts/{account_id}/code", json={"code": code}).status_code == 200
        wait_until(lambda: phone.get(f"/api/accounts/{account_id}").json()["status"] == "active", timeout=60,
                   what="the shop logged in")
