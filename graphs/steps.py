"""Nodes every workflow shares: the login detour, the owner's approval, and the endings.

A workflow's state keeps what it works on under ``content`` (a post, a product ...); the owner's
edits on the approval card are merged into it. The ``interrupt()`` nodes do nothing else, because
LangGraph re-runs an interrupted node from its start on resume.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator, Literal

from langgraph.runtime import Runtime
from langgraph.types import interrupt
from sqlalchemy.orm import Session

from core import ledger
from core.db import transaction
from core.errors import CodeRequired, ContentRejected, OPCError, PageChanged, ReadBackFailed
from compliance import gate
from core.models import Account, Approval, Employee, LedgerEntry, Run, new_id, utcnow
from core.queue import enqueue_login
from core.runs import late_start, set_status
from employees.settings import of_employee
from graphs.context import RunContext
from llm.client import LLM
from rpa import press_guard, stall
from rpa.handoff import Waiting, ask_code
from rpa.screenshots import SUBMITTED_STEP, Shot, add_artifacts, capture, run_folder, shoot
from rpa.takeover import slider_area, take_over  # noqa: F401  (slider_area: the run's and the login's)

log = logging.getLogger(__name__)

SLIDER_WAIT_MS = 5_000
"""How long a site may take to accept a good drag (it checks it on its server first)."""
CODE_TRIES = 3
"""Codes the owner may type before the run stops (a refused one is asked for again with the site's words)."""


def fingerprint(content: dict) -> str:
    """Identifies what an open page was filled with (``Workbench.filled_with``)."""
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def form_ready(ctx: RunContext, adapter, page, state: dict) -> bool:
    """Whether the open page holds the form as filled with the run's content, so that the press may follow
    without filling it again. A page kept open across the owner's approval (``rpa.parking``) is read back
    first: the site may have reloaded it or ended the session meanwhile. Any doubt: False (fill again)."""
    workbench = ctx.workbench
    kept, workbench.kept = workbench.kept, False  # read back once: a form filled again here is this job's own
    if workbench.filled_with != fingerprint(state["content"]):
        return False  # never filled, or the owner's edits changed the content: filled again on this page
    if not kept:
        return True
    read = getattr(adapter, "form_holds", None)  # only sites whose forms are kept (rpa.parking) have it
    try:
        holds = read is not None and bool(read(page, state.get("fields") or {}))
    except OPCError as e:
        log.info("run %s: its kept form could not be read back (%s); filling it again", state["run_id"], e.message)
        holds = False
    if not holds:
        workbench.filled_with = None
    return holds


@contextmanager
def owned(ctx: RunContext) -> Iterator[Session]:
    """A transaction in which this worker still holds the run (``rpa.lease``): every status a node sets is
    written through one, so a worker that was paused past its lease changes nothing."""
    with transaction(ctx.db) as s:
        ctx.fence.check(s)
        yield s


def claim_press(ctx: RunContext, run: Run, action: str = "submit", shot: Shot | None = None) -> LedgerEntry:
    """Right before an irreversible press: the ledger's intent, written only while this worker holds the run.
    Press only when the entry says ``intent``; ``done`` means the press happened and was read back. ``shot``
    (the form as it is about to be sent, ``capture_submitted``) is recorded in the same commit."""
    with transaction(ctx.db) as s:
        row = s.get(Run, run.id)
        earlier = ledger.get(s, row, action)
        if shot is not None and (earlier is None or earlier.status != "done"):
            add_artifacts(s, run.id, shot, SUBMITTED_STEP)  # recorded before the intent: the record's order
        entry = ledger.record_intent(s, row, action, fence=ctx.fence)
    stall.point("intent")
    # Once more after the commit, on the worker's own clock: a pause inside the commit must not be
    # followed by a press the next worker may already have made. What is left is the press call itself,
    # which ``pressing`` hands to the page.
    ctx.fence.ensure_held()
    return entry


@contextmanager
def pressing(ctx: RunContext, page) -> Iterator[None]:
    """Around the adapter's press, after ``claim_press`` said ``intent``: the page refuses the click once the
    lease has run out on the worker's clock (``rpa.press_guard``), so a worker stopped after its last look
    at the lease and woken after the hand-over does not press. Only the press: the owner's code or drag
    that may follow comes later than a lease."""
    with press_guard.armed(page, ctx.fence.deadline()):
        ctx.fence.ensure_held()  # the arming took a round trip to the browser
        stall.point("press")
        yield
    stall.point("clicked")


def load_run(ctx: RunContext, run_id: str) -> Run:
    with ctx.db() as s:
        return s.get(Run, run_id)


def logged_out(ctx: RunContext, run: Run, reason: str) -> dict:
    """A background read (sweep, collection) met the login wall: the account shows 需要登录 and the run
    fails with ``reason``; it waits for no scan (the owner is told through the account's state)."""
    with owned(ctx) as s:
        s.get(Account, run.account_id).status = "needs_login"
        set_status(s, s.get(Run, run.id), "failed", reason=reason)
    return {"stopped": True}


def shoot_run(ctx: RunContext, run: Run, page, step: str, full_page: bool = True) -> str:
    return shoot(ctx.db, run.id, page, ctx.settings.storage, run_folder(run.id), step, full_page)


MAYBE_SENT = "已提交，可能已经成功，请先到网站上查看，不要重复操作"


@contextmanager
def reading_back() -> Iterator[None]:
    """Around a read of the site's own list after a press that may have happened: a page that would not
    show the list (a slow box, a Chromium restarted under the run) is retried, not taken for a changed
    site that fails the run at once while the post may be live (``ReadBackFailed``)."""
    try:
        yield
    except PageChanged as e:
        # The warning first: the 任务 list shows one line of it. The page's own words follow without their
        # 「页面可能改版了」: a list that did not load says nothing of a changed site.
        what = re.sub(r"，[^，]*页面可能改版了$", "", e.message)
        raise ReadBackFailed(f"{MAYBE_SENT}（结果还没能确认：{what}）", site=e.site, account=e.account,
                             url=e.url) from e


def capture_run(ctx: RunContext, run: Run, page, step: str, full_page: bool = True) -> Shot:
    """A screenshot saved with the run's artifacts but not yet recorded: ``add_artifacts`` records it in the
    transaction of whatever the step records with it."""
    return capture(page, ctx.settings.storage, run_folder(run.id), f"{step}-{new_id()}", full_page)


def timed_start(ctx: RunContext, run: Run) -> dict:
    """A timed run's first node asks how late it starts (``core.runs.late_start``): on time, nothing; late
    within the grace, a note on the run, kept in the state so ``finish`` shows it with the result; later,
    ``ValidationFailed`` fails the run before any browser work."""
    with owned(ctx) as s:
        note = late_start(s, run, utcnow(), timedelta(minutes=ctx.settings.late_grace_min))
        if note:
            s.get(Run, run.id).reason = note  # seen while the run fills and waits for approval
    return {"note": note} if note else {}


def capture_submitted(ctx: RunContext, run: Run, page) -> Shot | None:
    """The form about to be sent, for the run's record: the approval's screenshot shows the form before the
    owner's edits, this one what the site got. Auto runs skip it (nobody approved a form; the read-back's
    screenshot is their record)."""
    return None if run.mode == "auto" else capture_run(ctx, run, page, SUBMITTED_STEP)


def owner_drags_slider(ctx: RunContext, run: Run, adapter, page, prompt: str) -> None:
    """The owner takes over the site's slider from the phone (``rpa.takeover``); never solved by us.

    The adapter names the tab to show (``human_page``), where the slider is (``slider_box``), whether the
    site let us through (``slider_gone``) and how to put a refused slider back (``slider_retry``: the
    owner could tap the site's 重试 box herself, but a slider that is back at its start at once is kinder)."""
    take_over(ctx.db, Waiting(run_id=run.id, fence=ctx.fence), adapter.human_page(page), ctx.settings.storage, prompt,
              ctx.settings.code_timeout_s, area=lambda: slider_area(adapter.slider_box(page)),
              passed=lambda: adapter.slider_gone(page), reset=lambda: adapter.slider_retry(page),
              judge_s=SLIDER_WAIT_MS / 1000)


def owner_gives_code(ctx: RunContext, run: Run, adapter, page, prompt: str, giving_up: str = "没有发布") -> None:
    """The site wants a code (an SMS to the owner's phone) before it goes on: she types it on the phone
    (``ask_code``: the run shows 等待验证码 and the phone a code box), the adapter enters it (``enter_code``).
    The code is in no screenshot, record or log of ours: only the page's field gets it."""
    who = Waiting(run_id=run.id, fence=ctx.fence, giving_up=giving_up)
    for _ in range(CODE_TRIES):
        shoot_run(ctx, run, page, "code")
        code = ask_code(ctx.db, who, prompt, ctx.settings.code_timeout_s)
        try:
            adapter.enter_code(page, code)
            return
        except CodeRequired as again:
            prompt = again.message
    raise ContentRejected(f"验证码连续{CODE_TRIES}次不正确，已停止，{giving_up}", site=run.site, url=page.url)


def owner_takes_over(ctx: RunContext, run: Run, adapter, page, prompt: str) -> dict:
    """接管: the owner works the page herself from the phone (taps, text, drags on its live picture, the same
    take-over as a slider's, ``rpa.takeover``) until she hands it back; her ``{"finished": bool}``. The picture
    is the whole window of the newest tab (or the site's slider tab, should one come up meanwhile)."""
    tab = ctx.workbench.live_page() or page
    show = adapter.human_page(tab) if hasattr(adapter, "human_page") else tab
    show.bring_to_front()  # a tab in the background is not painted: no picture
    size = show.viewport_size or {"width": 1280, "height": 900}
    return take_over(ctx.db, Waiting(run_id=run.id, fence=ctx.fence, giving_up="员工没有再操作网站"), show,
                     ctx.settings.storage, prompt, ctx.settings.code_timeout_s,
                     area=lambda: {"x": 0, "y": 0, "width": size["width"], "height": size["height"]},
                     passed=lambda: False, judge_s=None, waited_for="接管后的操作", kind="takeover")


def request_login(state: dict, runtime: Runtime[RunContext]) -> dict:
    ctx = runtime.context
    ctx.workbench.close()
    with owned(ctx) as s:
        run = s.get(Run, state["run_id"])
        account = s.get(Account, run.account_id)
        set_status(s, run, "awaiting_login", reason="账号登录已失效，请在手机上扫码登录")
        start_login = account.status != "logging_in"
        account.status = "logging_in" if start_login else account.status
    if start_login:
        enqueue_login(ctx.settings, run.account_id)
    return {}


def wait_login(state: dict) -> dict:
    interrupt({"kind": "login", "run_id": state["run_id"]})
    return {"needs_login": False}


def request_approval(state: dict, runtime: Runtime[RunContext]) -> dict:
    ctx = runtime.context
    # The page stays open until the run pauses: then its worker closes it, or keeps it for the owner's answer
    # (graphs.runner, rpa.parking); either way no worker slot is held while she decides.
    with owned(ctx) as s:
        run = s.get(Run, state["run_id"])
        pending = s.query(Approval).filter_by(run_id=run.id, status="pending").first()
        if pending is None:
            s.add(Approval(run_id=run.id, fields=state["fields"], screenshot_id=state.get("screenshot_id")))
        held = held_for_owner(ctx, run) if run.mode == "auto" else []
        set_status(s, run, "awaiting_approval", reason=gate.note(held) if held else None)
    return {}


def approval(state: dict) -> dict:
    decision = interrupt({"kind": "approval", "run_id": state["run_id"], "fields": state.get("fields")})
    return {"decision": decision, "content": {**state["content"], **(decision.get("edits") or {})}}


def reject(state: dict, runtime: Runtime[RunContext]) -> dict:
    with owned(runtime.context) as s:
        run = s.get(Run, state["run_id"])
        set_status(s, run, "rejected", reason=state["decision"].get("reason") or "主人拒绝了这次操作")
    return {}


def suggest(state: dict, runtime: Runtime[RunContext]) -> dict:
    runtime.context.workbench.close()
    with owned(runtime.context) as s:
        set_status(s, s.get(Run, state["run_id"]), "suggested", reason="仅建议模式：已填好表单，未提交")
    return {}


def finish(state: dict, runtime: Runtime[RunContext]) -> dict:
    # Done with the site: the context goes before the status says so, so the account's next run does not
    # find this one still holding the browser.
    runtime.context.workbench.close()
    with owned(runtime.context) as s:
        run = s.get(Run, state["run_id"])
        # A resumed job starts with no reason on the run: the late note comes back from the state, before
        # whatever the submit noted (the site's warnings).
        note = "；".join(dict.fromkeys(n for n in (state.get("note"), run.reason) if n)) or None
        set_status(s, run, "published", reason=note, external_id=state["published"]["external_id"])
    return {}


# -- routers -----------------------------------------------------------------------------------

def after_validate(state: dict) -> Literal["request_login", "fill"]:
    return "request_login" if state.get("needs_login") else "fill"


def after_login(state: dict) -> Literal["submit", "fill"]:
    decision = state.get("decision") or {}
    return "submit" if decision.get("approved") else "fill"


def after_fill(state: dict, runtime: Runtime[RunContext]) -> Literal[
        "request_login", "suggest", "submit", "request_approval"]:
    if state.get("needs_login"):
        return "request_login"
    run = load_run(runtime.context, state["run_id"])
    if run.mode == "auto" and not held_for_owner(runtime.context, run):
        return "submit"
    return "suggest" if run.mode == "suggest" else "request_approval"


def held_for_owner(ctx: RunContext, run: Run) -> list:
    """Findings an auto run may not publish unseen (``compliance.gate``): it stops at the approval card."""
    with ctx.db() as s:
        prefs = of_employee(s.get(Employee, run.employee_id))
    return gate.held(run.content, prefs.banned_words, prefs.allowed_contacts,
                     judge=LLM.from_settings(ctx.settings))  # a second opinion where a model is configured


def after_approval(state: dict) -> Literal["submit", "reject"]:
    return "submit" if state["decision"].get("approved") else "reject"


def after_submit(state: dict) -> Literal["request_login", "request_approval", "finish", "verify"]:
    if state.get("needs_login"):
        return "request_login"
    if state.get("site_warning"):
        return "request_approval"  # the site asked 确定要提交吗？: the owner answers on a card first
    return "finish" if state.get("published") else "verify"
