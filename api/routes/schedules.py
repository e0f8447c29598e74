"""Recurring posts: the same content on a cron slot in the workspace's time zone."""
from __future__ import annotations

from typing import Annotated

from croniter import croniter
from fastapi import APIRouter, File, Form, UploadFile

from api import compose
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import owned
from api.views import schedule_view
from core.content import Timing
from core.models import Schedule, utcnow
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
    if not croniter.is_valid(cron):
        raise FieldErrors([field_error("cron", "cron 表达式", "重复规则格式不对，例如 0 10 * * 1 表示每周一10点")])
    (account,), employee = compose.targets(s, ws.id, [account_id], employee_id)
    data = await compose.read_images(images)
    folder = None
    try:
        folder, paths = compose.stage(settings, data)
        post = compose.build_post(title=title, body=body, topics=topics, timing=Timing(), images=paths)
        compose.check_all([account], post)
        sc = Schedule(workspace_id=ws.id, account_id=account.id, employee_id=employee.id, cron=cron,
                      timezone=ws.timezone, mode=mode or None, content=post.model_dump(mode="json"),
                      next_at=next_slot(cron, ws.timezone, utcnow()))
        s.add(sc)
        s.commit()
    except BaseException:
        s.rollback()
        compose.discard(folder)
        raise
    return schedule_view(s, sc, ws.timezone)


@router.delete("/{schedule_id}")
def delete_schedule(schedule_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    sc = owned(s, Schedule, schedule_id, ws.id)
    sc.enabled = False  # runs already made keep their schedule_id; disabling stops new slots
    s.commit()
    return schedule_view(s, sc, ws.timezone)

