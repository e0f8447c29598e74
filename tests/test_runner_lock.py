"""The account's lock is given back when a run's job ends, however it ends: a browser that fails to close must not
keep the owner's other runs of that account waiting for the lease to run out."""
from __future__ import annotations

import pytest

from core.content import Post, Timing
from core.db import transaction
from core.errors import BusinessError
from core.models import Account, Employee, Run
from core.runs import create_run
from graphs import runner
from rpa.lease import account_lock
from rpa.process import Resources
from rpa.workbench import Workbench
from tests.core_fixtures import core_settings, redis_conn, redis_server  # noqa: F401
from tests.factories import make_image, seed_workspace


def test_a_browser_that_fails_to_close_still_gives_the_account_back(core_settings, redis_conn, tmp_path,
                                                                      monkeypatch):
    res = Resources(core_settings)
    _ws, emp, acc = seed_workspace(res.db)
    with transaction(res.db) as s:
        run = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                         post=Post(title="关不掉的浏览器", body="正文", images=[str(make_image(tmp_path / "a.jpg"))],
                                   timing=Timing(mode="now")))
        run_id = run.id

    def the_site_says_no(*_args):
        raise BusinessError("网站拒绝了这篇笔记")

    def close_fails(_self):
        raise RuntimeError("Target page, context or browser has been closed")

    monkeypatch.setattr(runner, "_invoke", the_site_says_no)
    monkeypatch.setattr(Workbench, "close", close_fails)
    with pytest.raises(RuntimeError):
        runner.execute(run_id, res)

    # The next run of the account takes the lock at once (the lease here is 3 s; no waiting for it).
    assert account_lock(redis_conn, acc, core_settings.lease_s).acquire(blocking=False)
    with res.db() as s:
        assert s.get(Run, run_id).status == "failed"
