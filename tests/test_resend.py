"""「改好再发」 over real HTTP: the new-note form opens filled from a rejected or failed run, its pictures
included, and what the owner sends is a new run with its own copy of the pictures she kept."""
from __future__ import annotations

import hashlib
import re
import shutil
from contextlib import closing

import pytest
from rq import Queue

from core.db import transaction
from core.models import Account, Employee, LedgerEntry, Run, utcnow
from core.queue import redis_for
from tests.factories import make_image
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server)


@pytest.fixture
def client(web):
    with closing(web.client()) as c:
        yield c


@pytest.fixture(autouse=True)
def empty_queue(web):
    Queue(web.settings.queue_name, connection=redis_for(web.settings)).empty()


@pytest.fixture
def ended(web, tmp_path):
    """A note the owner rejected, with two pictures stored in the service's uploads folder."""
    folder = web.settings.paths.uploads / f"old-{tmp_path.name}"
    folder.mkdir(parents=True)
    images = [str(shutil.copy(make_image(tmp_path / f"{i}.jpg", text=str(i)), folder / f"0{i}.jpg")) for i in (1, 2)]
    with transaction(web.db) as s:
        acc = s.query(Account).filter_by(site="xiaohongshu").first()
        acc.status = "active"
        run = Run(workspace_id=acc.workspace_id, account_id=acc.id, employee_id=s.query(Employee).first().id,
                  site="xiaohongshu", mode="semi_auto", status="rejected", reason="冷泡时间写错了",
                  content={"title": "桂花乌龙冷泡茶", "body": "冷泡8小时，清香回甘", "topics": ["冷泡茶", "夏日"],
                           "images": images, "timing": {"mode": "now"}})
        s.add(run)
        s.flush()
        return {"run": run.id, "account": acc.id, "employee": run.employee_id, "images": images}


def test_the_form_opens_filled_from_a_rejected_note_with_its_pictures(web, client, ended):
    run_page = client.get(f"/runs/{ended['run']}").text
    assert f'href="/compose?from={ended["run"]}">改好再发' in run_page
    page = client.get(f"/compose?from={ended['run']}").text
    assert 'value="桂花乌龙冷泡茶"' in page and "冷泡8小时，清香回甘</textarea>" in page
    assert 'value="冷泡茶 夏日"' in page and "上次的结果：冷泡时间写错了" in page
    assert re.findall(r'name="keep_images" value="(\d+)" checked', page) == ["0", "1"]
    picture = client.get(f"/api/runs/{ended['run']}/images/images/1")
    assert picture.status_code == 200 and picture.content == open(ended["images"][1], "rb").read()
    assert re.findall(r'name="account_id" value="(\w+)" checked', page) == [ended["account"]]


def test_sending_the_edited_note_makes_a_new_run_with_its_own_copy_of_the_kept_pictures(web, client, ended, tmp_path):
    extra = make_image(tmp_path / "new.jpg", size=(500, 600), text="new")
    resp = client.post("/api/runs", data={"account_id": ended["account"], "employee_id": ended["employee"],
                                          "title": "桂花乌龙冷泡茶", "body": "冷泡6小时，清香回甘", "topics": "冷泡茶",
                                          "timing": "now", "from_run": ended["run"], "keep_images": ["1"]},
                       files=[("images", ("new.jpg", extra.read_bytes(), "image/jpeg"))])
    assert resp.status_code == 201, resp.text
    new_id = resp.json()["runs"][0]["id"]
    assert new_id != ended["run"]
    with web.db() as s:
        new, old = s.get(Run, new_id), s.get(Run, ended["run"])
    assert new.content["body"] == "冷泡6小时，清香回甘"
    copied = [open(p, "rb").read() for p in new.content["images"]]
    assert copied == [open(ended["images"][1], "rb").read(), extra.read_bytes()]
    assert not set(new.content["images"]) & set(ended["images"])  # copies, not the old run's files
    assert old.status == "rejected"


def test_only_an_ended_note_can_be_sent_again_and_a_missing_picture_is_named(web, client, ended):
    with transaction(web.db) as s:
        s.get(Run, ended["run"]).status = "published"
    assert client.get(f"/compose?from={ended['run']}").status_code == 409
    with transaction(web.db) as s:
        s.get(Run, ended["run"]).status = "failed"
    resp = client.post("/api/runs", data={"account_id": ended["account"], "employee_id": ended["employee"],
                                          "title": "桂花乌龙", "body": "清香", "timing": "now",
                                          "from_run": ended["run"], "keep_images": ["5"]})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "images"
    assert "原来的图片已经不在了" in resp.json()["detail"][0]["message"]


@pytest.fixture
def ended_listing(web, tmp_path):
    """A listing that failed after approval: a tea with two sizes and two main pictures on disk."""
    folder = web.settings.paths.uploads / f"old-{tmp_path.name}"
    folder.mkdir(parents=True)
    mains = [str(shutil.copy(make_image(tmp_path / f"m{i}.jpg", size=(800, 800), text=str(i)), folder / f"m{i}.jpg"))
             for i in (1, 2)]
    with transaction(web.db) as s:
        ws = s.query(Employee).first().workspace_id
        shop = Account(workspace_id=ws, site="taobao", name=f"茶店{tmp_path.name[-4:]}", status="active")
        s.add(shop)
        s.flush()
        run = Run(workspace_id=ws, account_id=shop.id, employee_id=s.query(Employee).first().id, graph="listing",
                  site="taobao", mode="semi_auto", status="failed", reason="一直没有回应",
                  content={"category_keyword": "乌龙茶", "properties": {"品牌": "山间", "产地": "福建"},
                           "title": "桂花乌龙冷泡茶 礼盒装", "main_images": mains, "price": None, "stock": None,
                           "sku_dimensions": ["净含量"], "outer_id": "TEA-01", "desc_images": [], "shelf": "now",
                           "skus": [{"options": {"净含量": "100g"}, "price": "39.00", "stock": 50},
                                    {"options": {"净含量": "250g"}, "price": "89.00", "stock": 20}]})
        s.add(run)
        s.flush()
        return {"run": run.id, "account": shop.id, "employee": run.employee_id, "mains": mains}


def test_the_listing_form_opens_filled_from_a_failed_listing_and_keeps_the_chosen_pictures(web, client, ended_listing):
    old = ended_listing
    assert f'href="/listings/new?from={old["run"]}">改好再发' in client.get(f"/runs/{old['run']}").text
    page = client.get(f"/listings/new?from={old['run']}").text
    for shown in ('value="乌龙茶"', 'value="山间"', "产地:福建</textarea>", 'value="桂花乌龙冷泡茶 礼盒装"',
                  'value="净含量" data-sku-dim="1"', 'value="100g"', 'value="89.00"', 'value="TEA-01"',
                  "上次的结果：一直没有回应"):
        assert shown in page, shown
    assert re.findall(r'name="keep_main_images" value="(\d+)" checked', page) == ["0", "1"]

    resp = client.post("/api/listings", data={
        "account_id": old["account"], "employee_id": old["employee"], "category_keyword": "乌龙茶", "brand": "山间",
        "props": "产地:福建", "title": "桂花乌龙冷泡茶 礼盒装", "sku_dims": ["净含量", ""], "sku_value_1": ["100g", "250g"],
        "sku_value_2": ["", ""], "sku_price": ["39.00", "85.00"], "sku_stock": ["50", "20"], "shelf": "now",
        "from_run": old["run"], "keep_main_images": ["1", "0"]})
    assert resp.status_code == 201, resp.text
    with web.db() as s:
        new = s.get(Run, resp.json()["id"])
    assert new.id != old["run"] and new.content["skus"][1]["price"] == "85.00"
    assert [open(p, "rb").read() for p in new.content["main_images"]] == [open(p, "rb").read() for p in old["mains"][::-1]]
    assert not set(new.content["main_images"]) & set(old["mains"])


def test_resending_a_note_that_may_have_been_posted_asks_first(web, client, ended):
    # A failed run whose press may have gone through (an intent no read of the site settled): 「改好再发」 makes
    # a new run, so a second note, and the phone asks before it opens; a plain failure does not ask.
    with transaction(web.db) as s:
        run = s.get(Run, ended["run"])
        run.status, run.reason = "failed", "已提交，可能已经成功，请先到网站上查看，不要重复操作（结果还没能确认：…）"
    page = client.get(f"/runs/{ended['run']}").text
    assert re.search(r'href="/compose\?from=\w+" data-confirm="这条任务可能已经提交到网站了[^"]*">改好再发', page) is None
    with transaction(web.db) as s:
        s.add(LedgerEntry(key=f"{ended['run']}:submit", run_id=ended["run"], site="xiaohongshu",
                          account_id=ended["account"], status="intent", intent_at=utcnow()))
    page = client.get(f"/runs/{ended['run']}").text
    assert re.search(r'href="/compose\?from=\w+" data-confirm="这条任务可能已经提交到网站了，?[^"]*继续吗？">改好再发',
                     page), page[page.find("run-actions"):][:600]
    assert 'data-run-action="retry">重试' in page  # retrying is safe: it reads the site before any press
    # The confirm is the page's script's doing: a phone still holding last release's app.js would skip it, so
    # the page names the script by its content, and a changed script is a new address the phone must fetch.
    src = re.search(r'<script src="(/static/app\.js\?v=(\w+))"', page)
    assert src, page[:800]
    script = client.get(src.group(1))
    assert script.status_code == 200 and "data-confirm" in script.text
    assert hashlib.sha256(script.content).hexdigest().startswith(src.group(2))
