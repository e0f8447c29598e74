"""Two owners on one deployment. The operator invites a second owner (``core.admin``); she sets her password
from the link and, logged in, walks every route of the app (read from the app itself, so a route added later
is walked too) with the first workspace's ids: each answers 404, her lists show none of the first's things,
and nothing of the first workspace changes."""
from __future__ import annotations

import json
import re
from contextlib import closing
from datetime import timedelta

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from api.app import create_app
from core import invites, notify
from core.admin import create_workspace
from core.content import Post
from core.db import session_factory, transaction
from core.inbox import Conversation
from core.models import Account, Approval, Artifact, Base, Employee, HumanStep, Run, Schedule, User, Workspace, utcnow
from core.runs import create_run
from core.seed import SAMPLE_DOC
from core.settings import Settings
from tests.factories import make_image
from tests.pg_fixtures import stack_database_url
from tests.webhook_fixtures import bot  # noqa: F401  (a group bot's webhook on a local port)
from tests.pages_fixtures import demo, web  # noqa: F401  (the demo workspace with a run of every kind, every card)

STRANGER = "yi_owner"
NOT_AN_ID = "0123456789abcdef"

# Routes that take no id of anything a workspace owns: a foreign id cannot be given to them. Each acts on the
# caller's own workspace only (what they create is hers), or on no workspace (the login, the docs).
OWN_ONLY = {
    ("POST", "/api/session"), ("DELETE", "/api/session"), ("PUT", "/api/session/password"),
    ("POST", "/api/accounts"), ("POST", "/api/knowledge"), ("PUT", "/api/books/taxpayer"),
    ("POST", "/api/books/import"), ("POST", "/api/books/records"), ("PUT", "/api/books/pit-figures"),
    ("POST", "/api/books/expenses"), ("POST", "/api/books/invoices"), ("PUT", "/api/inbox/settings"),
    ("POST", "/api/butler/reminders/preview"), ("POST", "/api/butler/reminders"), ("POST", "/api/butler/channels"),
    ("POST", "/api/approvals/approve-all"),
    ("POST", "/api/invites/{token}"), ("GET", "/invite/{token}"),  # the token is the secret, not a workspace's id
}


def _routes(app) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, pages and JSON alike, including routers included into routers."""
    def flat(routes):
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI's included router
                yield from flat(r.original_router.routes)
            else:
                yield r
    return sorted({(m, r.path) for r in flat(app.router.routes) if isinstance(r, APIRoute)
                   for m in r.methods if m != "HEAD"})


@pytest.fixture(scope="module")
def foreign(web, demo, tmp_path_factory):  # noqa: F811
    """The demo workspace's ids of every kind, with the few things the demo lacks added (a skill, an invoice,
    a take-over waiting on a run, a code asked at an account's login)."""
    tmp = tmp_path_factory.mktemp("foreign")
    with transaction(web.db) as s:
        ws = s.query(Workspace).filter_by(name="演示工作区").one()
        run = s.query(Run).filter_by(workspace_id=ws.id, status="awaiting_approval", graph="publish").first()
        failed = s.query(Run).filter_by(workspace_id=ws.id, status="failed").first()
        account = s.query(Account).filter_by(workspace_id=ws.id, site="xiaohongshu").one()
        etax = s.query(Account).filter_by(workspace_id=ws.id, site="etax").one()
        marketing = s.query(Employee).filter_by(workspace_id=ws.id, role="marketing").one()
        shot = s.query(Artifact).join(Run, Run.id == Artifact.run_id).filter(Run.workspace_id == ws.id).first()
        kept = make_image(web.settings.paths.uploads / "isolation" / "a.jpg")  # a picture the run was given
        run.content = {**run.content, "images": [str(kept)]}
        picture = Artifact(run_id=run.id, kind="screenshot", step="takeover",
                           path=str(make_image(web.settings.data_dir / "artifacts" / "takeover.png", fmt="PNG")),
                           mime="image/png")
        s.add(picture)
        s.flush()
        s.add(HumanStep(run_id=run.id, kind="drag", prompt="请拖动滑块", screenshot_id=picture.id,
                        expires_at=utcnow() + timedelta(hours=1)))
        s.add(HumanStep(account_id=account.id, kind="code", prompt="请输入短信验证码",
                        expires_at=utcnow() + timedelta(hours=1)))
        from books.models import ExpenseRecord, IncomeRecord, InvoiceUpload
        from butler.models import Channel, Reminder
        from errands.models import Skill
        from knowledge.models import KnowledgeDoc
        from metrics.models import MetricPoint
        from planning.models import TaskPlan

        invoice = tmp / "发票.png"
        make_image(invoice, fmt="PNG")
        upload = InvoiceUpload(workspace_id=ws.id, filename="发票.png", mime="image/png", path=str(invoice),
                               source="photo", reading={"fields": {}})
        skill = Skill(workspace_id=ws.id, employee_id=marketing.id, account_id=account.id, site="xiaohongshu",
                      name="改价", params=[], errand={"goal": "改价", "done_when": "改好"}, steps=[], from_run_id=run.id)
        s.add_all([upload, skill])
        s.flush()
        ids = {
            "workspace_id": ws.id, "run_id": run.id, "failed_run": failed.id, "account_id": account.id,
            "etax_account": etax.id, "employee_id": marketing.id, "artifact_id": shot.id, "picture": picture.id,
            "approval_id": s.query(Approval).filter_by(run_id=run.id).one().id,
            "schedule_id": s.query(Schedule).filter_by(workspace_id=ws.id).first().id,
            "doc_id": s.query(KnowledgeDoc).filter_by(workspace_id=ws.id).first().id,
            "task_id": s.query(TaskPlan).filter_by(workspace_id=ws.id).first().id,
            "income": s.query(IncomeRecord).filter_by(workspace_id=ws.id).first().id,
            "expense": s.query(ExpenseRecord).filter_by(workspace_id=ws.id).first().id,
            "upload_id": upload.id, "skill_id": skill.id,
            "conv_id": s.query(Conversation).filter_by(workspace_id=ws.id).first().id,
            "reminder_id": s.query(Reminder).filter_by(workspace_id=ws.id).first().id,
            "channel_id": s.query(Channel).filter_by(workspace_id=ws.id).first().id,
            "subject_id": s.scalars(select(MetricPoint.subject_id).join(Account, Account.id == MetricPoint.account_id)
                                    .where(Account.workspace_id == ws.id, MetricPoint.subject_id != "")).first(),
        }
    assert all(ids.values()), ids
    return ids


@pytest.fixture(scope="module")
def stranger(web, demo):  # noqa: F811
    """The second owner: made by the operator's command's function, she sets her password from her invite link."""
    with transaction(web.db) as s:
        token = invites.make(s, create_workspace(s, "乙的小店", STRANGER))
    with closing(httpx.Client(base_url=web.url, timeout=30)) as c:
        page = c.get(f"/invite/{token}")
        assert page.status_code == 200 and STRANGER in page.text and "设置密码" in page.text
        r = c.post(f"/api/invites/{token}", json={"password": "乙的密码很长很长很长很长1234"})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        for site, name in (("xiaohongshu", "乙的小红书"), ("taobao", "乙的淘宝")):
            assert c.post("/api/accounts", json={"site": site, "name": name}).status_code == 201
        yield c


def _path(path: str, ids: dict) -> list[str]:
    """The path with the foreign workspace's ids in it (a take-over path twice: a run's and an account's)."""
    if "{kind}" in path:
        return [path.replace("{kind}", "runs").replace("{target_id}", ids["run_id"]),
                path.replace("{kind}", "accounts").replace("{target_id}", ids["account_id"])]
    values = {**ids, "key": "images", "index": "0",
              "record_id": ids["expense"] if "/expenses/" in path else ids["income"]}
    return [re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)]


def _request(path: str, ids: dict, tmp) -> dict:
    """A valid body for the route (what the owner's page sends), naming the foreign workspace's things."""
    image = ("images", ("a.jpg", make_image(tmp / "a.jpg", size=(400, 500)).read_bytes(), "image/jpeg"))
    note = {"account_id": ids["account_id"], "employee_id": ids["employee_id"], "title": "乙的笔记",
            "body": "正文", "topics": "冷泡茶", "timing": "now"}
    product = {"account_id": ids["account_id"], "employee_id": ids["employee_id"], "category_keyword": "茶叶",
               "title": "乙的商品"}
    sheet = ("file", ("商品.csv", "标题,价格\n乙的茶,39\n".encode(), "text/csv"))
    bodies = {
        "/api/accounts/{account_id}": {"json": {"name": "改了名"}},
        "/api/accounts/{account_id}/login": {"json": {}},
        "/api/accounts/{account_id}/code": {"json": {"code": "123456"}},
        "/api/runs/{run_id}/code": {"json": {"code": "123456"}},
        "/api/approvals/{approval_id}/decision": {"json": {"approve": True}},
        "/api/employees/{employee_id}": {"json": {"banned_words": ["乙"]}},
        "/api/{kind}/{target_id}/drag": {"json": {"points": [[0.1 + 0.2 * i, 0.5, 100 * i] for i in range(5)]}},
        "/api/{kind}/{target_id}/tap": {"json": {"x": 0.5, "y": 0.5}},
        "/api/{kind}/{target_id}/text": {"json": {"text": "乙"}},
        "/api/{kind}/{target_id}/back": {"json": {"finished": False}},
        "/api/tasks/{task_id}/runs/{index}": {"json": {"title": "乙改的标题"}},
        "/api/books/records/{record_id}": {"json": {"amount": "1.00"}},
        "/api/books/expenses/{record_id}": {"json": {"amount": "1.00"}},
        "/api/books/invoices/{upload_id}/save": {"json": {"direction": "in", "category": "office"}},
        "/api/books/expenses/{record_id}/attachment": {"files": [("attachment", image[1])]},
        "/api/books/records/{record_id}/attachment": {"files": [("attachment", image[1])]},
        "/api/inbox/{conv_id}/decision": {"json": {"action": "ignore"}},
        "/api/errands/skills/{skill_id}/runs": {"json": {}},
        "/api/errands/skills/{skill_id}/schedules": {"json": {"values": {}, "cron": "每周一上午10点"}},
        "/api/errands/{run_id}/skill": {"json": {"name": "乙的技能"}},
        # routes that name the foreign workspace's things in their body
        "/api/runs": {"data": note, "files": [image]},
        "/api/schedules": {"data": {**note, "cron": "0 10 * * 1"}, "files": [image]},
        "/api/listings": {"data": product, "files": [("main_images", image[1])]},
        "/api/listings/import": {"data": {k: product[k] for k in ("account_id", "employee_id")}, "files": [sheet]},
        "/api/tasks": {"json": {"employee_id": ids["employee_id"], "text": "明天在小红书发一篇新品帖子"}},
        "/api/filings": {"json": {"account_id": ids["etax_account"], "period": "2026Q3"}},
        "/api/inbox/approve": {"json": {"ids": [ids["conv_id"]]}},
        "/api/collections": {"json": {"account_id": ids["account_id"]}},
        "/api/errands/proposal": {"json": {"account_id": ids["account_id"], "employee_id": ids["employee_id"],
                                           "instruction": "把价格改成39元"}},
        "/api/errands": {"json": {"account_id": ids["account_id"], "employee_id": ids["employee_id"],
                                  "instruction": "把价格改成39元", "goal": "改价", "done_when": "价格是39元"}},
    }
    return bodies.get(path, {})


ID_FIELDS = {"account_id", "employee_id", "ids"}
SESSION = {("POST", "/api/session"), ("DELETE", "/api/session"), ("PUT", "/api/session/password"),
           ("POST", "/api/invites/{token}"), ("GET", "/invite/{token}")}
OWN_WRITES = {
    "/api/accounts": {"json": {"site": "douyin", "name": "乙的抖音"}},
    "/api/knowledge": {"files": [("file", ("乙的资料.md", "# 乙的资料\n\n乙的小店卖咖啡豆。".encode(), "text/markdown"))]},
    "/api/books/taxpayer": {"json": {"entity": "individual_business"}},
    "/api/books/import": {"files": [("file", ("收入.csv", "日期,金额,发票类型,类别,税率\n2026-07-10,1000,普票,货物,1%\n"
                                              .encode("gbk"), "text/csv"))]},
    "/api/books/records": {"json": {"day": "2026-07-11", "amount": "500", "category": "goods", "rate": "1%"}},
    "/api/books/pit-figures": {"json": {"period": "2026Q3"}},
    "/api/books/expenses": {"json": {"day": "2026-07-12", "amount": "30.00", "category": "office"}},
    "/api/books/invoices": {"files": [("file", ("发票.txt", b"not an invoice", "text/plain"))]},
    "/api/inbox/settings": {"json": {}},
    "/api/butler/reminders/preview": {"json": {"text": "明天下午3点提醒我打电话"}},
    "/api/butler/reminders": {"json": {"text": "明天下午3点提醒我打电话"}},
    "/api/butler/channels": {"json": {"kind": "dingtalk", "name": "乙的群",
                                      "url": "https://oapi.dingtalk.com/robot/send?access_token=9f8e7d6c5b4a"}},
    "/api/approvals/approve-all": {"json": {}},
}
"""Bodies for her own writes (``OWN_ONLY``): approving all her cards, her books, her bot must reach nothing of theirs."""

BODY_IDS = ("/api/runs", "/api/schedules", "/api/listings", "/api/listings/import", "/api/tasks", "/api/filings",
            "/api/inbox/approve", "/api/collections", "/api/errands/proposal", "/api/errands")
"""Routes without an id in their path that name the workspace's things in their body."""


def _snapshot(web) -> dict[str, set]:
    """Every row of every table, as tuples: what changed between two snapshots is plain."""
    with web.db() as s:
        return {t.name: {tuple(_plain(v) for v in row) for row in s.execute(t.select())}
                for t in Base.metadata.sorted_tables if t.name not in ("login_sessions", "login_failures")}


def _plain(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _theirs(web, ids: dict) -> list[str]:
    """Strings that only the first workspace's things carry: its ids, its name, its accounts' names, its document."""
    with web.db() as s:
        # (the tax bureau's login is named as the site, which every workspace's pages name)
        names = [a.name for a in s.query(Account).filter_by(workspace_id=ids["workspace_id"])
                 if len(a.name) > 3 and a.site != "etax"]
    return [v for k, v in ids.items() if k not in ("index",)] + ["演示工作区", SAMPLE_DOC, *names]


def test_every_route_is_walked_or_named_as_taking_no_foreign_id(web):
    routes = _routes(create_app(web.settings))
    assert len(routes) > 100  # the app itself, pages and JSON
    for method, path in routes:
        assert "{" in path or method == "GET" or (method, path) in OWN_ONLY or path in BODY_IDS, (
            f"{method} {path}: walk it with a foreign id in tests/test_workspace_isolation.py, or name it in OWN_ONLY")


def test_another_workspaces_owner_gets_404_for_every_id_and_nothing_of_theirs_changes(web, foreign, stranger,
                                                                                       tmp_path):
    routes = _routes(create_app(web.settings))
    before = _snapshot(web)
    leaks = []
    for method, path in routes:
        if (method, path) in OWN_ONLY or ("{" not in path and (path not in BODY_IDS or method == "GET")):
            continue
        for url in _path(path, foreign):
            r = stranger.request(method, url, **_request(path, foreign, tmp_path))
            if "{" in path:
                if r.status_code != 404:
                    leaks.append(f"{method} {url}: {r.status_code} {r.text[:200]}")
                continue
            # An id in the body: answered exactly as an id that does not exist, so it tells nothing.
            made_up = {k: NOT_AN_ID if isinstance(v, str) and v in foreign.values() else
                       [NOT_AN_ID] if isinstance(v, list) and v and v[0] in foreign.values() else v
                       for k, v in (_request(path, foreign, tmp_path).get("json") or {}).items()}
            twin = _request(path, foreign, tmp_path)
            if "json" in twin:
                twin["json"] = made_up
            else:
                twin["data"] = {k: NOT_AN_ID if v in foreign.values() else v for k, v in twin["data"].items()}
            r2 = stranger.request(method, url, **twin)
            refused = r.status_code == 404 or (r.status_code == 422 and any(
                e["field"].split(".")[0] in ID_FIELDS for e in r.json()["detail"]))
            if not refused or (r.status_code, r.json()) != (r2.status_code, r2.json()):
                leaks.append(f"{method} {url}: {r.status_code} {r.text[:200]} (a made-up id: {r2.status_code})")
    # 「改好再发」 from their failed run, onto her own account: the run to copy from is theirs
    with web.db() as s:
        ws_id = s.query(User).filter_by(username=STRANGER).one().workspace_id
        mine = {site: s.query(Account).filter_by(workspace_id=ws_id, site=site).one().id for site in ("xiaohongshu", "taobao")}
        roles = {role: s.query(Employee).filter_by(workspace_id=ws_id, role=role).one().id for role in ("marketing", "sales")}
    for path, site, role in (("/api/runs", "xiaohongshu", "marketing"), ("/api/listings", "taobao", "sales")):
        answers = []
        for from_run in (foreign["failed_run"], NOT_AN_ID):
            body = _request(path, foreign, tmp_path)
            body["data"] = {**body["data"], "account_id": mine[site], "employee_id": roles[role], "from_run": from_run}
            r = stranger.post(path, **body)
            answers.append((r.status_code, r.json()))
        if answers[0][0] != 404 or answers[0] != answers[1]:
            leaks.append(f"POST {path} from_run: {answers}")
    for method, path in sorted(OWN_ONLY - SESSION):  # her own writes reach nothing of theirs either
        r = stranger.request(method, path, **OWN_WRITES.get(path, {}))
        if r.status_code >= 500:
            leaks.append(f"{method} {path}: {r.status_code}")
    assert not leaks, "\n".join(leaks)
    after = _snapshot(web)
    with web.db() as s:
        hers = s.query(User).filter_by(username=STRANGER).one().workspace_id
    changed = {t: [r for r in before[t] - after[t] if hers not in r] for t in before}
    changed = {t: rows for t, rows in changed.items() if rows}
    assert not changed, f"rows of the first workspace changed or went: {changed}"
    a_ws = foreign["workspace_id"]
    added = {t: [r for r in after[t] - before[t] if a_ws in r or foreign["account_id"] in r] for t in after}
    assert not any(added.values()), f"rows added to the first workspace: {added}"


def test_the_first_workspaces_owner_opens_the_same_ids(web, foreign, demo):  # noqa: F811
    """The control: the ids the walk used are real, and their owner's reads answer (so the 404s above are the
    workspace's wall, not a wrong id)."""
    routes = [(m, p) for m, p in _routes(create_app(web.settings)) if m == "GET" and "{" in p
              and (m, p) not in OWN_ONLY]
    missing = []
    for method, path in routes:
        for url in _path(path, foreign):
            if "/step" in url and "/accounts/" in url:
                continue  # the account's step is a code, which has no picture
            r = demo.get(url)
            if r.status_code != 200:
                missing.append(f"{url}: {r.status_code} {r.text[:120]}")
    assert not missing, "\n".join(missing)


def test_another_workspaces_owner_sees_none_of_their_things_in_any_list_or_page(web, foreign, stranger):
    theirs = _theirs(web, foreign)
    shown = []
    queries = {"/api/knowledge/search": {"q": "桂花乌龙"}}
    for method, path in _routes(create_app(web.settings)):
        if method != "GET" or "{" in path:
            continue
        r = stranger.get(path, params=queries.get(path))
        assert r.status_code < 500, f"{path}: {r.status_code}"
        if r.headers.get("content-type", "").startswith(("application/json", "text/")):
            shown += [f"{path}: {t}" for t in theirs if t in r.text]
    assert not shown, "\n".join(shown)


def test_an_invite_link_works_once_and_a_spent_one_says_so_in_chinese(web):
    with transaction(web.db) as s:
        token = invites.make(s, create_workspace(s, "丙的小店", "bing_owner"))
    with closing(httpx.Client(base_url=web.url, timeout=30)) as c:
        short = c.post(f"/api/invites/{token}", json={"password": "短"})
        assert short.status_code == 422 and short.json()["detail"][0]["field"] == "password"
        assert c.post(f"/api/invites/{token}", json={"password": "丙的密码足够长了哦丙的密码足够长"}).status_code == 200
        again = c.post(f"/api/invites/{token}", json={"password": "换一个密码也足够长换一个密码也足够长"})
        assert again.status_code == 404 and "邀请链接无效或已过期" in again.json()["detail"][0]["message"]
        assert "邀请链接无效或已过期" in c.get(f"/invite/{token}").text
    with web.db() as s:  # only the token's hash is kept
        assert s.get(invites.Invite, invites.digest(token)) is not None
        assert s.scalar(select(invites.Invite.token_hash).where(invites.Invite.token_hash == token)) is None
        assert s.query(User).filter_by(username="bing_owner").one().password_hash.startswith("scrypt$")


def test_the_login_page_suggests_the_demo_owners_name_only_on_the_demo(web):
    """An invited owner types her own name: a real deployment's login page does not offer the demo's owner."""
    for sandbox, name in ((True, "owner"), (False, "")):
        page = TestClient(create_app(web.settings.model_copy(update={"sandbox": sandbox}))).get("/login")
        assert page.status_code == 200
        (value,) = re.findall(r'<input name="username"[^>]* value="([^"]*)"', page.text)
        assert value == name, sandbox


def test_an_expired_invite_sets_no_password(web):
    with transaction(web.db) as s:
        user = create_workspace(s, "丁的小店", "ding_owner")
        token = invites.make(s, user, hours=-1)
    with closing(httpx.Client(base_url=web.url, timeout=30)) as c:
        assert c.post(f"/api/invites/{token}", json={"password": "丁的密码足够长了哦丁的密码足够长"}).status_code == 404
        assert c.post("/api/session", json={"username": "ding_owner", "password": "丁的密码足够长了哦丁的密码足够长"}).status_code == 401



def test_the_deployments_webhook_tells_the_first_owner_and_never_a_later_owners_cards(bot, tmp_path):  # noqa: F811
    """The operator's webhook (OPC_NOTIFY_WEBHOOK_URL) is the first owner's group: a card of an owner invited later
    is told through her own bots, never to that group."""
    settings = Settings(data_dir=tmp_path / "data", sandbox=True, database_url=stack_database_url(),
                        notify_webhook_url=SecretStr(bot.url))
    settings.paths.ensure()
    db = session_factory(settings.db_url)
    with transaction(db) as s:
        for name, owner in (("甲的小店", "jia_first"), ("乙的小店", "yi_later")):
            ws_id = create_workspace(s, name, owner).workspace_id
            account = Account(workspace_id=ws_id, site="xiaohongshu", name=f"{name}的号", status="active")
            s.add(account)
            s.flush()
            employee = s.query(Employee).filter_by(workspace_id=ws_id, role="marketing").one()
            run = create_run(s, account=account, employee=employee,
                             post=Post(title=f"{name}的新品", body="正文", topics=[],
                                       images=[str(make_image(tmp_path / f"{owner}.jpg"))]))
            run.status = "awaiting_approval"
            s.flush()
            s.add(Approval(run_id=run.id, fields={"title": run.content["title"]}))
    notify.send_due(settings, db, utcnow())
    texts = bot.texts()
    assert any("甲的小店的新品" in t for t in texts), texts
    assert not any("乙的小店" in t for t in texts), texts
