"""The inbox (客服): conversations from the owner's sites, her decision on each draft, a batch approval, and
her inbox settings (on/off, how often, pacing, quiet hours, the auto-reply threshold, sensitive words)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field, ValidationError

from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.inbox_views import conversation_view
from core import inbox
from core.approvals import AlreadyDecided, decide
from core.inbox import Conversation
from core.models import Approval, Employee, Run
from core.queue import enqueue_run
from employees.settings import of_employee

router = APIRouter(prefix="/api/inbox", tags=["inbox"])
# ``graphs.inbound`` is imported inside the handlers: importing any part of ``graphs`` loads every workflow
# (LangGraph, the site adapters), which the web server should not pay for at start.

REPLY_LIMITS = {"douyin": 100, "xiaohongshu": 280, "taobao": 500}
"""Fallback when a site's adapter states no ``reply_limit``."""


class Decision(BaseModel):
    action: Literal["approve", "reject", "ignore", "human", "reopen", "close"]
    text: str | None = Field(None, max_length=2000)
    """approve: the reply as the owner leaves it (edited or not)."""
    reason: str | None = Field(None, max_length=500)


class Batch(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=100)


def _owned(s, conv_id: str, ws_id: str) -> Conversation:
    c = s.get(Conversation, conv_id)
    if c is None or c.workspace_id != ws_id:
        raise HTTPException(404, "没有这条对话")
    return c


def _service(s, ws_id: str) -> Employee:
    return s.query(Employee).filter_by(workspace_id=ws_id, role="service").one()


def reply_limit(site: str, settings) -> int:
    from sites import adapter_for  # sites import playwright

    return getattr(adapter_for(site, settings), "reply_limit", None) or REPLY_LIMITS.get(site, 100)


@router.get("")
def list_inbox(user: UserDep, ws: WorkspaceDep, s: DbDep, status: str | None = None) -> dict:
    q = s.query(Conversation).filter_by(workspace_id=ws.id)
    if status:
        q = q.filter_by(status=status)
    rows = q.order_by(Conversation.at.desc()).limit(200).all()
    return {"conversations": [conversation_view(s, c, ws.timezone) for c in rows]}


@router.get("/{conv_id}")
def get_conversation(conv_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return conversation_view(s, _owned(s, conv_id, ws.id), ws.timezone, history=True)


@router.post("/{conv_id}/decision")
def decide_conversation(conv_id: str, body: Decision, owner: OwnerDep, ws: WorkspaceDep, s: DbDep,
                        settings: SettingsDep) -> dict:
    c = _owned(s, conv_id, ws.id)
    try:
        run_id = _act(s, settings, c, body, owner.username)
        s.commit()
    except inbox.NotAllowed as e:
        s.rollback()
        raise FieldErrors([field_error("action", "对话状态", str(e))], status=409) from None
    except AlreadyDecided:
        s.rollback()
        raise FieldErrors([field_error("action", "待审批", "这条回复已经处理过了")], status=409) from None
    if run_id:
        enqueue_run(settings, run_id)  # if Redis is away, the scheduler picks it up later
    s.refresh(c)
    return conversation_view(s, c, ws.timezone, history=True)


def _act(s, settings, c: Conversation, body: Decision, actor: str) -> str | None:
    """The change for one decision (the caller commits); the run to queue, if any."""
    if body.action == "ignore":
        inbox.ignore(s, c)
        return None
    if body.action == "human":
        inbox.hand_over(s, c, (body.reason or "").strip() or "你把这条转为自己处理", actor="owner")
        return None
    if body.action == "reopen":
        inbox.reopen(s, c)
        return None
    if body.action == "close":  # she dealt with it elsewhere (in the app, by phone): the record says 关闭
        inbox.close(s, c)
        return None
    if body.action == "reject":
        if not (body.reason or "").strip():
            raise FieldErrors([field_error("reason", "必填", "驳回时请写明原因")])
        card = _card(s, c)
        decide(s, card, approve=False, reason=body.reason.strip(), actor=actor)
        c.status, c.note = "ignored", f"没有回复：{body.reason.strip()}"
        inbox.log(s, c, "rejected", "owner", body.reason.strip())
        return card.run_id
    return _approve(s, settings, c, (body.text if body.text is not None else c.draft or "").strip(), actor)


def decide_reply_card(s, settings, approval: Approval, approve: bool, text: str | None, reason: str | None,
                      actor: str) -> str:
    """A reply card decided from 审批 (its API or 全部批准) goes the conversation's way: an edited text is the
    owner's edit (checked, kept as an example, posted), the history says who approved or rejected it. The
    caller commits and queues the returned run."""
    c = s.get(Conversation, s.get(Run, approval.run_id).content["conversation_id"])
    body = Decision(action="approve" if approve else "reject", text=text, reason=reason)
    if c.reply_run_id != approval.run_id:
        raise inbox.NotAllowed("这条对话没有等待审批的回复")
    return _act(s, settings, c, body, actor)


def _card(s, c: Conversation) -> Approval:
    card = (s.query(Approval).filter_by(run_id=c.reply_run_id, status="pending").first()
            if c.reply_run_id and c.status == "awaiting_approval" else None)
    if card is None:
        raise inbox.NotAllowed("这条对话没有等待审批的回复")
    return card


def _approve(s, settings, c: Conversation, text: str, actor: str) -> str:
    """Approve the draft as it stands or as edited; for a conversation handed to the owner, her own reply
    (a reply run whose card she has just approved). The text is checked before anything is saved."""
    from graphs.inbound.checks import reply_problems
    from graphs.inbound.sites import site_label
    from graphs.inbound.store import make_reply_run

    employee = _service(s, c.workspace_id)
    prefs = of_employee(employee)
    problems = reply_problems(text, reply_limit(c.site, settings), site_label(c.site), prefs.banned_words,
                              prefs.allowed_contacts)
    if problems:
        raise FieldErrors([field_error("text", "回复内容", p) for p in problems])
    edited = text != (c.draft or "")
    if c.status == "human":
        inbox.log(s, c, "edited", "owner", text)
        run = make_reply_run(s, c, employee, 1.0, text=text, approved_by_owner=True)
        inbox.log(s, c, "approved", "owner", text)
        return run.id
    card = _card(s, c)
    if edited:
        inbox.log(s, c, "edited", "owner", text, {"before": c.draft})
        run = s.get(Run, card.run_id)
        run.content = {**run.content, "body": text}
        card.fields = {"body": text}
        c.draft = text
    decide(s, card, approve=True, actor=actor)
    inbox.log(s, c, "approved", "owner", text)
    return card.run_id


@router.post("/approve")
def approve_batch(body: Batch, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Approve several drafts as they are (the batch view); each one passed the checks when drafted."""
    approved = []
    # Every id is looked up first: an unknown one answers 404 before any of the others is approved.
    for c in [_owned(s, conv_id, ws.id) for conv_id in dict.fromkeys(body.ids)]:
        if c.status != "awaiting_approval":
            continue
        try:
            approved.append(_approve(s, settings, c, c.draft or "", owner.username))
            s.commit()
        except (AlreadyDecided, inbox.NotAllowed, FieldErrors):
            s.rollback()
    for run_id in approved:
        enqueue_run(settings, run_id)
    return {"approved": len(approved), "message": f"已批准{len(approved)}条回复"}


class InboxSettingsIn(BaseModel):
    enabled: bool = False
    sweep_every_min: float = 5.0
    replies_per_hour: int = 20
    quiet_hours: str = ""
    spacing: str = Field("20-90", max_length=20)
    """两条回复之间的随机间隔（秒）: ``最少-最多``."""
    confidence: float = 0.6
    sensitive_words: str = Field("", max_length=2000)


SETTING_FIELDS = {"spacing": "两条回复之间的间隔（秒）", "spacing_s": "两条回复之间的间隔（秒）", "sweep_every_min": "查看间隔（分钟）", "replies_per_hour": "每小时最多回复", "quiet_hours": "免打扰时段",
                  "confidence": "自动回复的把握", "sensitive_words": "敏感词", "enabled": "开启"}


@router.put("/settings")
def save_settings(body: InboxSettingsIn, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    from graphs.inbound.settings import InboxSettings, inbox_settings

    employee = _service(s, ws.id)
    current = inbox_settings(employee)
    words = [w for w in body.sensitive_words.replace("，", " ").replace("、", " ").split() if w]
    gap = [p.strip() for p in body.spacing.replace("～", "-").replace("~", "-").split("-")]
    if len(gap) != 2 or not all(p.isdigit() for p in gap) or int(gap[0]) > int(gap[1]):
        raise FieldErrors([field_error("spacing", "最少-最多", "两条回复之间的间隔请写成「最少-最多」秒，例如 20-90")])
    fields = {k: v for k, v in body.model_dump().items() if k != "spacing"}
    try:
        new = InboxSettings.model_validate({**current.model_dump(), **fields, "sensitive_words": words,
                                            "spacing_s": (int(gap[0]), int(gap[1]))})
    except ValidationError as e:
        raise FieldErrors([field_error(str(err["loc"][0]), SETTING_FIELDS.get(str(err["loc"][0]), "设置"),
                                       f"{SETTING_FIELDS.get(str(err['loc'][0]), '设置')}：{_why(err)}")
                           for err in e.errors()]) from None
    employee.settings = {**(employee.settings or {}), "inbox": new.model_dump(mode="json")}
    s.commit()
    return {"settings": new.model_dump(mode="json"), "message": "已保存"}


def _why(err: dict) -> str:
    ctx = err.get("ctx") or {}
    if "ge" in ctx:
        return f"不能小于{ctx['ge']}"
    if "le" in ctx:
        return f"不能大于{ctx['le']}"
    message = str(err.get("msg", ""))
    return message.removeprefix("Value error, ") if "Value error" in message else "填写有误"
