"""Everything the owner reads is Chinese: every page of the phone, and every kind of approval card, walked on
the demo workspace after a day's work (``tests.pages_fixtures``)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.routing import APIRoute

from api import app as web_app
from core import invites
from core.db import transaction
from core.inbox import Conversation
from core.models import Account, Approval, Run, User, Workspace
from core.seed import OWNER
from knowledge.models import KnowledgeDoc
from metrics.models import MetricPoint
from planning.models import TaskPlan
from tests.pages_fixtures import demo, web  # noqa: F401  (the demo workspace with a day's work, on a web server)

ALLOWED_WORDS = {"ID", "QQ", "CSV", "XLSX", "XML", "OFD", "QR", "PDF", "SKU", "App", "OPC", "Word", "Markdown", "TXT",
                 "JPG", "JPEG", "PNG", "WEBP", "MP4", "MOV", "MB", "KB", "GB", "UTC",
                 "AI", "Webhook"}  # AI: the sites' and the law's own word in 内容由AI生成; Webhook: 企业微信/钉钉/飞书's
"""Abbreviations and names an owner in China reads as they are."""
NUMBER_WITH_UNIT = re.compile(r"\d+(\.\d+)?(B|MB|KB|GB|px|ml|g|kg|cm|mm|s|ms|%)?")
ID = re.compile(r"[0-9a-f]{12,}")
"""Our ids (16 hex) and the sites' (24 hex notes …), as shown next to their Chinese names."""
CODE = re.compile(r"[A-Z]|(?=.*\d)[A-Z0-9][A-Z0-9\-]*")
"""A letter naming a form or a size (A表, M码) and codes of capitals and digits (型号 U1, 商家编码 KE-01) ..."""
QUARTER = re.compile(r"\d{4}-?Q[1-4]")
"""... but not a quarter written for machines (2026Q3): the owner reads 2026年第3季度."""
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_TAGS = ("script", "style")


class _Text(HTMLParser):
    """The text a page shows: text nodes (not scripts or styles), the attributes a phone shows or reads
    out, and the captions of buttons."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self._skip += 1
        a = dict(attrs)
        self.parts += [a[k] for k in SHOWN_ATTRIBUTES if a.get(k)]
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def foreign_words(html: str, owners_text: list[str]) -> list[str]:
    """ASCII words on the page that are not ids, numbers, units, file extensions or allowed names.
    The owner's own text (account names, titles, file names she uploaded) is hers and is not judged."""
    parser = _Text()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for mine in sorted(owners_text, key=len, reverse=True):
            part = part.replace(mine, " ")
        for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9_\-]*", part):
            word = m.group()
            if not re.search(r"[A-Za-z]", word) or word in ALLOWED_WORDS or NUMBER_WITH_UNIT.fullmatch(word):
                continue
            if ID.fullmatch(word) or part[max(0, m.start() - 1):m.start()] == ".":  # an id; a file extension
                continue
            if CODE.fullmatch(word) and not QUARTER.fullmatch(word):
                continue
            if word.upper() in ALLOWED_WORDS:  # jpg/png as typed in a hint
                continue
            found.append(f"{word!r} in {part[:80]!r}")
    return found


def page_routes() -> set[str]:
    """Every page the phone can open: the GET routes outside /api that are not static files."""
    paths = set()
    for router in web_app.ROUTERS:
        for r in router.routes:
            if isinstance(r, APIRoute) and "GET" in r.methods and not r.path.startswith("/api"):
                paths.add(r.path)
    return paths


def _pages(web) -> dict[str, list[str]]:
    """Route → the concrete paths that open it on the demo data."""
    with web.db() as s:
        ids = {"approval_id": [a.id for a in s.query(Approval)], "run_id": [r.id for r in s.query(Run)],
               "account_id": [a.id for a in s.query(Account)], "task_id": [t.id for t in s.query(TaskPlan)],
               "conv_id": [c.id for c in s.query(Conversation)],
               "subject_id": sorted({p.subject_id for p in s.query(MetricPoint).filter(MetricPoint.subject != "account")})}
    with transaction(web.db) as s:  # the page an invited owner sets her password on (core.admin)
        ids["token"] = [invites.make(s, s.query(User).filter_by(username=OWNER).one())]
    pages = {}
    for route in page_routes():
        param = re.search(r"\{(\w+)\}", route)
        pages[route] = [route.replace(param.group(0), i) for i in ids[param.group(1)]] if param else [route]
    pages["/runs"].append("/runs?kind=background")  # the inbox's background reads, kept for the audit
    return pages


def _owners_text(web) -> list[str]:
    """What the owner typed or uploaded: account names, titles, file names, requests."""
    with web.db() as s:
        texts = [a.name for a in s.query(Account)] + [w.name for w in s.query(Workspace)]
        texts += [u.username for u in s.query(User)]  # her login name, as the operator made it (the invite page)
        for r in s.query(Run):
            texts += [r.content.get("title", ""), r.content.get("body", "")]
        texts += [t.request for t in s.query(TaskPlan)]
        texts += [d.name for d in s.query(KnowledgeDoc)]
        for c in s.query(Conversation):  # what people wrote on her sites, shown as they wrote it
            texts += [c.author, c.text, c.target_title or "", *(c.thread or [])]
    return [t for t in texts if t]


def test_every_page_and_every_card_kind_is_in_chinese(web, demo):
    pages = _pages(web)
    assert all(pages.values()), f"a page without data to open it with: {pages}"
    mine = _owners_text(web)
    findings = {}
    anonymous = web.client(login=False)
    for route, paths in sorted(pages.items()):
        for path in paths:
            r = (anonymous if route in ("/login", "/invite/{token}") else demo).get(path, follow_redirects=True)  # a reply card: its conversation
            assert r.status_code == 200, f"{path}: {r.status_code}"
            found = foreign_words(r.text, mine)
            if found:
                findings[path] = found
    assert not findings, "\n".join(f"{p}: {w}" for p, ws in findings.items() for w in ws)


def test_the_walk_covers_every_kind_of_approval_card(web, demo):
    with web.db() as s:
        kinds = {(s.get(Run, a.run_id).graph, (a.fields or {}).get("kind")) for a in s.query(Approval)}
    assert {("publish", None), ("listing", None), ("tax_filing", "vat_return"), ("tax_filing", "pit_return"),
            ("tax_filing", "payment")} <= kinds
    with web.db() as s:
        sites = {s.get(Run, a.run_id).site for a in s.query(Approval).filter_by(status="pending")}
    assert {"xiaohongshu", "douyin", "taobao", "etax"} <= sites


def test_the_checker_catches_raw_field_names_and_passes_ids_and_units():
    html = ('<dl><dt>media</dt><dd>2张</dd><dt>category</dt><dd>手机壳</dd></dl><p>2026Q3 增值税申报</p>'
            '<label>时间（Asia/Shanghai）<input placeholder="price"></label>'
            '<p>笔记ID：<code>65f0c1a2b3c4d5e6f7a8b9c0</code> 3MB 以内 CSV 或 XLSX，.docx</p><script>var x = "abc";</script>')
    words = [f.split(" in ")[0] for f in foreign_words(html, [])]
    assert words == ["'media'", "'category'", "'2026Q3'", "'Asia'", "'Shanghai'", "'price'"]


@pytest.mark.parametrize("site, name", [("xiaohongshu", "笔记ID"), ("douyin", "作品ID"), ("taobao", "商品ID"),
                                        ("etax", "申报序号")])
def test_a_done_run_names_its_result_id_as_its_site_does(web, demo, site, name):
    with web.db() as s:
        run = s.query(Run).filter(Run.site == site, Run.status == "published").first()
    html = demo.get(f"/runs/{run.id}").text
    assert f"{name}：" in html and run.external_id in html
    others = {"笔记ID", "作品ID", "商品ID", "申报序号"} - {name}
    assert not [o for o in others if f"{o}：" in html]


def test_a_done_runs_note_is_not_shown_in_error_red(web, demo):
    with web.db() as s:
        listed = s.query(Run).filter_by(graph="listing", status="published").one()
        failed = s.query(Run).filter_by(status="failed").first()
    assert 'class="reason"' not in _reason_line(demo.get(f"/runs/{listed.id}").text, listed.reason)
    assert 'class="reason"' in _reason_line(demo.get(f"/runs/{failed.id}").text, failed.reason)


def _reason_line(html: str, reason: str) -> str:
    line = next((ln for ln in html.splitlines() if reason in ln), None)
    assert line is not None, f"{reason!r} not on the page"
    return line


def test_the_invoice_card_the_books_and_the_report_with_records_are_in_chinese(web, demo):
    from tests.invoice_fixtures import SAMPLES, xml_invoice

    r = demo.post("/api/books/invoices", files={"file": ("发票.xml", xml_invoice(SAMPLES["tripod_special"]), "text/xml")})
    assert r.status_code == 201, r.text
    card = r.json()["card"]
    pages = [card]
    saved = demo.post(f"/api/books/invoices/{r.json()['id']}/save",
                      json={"direction": "expense", "category": "expense-cost", "number": "26332000000246813579",
                            "date": "2026-11-08", "kind": "增值税专用发票", "amount": "1720.00", "tax": "223.60",
                            "total": "1943.60", "rate": "0.13", "seller_name": "杭州一帆摄影器材有限公司"})
    assert saved.status_code == 201, saved.text
    pages += [card, "/books?month=2026-11", "/books?month=2026-11&kind=expense&category=cost", "/books/report?month=2026-11",
              "/books/report?quarter=2026Q4"]
    mine = _owners_text(web) + ["发票.xml"]
    findings = {p: foreign_words(demo.get(p).text, mine) for p in pages}
    assert not any(findings.values()), findings
