"""Writers racing on one row settle it once, on SQLite and on Postgres: the schedulers' claim of a due run,
two phones deciding one card, two workers taking one run's lease.

Each writer is a thread with its own session (its own connection), released together by a barrier, as two
scheduler processes, two taps or two workers reach the database. Postgres in READ COMMITTED re-checks a
compare-and-set's WHERE on the row the first writer committed; SQLite serializes the writers.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from core.approvals import AlreadyDecided, decide
from core.db import session_factory, transaction
from core.errors import LeaseLost
from core.models import Account, Approval, Employee, Run, utcnow
from core.queue import RunJobs
from core.runs import create_run
from core.content import Post
from rpa.lease import Lease
from scheduler import claim_ready
from tests.factories import make_image, seed_workspace

WRITERS = 6


def _together(work, n: int = WRITERS) -> list:
    """``work(i)`` in ``n`` threads released at once; their results (or the exception each raised)."""
    start, results = threading.Barrier(n), [None] * n

    def go(i):
        start.wait()
        try:
            results[i] = work(i)
        except Exception as e:  # the losers' answer is part of what the test checks
            results[i] = e

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def _runs(db, tmp_path, n: int, **fields) -> list[str]:
    _ws, emp, acc = seed_workspace(db)
    image = str(make_image(tmp_path / "a.jpg"))
    with transaction(db) as s:
        account, employee = s.get(Account, acc), s.get(Employee, emp)
        return [create_run(s, account=account, employee=employee, post=Post(title=f"定时{i}", body="正文",
                                                                             images=[image]), **fields).id
                for i in range(n)]


def test_schedulers_sweeping_at_once_claim_each_due_run_once(empty_database, tmp_path):
    db = session_factory(empty_database)
    due = _runs(db, tmp_path, 20, not_before=utcnow() + timedelta(seconds=1))
    later = utcnow() + timedelta(seconds=5)
    nothing = RunJobs(waiting=set(), started=set())

    claims = _together(lambda _i: claim_ready(session_factory(empty_database), later, nothing))

    assert not [c for c in claims if isinstance(c, Exception)], claims
    counted = Counter(run_id for c in claims for run_id in c)
    assert sorted(counted) == sorted(due), "a due run was not claimed"
    assert set(counted.values()) == {1}, f"claimed twice: {[r for r, n in counted.items() if n > 1]}"
    with db() as s:
        assert {s.get(Run, r).status for r in due} == {"queued"}


def test_two_phones_deciding_one_card_at_once_record_one_decision(empty_database, tmp_path):
    db = session_factory(empty_database)
    for round_ in range(3):
        (run_id,) = _runs(db, tmp_path, 1)
        with transaction(db) as s:
            s.get(Run, run_id).status = "awaiting_approval"
            card = Approval(run_id=run_id, fields={"title": "定时0"})
            s.add(card)
            s.flush()
            card_id = card.id

        def tap(i):
            with transaction(db) as s:
                return decide(s, s.get(Approval, card_id), approve=i % 2 == 0,
                              reason=None if i % 2 == 0 else f"第{i}台手机拒绝")

        answers = _together(tap)
        won = [a for a in answers if isinstance(a, dict)]
        assert len(won) == 1, f"round {round_}: {answers}"
        assert all(isinstance(a, AlreadyDecided) for a in answers if a not in won), answers
        with db() as s:
            card = s.get(Approval, card_id)
            assert card.status == ("approved" if won[0]["approved"] else "rejected")
            assert card.reason == won[0]["reason"]


class _NoLock:
    """The account lock is Redis's business (tested elsewhere); here only the database's fence is raced."""

    def extend(self, *_a, **_k):
        return True

    def reacquire(self):
        return True

    def release(self):
        pass


def test_workers_taking_one_run_at_once_get_distinct_tokens_and_only_the_last_one_holds_it(empty_database,
                                                                                           tmp_path):
    db = session_factory(empty_database)
    (run_id,) = _runs(db, tmp_path, 1)
    leases = [Lease(db, run_id, _NoLock(), lease_s=60) for _ in range(WRITERS)]

    def take(i):
        leases[i]._thread = threading.Thread(target=lambda: None)  # no renewals: the race is the point
        leases[i].__enter__()
        return leases[i].token

    tokens = _together(take)
    assert sorted(tokens) == list(range(1, WRITERS + 1)), tokens  # every take counted, none lost

    def still_holds(lease):
        try:
            with transaction(db) as s:
                lease.check(s)
            return True
        except LeaseLost:
            return False

    holders = [lease.token for lease in leases if still_holds(lease)]
    assert holders == [WRITERS], "only the worker that took the run last may write its steps"
