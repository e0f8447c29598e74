"""Nothing in the data dir is readable by another user of the machine: password hashes, tax returns,
drafts, uploads, screenshots, Chromium's profile and the logs are all owner-only."""
from __future__ import annotations

import stat
from contextlib import closing

import pytest

from core.models import Account, Employee
from core.private import private_dir
from tests.factories import make_image
from tests.web_fixtures import start_web_stack, Web
from tests.core_fixtures import wait_until


@pytest.fixture(scope="module")
def busy_web(tmp_path_factory):
    """A stack with a worker and scheduler that has stored a document, an upload and run a job."""
    stack, password = start_web_stack(tmp_path_factory, workers=1)
    yield Web(stack, password)
    stack.stop()


def _open_to_others(root) -> list[str]:
    found = []
    for p in [root, *root.rglob("*")]:
        if p.is_symlink():
            continue
        if stat.S_IMODE(p.stat().st_mode) & 0o077:
            found.append(f"{oct(stat.S_IMODE(p.stat().st_mode))} {p.relative_to(root)}")
    return found


def test_everything_the_service_writes_is_owner_only(busy_web, tmp_path):
    web = busy_web
    with web.db() as s:
        acc = s.query(Account).filter_by(site="xiaohongshu").first()
        emp = s.query(Employee).first()
    with closing(web.client()) as c:
        assert c.post("/api/knowledge", files={"file": ("茶.txt", "桂花乌龙，冷泡八小时。".encode(), "text/plain")}
                      ).status_code == 201
        image = make_image(tmp_path / "a.jpg", size=(400, 500))
        r = c.post("/api/runs", data={"account_id": acc.id, "employee_id": emp.id, "title": "桂花乌龙冷泡茶",
                                      "body": "清香回甘", "topics": "冷泡茶", "timing": "now"},
                   files=[("images", ("a.jpg", image.read_bytes(), "image/jpeg"))])
        assert r.status_code == 201, r.text
        run_id = r.json()["runs"][0]["id"]
        # the worker picks the run up (no replica runs here, so it ends waiting or failing: either writes)
        wait_until(lambda: c.get(f"/api/runs/{run_id}").json()["status"] not in ("queued",), timeout=60,
                   what="the worker to take the run")
    root = web.settings.data_dir
    names = {p.name for p in root.rglob("*")}
    assert {"opc.db", "web.log", "worker-1.log"} <= names, names
    assert _open_to_others(root) == []


def test_a_data_dir_left_open_by_an_older_version_is_closed(tmp_path):
    old = tmp_path / "data"
    old.mkdir(mode=0o755)
    old.chmod(0o755)
    private_dir(old)
    assert stat.S_IMODE(old.stat().st_mode) == 0o700
