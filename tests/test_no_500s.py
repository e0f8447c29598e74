"""Inputs found by hand that once answered 500, sent to a live server: each is now refused with a Chinese
field error (or answered normally), nothing is half-saved, and the pages that show the data still open."""
from __future__ import annotations

import struct
import zlib
import pytest

from core.db import transaction
from core.models import Artifact, Run
from tests.factories import make_image
from tests.web_fixtures import client, ids, web  # noqa: F401  (module-scoped web server, the owner's client and ids)


def _chinese_error(r, field: str, statuses=(422,)) -> dict:
    assert r.status_code in statuses, r.text
    errors = r.json()["detail"]
    error = next(e for e in errors if e["field"].startswith(field))
    assert error["limit"] and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error
    return error


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (its data is a few bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _note(ids, **kw) -> dict:
    return {"account_id": ids["account"], "employee_id": ids["employee"], "title": "桂花乌龙冷泡茶",
            "body": "清香回甘", "topics": "冷泡茶", "timing": "now", **kw}


def _runs(web) -> int:
    with web.db() as s:
        return s.query(Run).count()


def test_a_banned_word_with_half_a_character_is_refused_and_the_employee_pages_still_open(web, client, ids):
    r = client.patch(f"/api/employees/{ids['employee']}", content=b'{"banned_words": ["\\ud800"]}',
                     headers={"content-type": "application/json"})
    _chinese_error(r, "banned_words")
    assert client.get("/api/employees").status_code == 200
    assert client.get("/employees").status_code == 200
    ok = client.patch(f"/api/employees/{ids['employee']}", json={"banned_words": ["最便宜", "😀"]})
    assert ok.status_code == 200 and ok.json()["settings"]["banned_words"] == ["最便宜", "😀"]


@pytest.mark.parametrize("limit", ["-99999999999999999999999", "-1", "0", "201"])
def test_a_run_list_limit_out_of_range_is_refused(client, limit):
    _chinese_error(client.get("/api/runs", params={"limit": limit}), "limit")


def test_a_run_list_limit_in_range_returns_at_most_that_many(client):
    r = client.get("/api/runs", params={"limit": 1})
    assert r.status_code == 200 and len(r.json()["runs"]) <= 1


@pytest.mark.parametrize("period", ["2018Q4", "9999Q4", "0000Q1"])
def test_a_quarter_the_books_cannot_compute_is_a_field_error(client, period):
    _chinese_error(client.get("/api/books/summary", params={"period": period}), "period")


@pytest.mark.parametrize("period", ["2018Q4", "9999Q4", "0000Q1"])
def test_the_business_income_return_for_such_a_quarter_is_refused_in_chinese(client, period):
    # A company workspace is told first that it files no A表 (409); an individual business, the period.
    _chinese_error(client.get("/api/books/pit", params={"period": period}), "", statuses=(409, 422))


@pytest.mark.parametrize("period", ["2018Q4", "9999Q4", "0000Q1"])
def test_the_finance_page_for_such_a_quarter_answers_without_a_server_error(client, period):
    assert client.get("/finance", params={"period": period}).status_code < 500


@pytest.mark.parametrize("at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_publish_time_at_the_ends_of_the_calendar_is_refused(web, client, ids, tmp_path, at):
    before = _runs(web)
    image = make_image(tmp_path / "a.jpg", size=(400, 500)).read_bytes()
    r = client.post("/api/runs", data=_note(ids, timing="at", publish_at=at),
                    files=[("images", ("a.jpg", image, "image/jpeg"))])
    _chinese_error(r, "publish_at")
    assert _runs(web) == before


def test_a_cron_that_never_comes_is_refused(web, client, ids):
    r = client.post("/api/schedules", data={**_note(ids), "cron": "0 0 31 2 *"})
    _chinese_error(r, "cron")


@pytest.mark.parametrize("field", ["images", "cover"])
def test_a_tiny_png_declaring_ten_billion_pixels_is_refused_before_decoding(web, client, ids, tmp_path, field):
    bomb = _png_declaring(100_000, 100_000)
    assert len(bomb) < 100
    files = [("images", ("a.jpg", make_image(tmp_path / "a.jpg", size=(400, 500)).read_bytes(), "image/jpeg"))]
    files = [("images", ("bomb.png", bomb, "image/png"))] if field == "images" else [
        *files, ("cover", ("bomb.png", bomb, "image/png"))]
    before = _runs(web)
    error = _chinese_error(client.post("/api/runs", data=_note(ids), files=files), field)
    assert "像素" in error["limit"]
    assert _runs(web) == before


def test_a_screenshot_whose_file_is_gone_is_a_chinese_404(web, client, ids):
    with transaction(web.db) as s:
        run = Run(workspace_id=ids["workspace"], account_id=ids["account"], employee_id=ids["employee"],
                  site="xiaohongshu", mode="auto", status="published", content={"title": "x"})
        s.add(run)
        s.flush()
        art = Artifact(run_id=run.id, kind="screenshot", path=str(web.settings.data_dir / "gone.png"))
        s.add(art)
        s.flush()
        art_id = art.id
    r = client.get(f"/api/artifacts/{art_id}")
    assert r.status_code == 404
    assert "图片" in r.json()["detail"][0]["message"]


def test_an_uploads_folder_that_cannot_be_written_is_answered_503_in_chinese_and_nothing_is_saved(web, client, ids,
                                                                                                  tmp_path):
    # A file where the folder should be: mkdir fails for root too (a read-only mode would not stop root).
    uploads = web.settings.paths.uploads
    moved = uploads.rename(uploads.with_name("uploads.moved"))
    uploads.write_bytes(b"")
    before = _runs(web)
    image = make_image(tmp_path / "a.jpg", size=(400, 500)).read_bytes()
    try:
        r = client.post("/api/runs", data=_note(ids), files=[("images", ("a.jpg", image, "image/jpeg"))])
    finally:
        uploads.unlink()
        moved.rename(uploads)
    assert r.status_code == 503 and r.headers["retry-after"]
    assert "无法保存" in r.json()["detail"][0]["message"]
    assert _runs(web) == before


def test_a_sheet_with_a_stray_carriage_return_is_a_field_error(client):
    data = b"\r\xc2\x9f" + "ö".encode() + b"\x1c=" + "ä´".encode() + b"\x03V\xf2\x9b\x8f\xb3"
    _chinese_error(client.post("/api/books/import", files={"file": ("file", data, "text/csv")}), "")
