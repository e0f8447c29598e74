"""Hand a step to the owner while the worker keeps the site's page open: "the site asks for a code",
"the site wants its slider dragged" (``rpa.takeover``).

Any adapter raises ``CodeRequired`` with the site's prompt; the caller asks ``ask_code``, which shows
the prompt on the phone, waits for the owner's answer and returns it. The step belongs to a run (its
status becomes ``awaiting_code``) or, during a login, to the account (its page shows the prompt). The
page cannot survive the job, so the wait happens inside the job and is bounded by
``Settings.code_timeout_s``.

A live take-over (``rpa.takeover``) keeps one step open for many answers: the phone queues the owner's
actions on it (``queue_action``), the worker takes them in order (``take_actions``) and closes the step
when the site lets it through (``close_step``).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.errors import HumanTimeout
from core.ledger import Fence
from core.models import HumanStep, Run, utcnow
from core.runs import set_status

POLL_S = 1.0


@dataclass(frozen=True)
class Waiting:
    """Who waits for the code: a run, or an account that is logging in."""

    run_id: str | None = None
    account_id: str | None = None
    giving_up: str = "没有发布"
    """What the timeout message says happened, e.g. 没有发布 / 登录已取消."""
    fence: Fence | None = field(default=None, compare=False)
    """The waiting worker's lease (a run's wait): the run's status is only changed while it holds the run."""

    def owns(self, s: Session) -> None:
        if self.run_id and self.fence is not None:
            self.fence.check(s)

    def steps(self):
        return (HumanStep.run_id == self.run_id if self.run_id else HumanStep.account_id == self.account_id)


def ask_code(db: sessionmaker[Session], who: Waiting, prompt: str, timeout_s: int) -> str:
    """The code the owner read from the SMS."""
    return ask(db, who, "code", prompt, timeout_s, waited_for="验证码")


def ask(db: sessionmaker[Session], who: Waiting, kind: str, prompt: str, timeout_s: int, *,
        screenshot_id: str | None = None, waited_for: str = "你的操作") -> str:
    """Open a step of ``kind`` for the owner and wait for the answer (used once, then wiped)."""
    step_id = _open(db, who, kind, prompt, timeout_s, screenshot_id)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        code = _take_answer(db, step_id, who)
        if code is not None:
            return code
        time.sleep(POLL_S)  # the owner types at human speed; nothing on the page changes meanwhile
    _expire(db, step_id)
    waited = f"{timeout_s // 60}分钟" if timeout_s >= 60 else f"{timeout_s}秒"
    raise HumanTimeout(f"等待{waited_for}超过{waited}，已停止，{who.giving_up}")


def answer(s: Session, step_id: str, code: str) -> bool:
    """Record the owner's code (the caller commits); False when the step no longer waits for one."""
    return bool(s.execute(update(HumanStep).where(HumanStep.id == step_id, HumanStep.status == "pending",
                                                  HumanStep.expires_at > utcnow())
                          .values(status="answered", answer=code)).rowcount)


def pending_step(s: Session, who: Waiting) -> HumanStep | None:
    return (s.query(HumanStep).filter(who.steps(), HumanStep.status == "pending")
            .order_by(HumanStep.created_at.desc()).first())


def _open(db, who: Waiting, kind: str, prompt: str, timeout_s: int, screenshot_id: str | None) -> str:
    with transaction(db) as s:
        s.execute(update(HumanStep).where(who.steps(), HumanStep.status == "pending")
                  .values(status="expired"))  # a step left by a crashed job is stale
        step = HumanStep(run_id=who.run_id, account_id=who.account_id, kind=kind, prompt=prompt,
                         screenshot_id=screenshot_id, expires_at=utcnow() + timedelta(seconds=timeout_s))
        s.add(step)
        who.owns(s)
        if who.run_id:
            status = "awaiting_code" if kind == "code" else "awaiting_human"
            set_status(s, s.get(Run, who.run_id), status, reason=prompt)
        s.flush()
        return step.id


def _take_answer(db, step_id: str, who: Waiting) -> str | None:
    with transaction(db) as s:
        who.owns(s)
        step = s.get(HumanStep, step_id)
        if step.status != "answered":
            return None
        code, step.answer, step.status = step.answer, None, "used"  # a one-time code is not kept
        if step.run_id:
            run = set_status(s, s.get(Run, step.run_id), "running")
            run.reason = None
        return code


def _expire(db, step_id: str) -> None:
    with transaction(db) as s:
        s.get(HumanStep, step_id).status = "expired"


# -- a live step: many answers until the worker closes it ---------------------------------------------

def open_step(db: sessionmaker[Session], who: Waiting, kind: str, prompt: str, timeout_s: int,
              screenshot_id: str | None = None) -> str:
    """Open a step that stays pending while the owner acts on it; the run shows ``awaiting_human``."""
    return _open(db, who, kind, prompt, timeout_s, screenshot_id)


def reprompt(db: sessionmaker[Session], step_id: str, prompt: str) -> None:
    """Tell the owner something new on the open step (e.g. the site refused the last drag)."""
    with transaction(db) as s:
        step = s.get(HumanStep, step_id)
        step.prompt = prompt
        if step.run_id:
            s.get(Run, step.run_id).reason = prompt


def queue_action(s: Session, step_id: str, action: dict, limit: int) -> str:
    """Append the owner's action to the open step (the caller commits): ``queued``, ``busy`` (``limit``
    actions already wait, or the worker took the queue at this very moment) or ``closed``."""
    live = (HumanStep.id == step_id, HumanStep.status == "pending", HumanStep.expires_at > utcnow())
    row = s.execute(select(HumanStep.answer).where(*live)).first()
    if row is None:
        return "closed"
    old = row[0]
    actions = json.loads(old) if old else []
    if len(actions) >= limit:
        return "busy"
    unchanged = HumanStep.answer.is_(None) if old is None else HumanStep.answer == old  # compare-and-set
    done = s.execute(update(HumanStep).where(*live, unchanged).values(answer=json.dumps(actions + [action])))
    return "queued" if done.rowcount else "busy"


def take_actions(db: sessionmaker[Session], step_id: str) -> list[dict]:
    """The actions queued on the open step, oldest first; the queue is emptied (nothing is kept)."""
    with transaction(db) as s:
        queued = s.execute(select(HumanStep.answer).where(HumanStep.id == step_id,
                                                          HumanStep.status == "pending")).scalar()
        if not queued:
            return []
        taken = s.execute(update(HumanStep).where(HumanStep.id == step_id, HumanStep.answer == queued)
                          .values(answer=None)).rowcount
        return json.loads(queued) if taken else []  # the phone added one meanwhile: next time


def close_step(db: sessionmaker[Session], who: Waiting, step_id: str, passed: bool) -> None:
    """End the open step: the run goes on (``passed``) or the step expires; queued actions are wiped."""
    with transaction(db) as s:
        who.owns(s)
        step = s.get(HumanStep, step_id)
        step.status, step.answer = ("used" if passed else "expired"), None
        if passed and step.run_id:
            run = set_status(s, s.get(Run, step.run_id), "running")
            run.reason = None
