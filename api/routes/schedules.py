"""Recurring posts: the same content on a repeating time in the workspace's time zone, written in plain
Chinese (「每周一上午10点」, read by ``planning.recurrence``) or as cron, and stored as cron."""
from __future__ import annotations

from typing import Annotated

from croniter import CroniterError
from fastapi import APIRouter, File, Form, UploadFile

from api import compose
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import owned
from api.views import schedule_view
from core.content import Timing
from core.models import Schedule, utcnow
from planning.recurrence import EXAMPLES, RecurrenceError, parse
from scheduler import next_slot

router = APIRouter(prefix="/api/schedules", tags=["schedules"])


@router.get("")
def list_schedules(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rows = s.query(Schedule).filter_by(workspace_id=ws.id).order_by(Schedule.created_at).all()
    return {"schedules": [schedule_view(s, sc, ws.timezone) for sc in rows]}


@router.post("", status_code=201)
async def create_schedule(owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep,
                          account_id: Annotated[str, Form()], employee_id: Annotated[str, Form()],
                          cron: Annotated[str, Form(max_length=100)],
                          title: Annotated[str, Form(max_length=500)] = "",
                          body: Annotated[str, Form(max_length=5000)] = "",
                          topics: Annotated[str, Form(max_length=1000)] = "", mode: Annotated[str, Form()] = "",
                          images: Annotated[list[UploadFile], File()] = []) -> dict:  # noqa: B006
    rule, first = _rule(cron, ws.timezone)
    (account,), employee = compose.targets(s, ws.id, [account_id], employee_id)
    data = await compose.read_images(images)
    folder = None
    try:
        folder, paths = compose.stage(settings, data, ws.id)
        post = compose.build_post(title=title, body=body, topics=topics, timing=Timing(), images=paths)
        compose.check_all([account], post, storage=settings.storage)
        sc = Schedule(workspace_id=ws.id, account_id=account.id, employee_id=employee.id, cron=rule,
                      timezone=ws.timezone, mode=mode or None, content=post.model_dump(mode="json"), next_at=first)
        s.add(sc)
        s.commit()
    except BaseException:
        s.rollback()
        compose.discard(folder)
        raise
    return schedule_view(s, sc, ws.timezone)


def _rule(text: str, tz: str):
    """The owner's rule as cron and its first slot; refused (422, field 重复规则) when unreadable or when it
    never comes round (0 0 31 2 *: there is no 31 February)."""
    try:
        rule = parse(text)
    except RecurrenceError as e:
        raise FieldErrors([field_error("cron", "每天/每周几/每月几号 + 时间，或 cron", str(e))]) from None
    try:
        return rule.cron, next_slot(rule.cron, tz, utcnow())
    except (CroniterError, ValueError):
        raise FieldErrors([field_error("cron", "会到来的时间", f"重复规则「{text.strip()}」永远不会到来（例如2月没有31日），"
                                                          f"请换一个，例如{EXAMPLES}")]) from None


@router.delete("/{schedule_id}")
def delete_schedule(schedule_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    sc = owned(s, Schedule, schedule_id, ws.id)
    sc.enabled = False  # runs already made keep their schedule_id; disabling stops new slots
    s.commit()
    return schedule_view(s, sc, ws.timezone)

