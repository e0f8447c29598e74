"""The knowledge base over real HTTP: the owner uploads Word and text files, an employee's search finds
them, deleting one removes it from every later search and plan, another workspace never sees them, and a
file the base cannot read is refused on the field ``file`` with nothing stored."""
from __future__ import annotations

import io
from contextlib import closing

import httpx
import pytest
from docx import Document

from api.auth import create_owner
from core.db import transaction
from core.models import Employee, Workspace
from knowledge.models import KnowledgeChunk, KnowledgeDoc
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server, no model)

TASK = "明天上午10点在小红书发一篇帖子，产品是云南小粒咖啡冻干粉"


def _docx(note: str = "") -> bytes:
    doc = Document()
    doc.add_heading("云南小粒咖啡冻干粉", level=1)
    doc.add_paragraph("产地是云南保山，海拔1200米的咖啡园，阿拉比卡豆。")
    doc.add_paragraph("冷水3秒即溶，每条2克，一盒30条。")
    if note:
        doc.add_paragraph(note)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def client(web):
    with closing(web.client()) as c:
        yield c


@pytest.fixture(scope="module")
def stranger(web):
    """A logged-in owner of another workspace."""
    with transaction(web.db) as s:
        ws = Workspace(name="别人的店")
        s.add(ws)
        s.flush()
        password = create_owner(s, ws.id, "stranger")
    with closing(httpx.Client(base_url=web.url, timeout=30)) as c:
        r = c.post("/api/session", json={"username": "stranger", "password": password})
        r.raise_for_status()
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield c


def _counts(web) -> tuple[int, int]:
    with web.db() as s:
        return s.query(KnowledgeDoc).count(), s.query(KnowledgeChunk).count()


def _upload(client, name: str, data: bytes, mime: str = "application/octet-stream"):
    return client.post("/api/knowledge", files={"file": (name, data, mime)})


def test_word_and_text_files_are_searchable_and_listed(web, client):
    word = _upload(client, "咖啡产品资料.docx", _docx())
    assert word.status_code == 201, word.text
    assert word.json()["kind_label"] == "Word" and word.json()["passages"] >= 1
    text = _upload(client, "售后规则.txt", "七天无理由退货，拆封后的食品不退。\n运费险由店铺承担。".encode("gb18030"))
    assert text.status_code == 201, text.text

    names = [d["name"] for d in client.get("/api/knowledge").json()["docs"]]
    assert {"咖啡产品资料.docx", "售后规则.txt"} <= set(names)
    hits = client.get("/api/knowledge/search", params={"q": "咖啡冻干粉 即溶"}).json()["passages"]
    assert hits[0]["doc_name"] == "咖啡产品资料.docx" and "3秒即溶" in hits[0]["text"]
    refund = client.get("/api/knowledge/search", params={"q": "退货"}).json()["passages"]
    assert [p["doc_name"] for p in refund] == ["售后规则.txt"]  # a GBK file read as Chinese
    page = client.get("/knowledge").text
    assert "咖啡产品资料.docx" in page and "售后规则.txt" in page


def test_an_unreadable_or_unsupported_file_is_a_field_error_and_nothing_is_stored(web, client):
    before = _counts(web)
    for name, data, word in [("照片.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "不支持"),
                             ("坏的.docx", b"PK not really a zip", "Word"),
                             ("空的.txt", b"   ", "空")]:
        resp = _upload(client, name, data)
        assert resp.status_code == 422, resp.text
        (err,) = resp.json()["detail"]
        assert err["field"] == "file" and err["limit"] and word in err["message"]
    assert client.post("/api/knowledge").json()["detail"][0]["field"] == "file"
    assert _counts(web) == before


def test_an_upload_needs_the_owners_csrf_token(web, client):
    del client.headers["X-CSRF-Token"]
    before = _counts(web)
    assert _upload(client, "a.txt", "内容".encode()).status_code == 403
    assert _counts(web) == before


def test_another_workspace_never_sees_the_documents(web, client, stranger):
    doc = _upload(client, "秘方.txt", "本店秘方：桂花蜜与陈皮按三比一调配。".encode()).json()
    assert stranger.get("/api/knowledge").json()["docs"] == []
    assert stranger.get("/api/knowledge/search", params={"q": "秘方 陈皮"}).json()["passages"] == []
    assert stranger.delete(f"/api/knowledge/{doc['id']}").status_code == 404
    assert "秘方.txt" not in stranger.get("/knowledge").text
    assert client.get("/api/knowledge/search", params={"q": "秘方 陈皮"}).json()["passages"]  # still there


def test_a_deleted_document_is_gone_from_search_and_from_later_plans(web, client):
    with web.db() as s:
        marketing = s.query(Employee).filter_by(role="marketing").one().id
    doc = _upload(client, "冻干粉说明.docx", _docx("冻干粉开封后请密封保存。")).json()
    first = client.post("/api/tasks", json={"employee_id": marketing, "text": TASK}).json()
    assert "冻干粉说明.docx" in [c["doc_name"] for c in first["runs"][0]["citations"]]

    assert client.delete(f"/api/knowledge/{doc['id']}").status_code == 200
    assert client.delete(f"/api/knowledge/{doc['id']}").status_code == 404
    with web.db() as s:
        assert s.query(KnowledgeChunk).filter_by(doc_id=doc["id"]).count() == 0
    hits = client.get("/api/knowledge/search", params={"q": "冻干粉 即溶"}).json()["passages"]
    assert "冻干粉说明.docx" not in [p["doc_name"] for p in hits]
    later = client.post("/api/tasks", json={"employee_id": marketing, "text": TASK}).json()
    assert "冻干粉说明.docx" not in [c["doc_name"] for r in later["runs"] for c in r["citations"]]
