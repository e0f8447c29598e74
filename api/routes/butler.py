"""运营管家: the owner's reminders, the daily brief's time, what it told her, and the workspace's group bots.

    GET    /api/butler                         reminders, bulletins, brief time, group bots (addresses masked)
    POST   /api/butler/reminders/preview       {text} -> what would be set (nothing stored)
    POST   /api/butler/reminders               {text} -> the reminder, stored (times in UTC)
    DELETE /api/butler/reminders/{id}          cancelled: it fires no more
    POST   /api/butler/channels                {kind, name, url, secret} -> the bot (sealed in the vault)
    DELETE /api/butler/channels/{id}
    POST   /api/butler/channels/{id}/test      sends 「测试消息」 to the bot now; 502 with the bot's reason

The daily brief's time is the 运营管家 employee's setting ``brief_time`` (``PATCH /api/employees/{id}``).
A webhook address and signing secret never come back: only the host and the last 4 characters.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api.butler_views import butler_view, channel_view, reminder_view
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from butler import channels, due
from butler.models import Channel, Reminder
from butler.model_wording import read_with_model
from butler.wording import TEXT_MAX, WordingError
from core.runs import audit
from llm.client import LLM
from rpa.vault import Vault

router = APIRouter(prefix="/api/butler", tags=["butler"])
NAME_MAX = 50
TEST_TEXT = "这是运营管家的测试消息：以后的提醒和每日日报会发到这个群。"


class ReminderText(BaseModel):
    text: str = Field(max_length=TEXT_MAX)
    understood_as: str = Field(default="", max_length=TEXT_MAX)
    """The preview's restatement by the model (when it gave one): saving reads exactly what was shown."""


class NewChannel(BaseModel):
    kind: str
    name: str = Field(default="", max_length=NAME_MAX)
    url: str = Field(max_length=channels.URL_MAX)
    secret: str = Field(default="", max_length=channels.SECRET_MAX)


def owned(s, model, row_id: str, workspace_id: str):
    """A row of the owner's workspace; another workspace's is answered like a missing one (``api.scoped``)."""
    row = s.get(model, row_id)
    if row is None or row.workspace_id != workspace_id:
        raise HTTPException(404, "没有这个提醒" if model is Reminder else "没有这个群机器人")
    return row


@router.get("")
def overview(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return butler_view(s, ws)


def _read(text: str, tz: str, llm: LLM | None = None):
    try:
        return read_with_model(text, datetime.now(ZoneInfo(tz)), llm)
    except WordingError as e:
        raise FieldErrors([field_error("text", "提醒的时间和事情", str(e))]) from None


@router.post("/reminders/preview")
def preview(body: ReminderText, owner: OwnerDep, ws: WorkspaceDep, settings: SettingsDep) -> dict:
    w = _read(body.text, ws.timezone, LLM.from_settings(settings))
    return {"kind": w.kind, "what": w.what, "confirm_text": w.confirm_text(), "understood_as": w.understood_as}


@router.post("/reminders", status_code=201)
def add_reminder(body: ReminderText, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    w = _read(body.understood_as or body.text, ws.timezone)  # the model is not asked again: saved as shown
    if body.understood_as:
        w = replace(w, understood_as=body.understood_as)
    r = due.create(s, ws, w, body.text.strip(), owner.username)
    audit(s, ws.id, owner.username, "reminder.created", r.id, {"kind": r.kind})
    s.commit()
    return {**reminder_view(r, ws.timezone), "confirm_text": w.confirm_text()}


@router.delete("/reminders/{reminder_id}")
def cancel_reminder(reminder_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    r = owned(s, Reminder, reminder_id, ws.id)
    s.query(Reminder).filter_by(id=r.id, status="active").update({"status": "cancelled", "next_at": None})
    audit(s, ws.id, owner.username, "reminder.cancelled", r.id, {})
    s.commit()
    s.refresh(r)
    return reminder_view(r, ws.timezone)


@router.post("/channels", status_code=201)
def add_channel(body: NewChannel, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    errors = []
    if body.kind not in channels.KINDS:
        errors.append(field_error("kind", "、".join(channels.KINDS.values()), "请选择企业微信、钉钉或飞书"))
    url, secret = body.url.strip(), body.secret.strip()
    problem = channels.url_error(url, secret)
    if problem:
        errors.append(field_error("secret" if "密钥" in problem else "url", "群机器人 Webhook 地址", problem))
    if secret and body.kind == "wecom":
        errors.append(field_error("secret", "不填", "企业微信群机器人没有签名密钥，请留空"))
    if errors:
        raise FieldErrors(errors)
    ch = Channel(workspace_id=ws.id, kind=body.kind, name=body.name.strip() or channels.KINDS[body.kind],
                 sealed=Vault(settings).seal({"url": url, "secret": secret}), masked_url=channels.mask(url),
                 has_secret=bool(secret))
    s.add(ch)
    s.flush()
    audit(s, ws.id, owner.username, "channel.added", ch.id, {"kind": ch.kind})  # never the address
    s.commit()
    return channel_view(ch)


@router.delete("/channels/{channel_id}")
def delete_channel(channel_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    ch = owned(s, Channel, channel_id, ws.id)
    s.delete(ch)
    audit(s, ws.id, owner.username, "channel.deleted", channel_id, {"kind": ch.kind})
    s.commit()
    return {"id": channel_id, "deleted": True}


@router.post("/channels/{channel_id}/test")
def test_channel(channel_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    ch = owned(s, Channel, channel_id, ws.id)
    failed = channels.send(ch, Vault(settings), "运营管家测试消息", TEST_TEXT)
    if failed:
        raise FieldErrors([field_error("channel", "机器人收到消息", f"{ch.name}：{failed}")], status=502)
    return {"id": ch.id, "sent": True, "message": f"已发送到{ch.name}，请到群里查看"}
