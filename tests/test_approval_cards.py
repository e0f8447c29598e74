"""A run with several cards (the form, then the site's warning at submit, then a payment) waits for each one:
an older decision never answers a newer card, neither in the worker nor in the scheduler's sweep."""
from __future__ import annotations

from datetime import timedelta

from core.approvals import decide, decided_card
from core.db import session_factory, transaction
from core.models import Account, Approval, Employee, Run, utcnow
from core.queue import RunJobs
from core.runs import create_run
from core.content import Post
from scheduler import claim_ready
from tests.core_fixtures import core_settings, redis_server  # noqa: F401
from tests.factories import make_image, seed_workspace


def test_a_newer_card_waits_for_its_own_decision(core_settings, tmp_path):  # noqa: F811
    db = session_factory(core_settings.db_url)
    _ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        run = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                         post=Post(title="桂花乌龙", body="清香", images=[str(make_image(tmp_path / "a.jpg"))]))
        run.status = "awaiting_approval"
        first = Approval(run_id=run.id, fields={"title": "桂花乌龙"}, created_at=utcnow() - timedelta(minutes=5))
        s.add(first)
        s.flush()
        decide(s, first, approve=True)
        first.decided_at = utcnow() - timedelta(minutes=4)
        s.add(Approval(run_id=run.id, fields={"site_warning": "描述中未添加图片，确定要提交吗？"}))
        run_id = run.id
    nothing = RunJobs(waiting=set(), started=set())
    with db() as s:
        assert decided_card(s, run_id) is None
    assert run_id not in claim_ready(db, utcnow(), nothing)

    with transaction(db) as s:
        newest = s.query(Approval).filter_by(run_id=run_id, status="pending").one()
        decide(s, newest, approve=False, reason="不要没有详情图就上架")
        newest.decided_at = utcnow() - timedelta(minutes=1)
    with db() as s:
        assert decided_card(s, run_id).reason == "不要没有详情图就上架"
    assert run_id in claim_ready(db, utcnow(), nothing)
    with db() as s:
        assert s.get(Run, run_id).status == "awaiting_approval"
