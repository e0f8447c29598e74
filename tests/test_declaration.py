"""Which declaration a post gets is decided from who drafted it and what the owner chose; the compose form
takes her choice, refuses a repost without a source, and the approval card says what will be set."""
from __future__ import annotations

from core.content import Post
from core.db import transaction
from core.declaration import card_text, declaration_for
from core.models import Approval, Run
from employees.tasking import post_for
from planning.plan import PlannedContent, PlannedRun
from tests.factories import make_image
from tests.web_fixtures import client, ids, web  # noqa: F401  (module-scoped web server, the owner's client and ids)


def test_a_model_drafted_post_is_declared_ai_generated():
    d = declaration_for(Post(title="桂花乌龙", drafted_by="model"))
    assert d.kind == "ai" and d.label == "AI生成内容" and "模型" in d.reason


def test_an_owner_written_post_gets_no_declaration():
    assert declaration_for(Post(title="桂花乌龙")) is None
    assert declaration_for(Post(title="桂花乌龙", drafted_by="writer")) is None
    assert card_text(Post(title="桂花乌龙")) == "不设置声明（店主自己写的，未标记AI辅助）"


def test_an_owner_text_marked_ai_assisted_is_declared_ai_generated():
    assert declaration_for(Post(title="桂花乌龙", ai_assisted=True)).kind == "ai"


def test_the_owner_can_choose_original_or_repost_with_its_source():
    assert declaration_for(Post(declaration="original")).label == "原创"
    d = declaration_for(Post(declaration="repost", repost_source="茶叶日报"))
    assert d.kind == "repost" and d.label == "转载（来源：茶叶日报）"
    assert declaration_for(Post(declaration="auto")) is None


def test_a_model_draft_stays_declared_ai_even_when_the_owner_chose_original():
    assert declaration_for(Post(drafted_by="model", declaration="original")).kind == "ai"


def test_runs_stored_before_provenance_still_load_with_defaults():
    old = {"title": "旧笔记", "body": "清香", "images": [], "video": None, "cover": None, "topics": [],
           "timing": {"mode": "now", "at": None}, "kind": "image"}
    post = Post.model_validate(old)
    assert (post.drafted_by, post.ai_assisted, post.declaration, post.repost_source) == ("owner", False, None, "")
    planned = Post.model_validate({**old, "task": {"id": "t1", "author": "模型 qwen-plus"}})
    assert planned.drafted_by == "model"
    offline = Post.model_validate({**old, "task": {"id": "t1", "author": "离线模板"}})
    assert offline.drafted_by == "writer"


def test_a_confirmed_plan_keeps_who_drafted_it():
    model = PlannedRun(kind="publish", site="douyin", content=PlannedContent(title="桂花乌龙", author="模型 qwen"))
    offline = PlannedRun(kind="publish", site="douyin", content=PlannedContent(title="桂花乌龙", author="离线模板"))
    assert post_for(model, []).drafted_by == "model"
    assert post_for(offline, []).drafted_by == "writer"


def _form(ids, **kw) -> dict:  # noqa: F811
    return {"account_id": ids["account"], "employee_id": ids["employee"], "title": "桂花乌龙冷泡茶",
            "body": "清香回甘", "topics": "冷泡茶", "timing": "now", "mode": "suggest", **kw}


def _jpeg(tmp_path) -> tuple[str, bytes, str]:
    return ("a.jpg", make_image(tmp_path / "a.jpg", size=(400, 500)).read_bytes(), "image/jpeg")


def test_a_repost_without_its_source_is_refused_naming_the_field(web, client, ids, tmp_path):  # noqa: F811
    with web.db() as s:
        before = s.query(Run).count()
    r = client.post("/api/runs", data=_form(ids, declaration="repost"), files=[("images", _jpeg(tmp_path))])
    assert r.status_code == 422
    assert any(e["field"] == "repost_source" and "转载来源" in e["message"] for e in r.json()["detail"])
    with web.db() as s:
        assert s.query(Run).count() == before


def test_a_repost_with_its_source_is_kept_with_the_run_and_a_source_over_30_characters_is_refused(
        web, client, ids, tmp_path):  # noqa: F811
    r = client.post("/api/runs", data=_form(ids, declaration="repost", repost_source=" 茶叶日报 "),
                    files=[("images", _jpeg(tmp_path))])
    assert r.status_code == 201, r.text
    with web.db() as s:
        run = s.get(Run, r.json()["runs"][0]["id"])
        assert (run.content["declaration"], run.content["repost_source"]) == ("repost", "茶叶日报")
        before = s.query(Run).count()
    r = client.post("/api/runs", data=_form(ids, declaration="repost", repost_source="字" * 31),
                    files=[("images", _jpeg(tmp_path))])
    assert r.status_code == 422
    assert any(e["field"] == "repost_source" and "最多30个字，现在31个字" in e["message"] for e in r.json()["detail"])
    with web.db() as s:
        assert s.query(Run).count() == before


def test_the_approval_card_says_which_declaration_will_be_set(web, client, ids, tmp_path):  # noqa: F811
    r = client.post("/api/runs", data=_form(ids, ai_assisted="true"), files=[("images", _jpeg(tmp_path))])
    assert r.status_code == 201, r.text
    run_id = r.json()["runs"][0]["id"]
    with transaction(web.db) as s:
        run = s.get(Run, run_id)
        assert run.content["ai_assisted"] is True and run.content["drafted_by"] == "owner"
        run.status = "awaiting_approval"
        card = Approval(run_id=run_id, fields={"title": "桂花乌龙冷泡茶"})
        s.add(card)
        s.flush()
        card_id = card.id
    page = client.get(f"/approvals/{card_id}")
    assert page.status_code == 200
    assert "将设置的声明：<strong>AI生成内容（店主标记为AI辅助创作）</strong>" in page.text


def test_douyin_has_no_original_declaration_so_an_original_post_is_published_without_one():
    from sites.douyin import DouyinAdapter
    # No page is touched: nothing is to be set on Douyin's form for 原创.
    assert DouyinAdapter._declare(None, None, Post(declaration="original")) == "不声明（抖音没有原创声明）"
    assert DouyinAdapter._declare(None, None, Post()) == "不声明"
