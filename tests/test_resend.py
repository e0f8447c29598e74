"""「改好再发」 over real HTTP: the new-note form opens filled from a rejected or failed run, its pictures
included, and what the owner sends is a new run with its own copy of the pictures she kept."""
from __future__ import annotations

import re
import shutil
from contextlib import closing

import pytest
from rq import Queue

from core.db import transaction
from core.models import Account, Employee, Run
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
