"""The API's own documentation (/api/docs) works on a machine with no internet, under the pages' CSP."""
from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.sandbox_fixtures import chromium, context, page  # noqa: F401  (real Chromium, a fresh context)
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server)


def test_api_docs_render_the_operations_with_no_request_leaving_the_service(web, page):
    own = urlsplit(web.url).netloc
    requests, refused = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{web.url}/api/docs")

    expect(page.get_by_role("heading", name="OPC 数字员工")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/runs").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    outside = [u for u in requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != own]
    assert outside == []
    assert refused == []
