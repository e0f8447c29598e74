"""The workspace's digital employees: the mode each works in and its settings (tone, banned words,
default sites). Listing adds the roles a workspace lacks, once."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ValidationError

from api.deps import DbDep, OwnerDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import owned
from api.views import employee_view
from core.runs import audit
from core.models import Employee
from employees import EMPLOYEES, MODES
from employees.roster import ensure_roster
from employees.settings import BUDGETS, EmployeeSettings, budget_limit, settings_of, site_errors

router = APIRouter(prefix="/api/employees", tags=["employees"])


class EmployeeChange(BaseModel):
    mode: str | None = None
    tone: str | None = None
    banned_words: list[str] | str | None = None
    default_sites: list[str] | None = None
    allowed_warnings: list[str] | None = None
    allowed_contacts: list[str] | str | None = None
    """The owner's own WeChat/QQ ids, phone numbers, e-mails and domains: not compliance findings."""
    brief_time: str | None = None
    """运营管家: the daily brief's time, ``HH:MM`` in the workspace zone; "" turns the brief off."""
    agent_max_steps: int | float | str | None = None
    agent_max_minutes: int | float | str | None = None
    agent_max_tokens: int | float | str | None = None
    agent_max_cost: int | float | str | None = None
    """The budgets of a one-off task (让员工去做), as typed on the phone: checked by ``EmployeeSettings``."""


@router.get("")
def list_employees(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rows = ensure_roster(s, ws.id)
    s.commit()
    return {"employees": [employee_view(e) for e in rows]}


@router.patch("/{employee_id}")
def change_employee(employee_id: str, body: EmployeeChange, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    e = owned(s, Employee, employee_id, ws.id)
    if body.mode is not None and body.mode not in MODES:
        raise FieldErrors([field_error("mode", "|".join(MODES), "模式只能是全自动、半自动或仅建议")])
    changes = body.model_dump(exclude_none=True, exclude={"mode"})
    if changes:
        # Only what she changed is stored over what was there: the rest of the record holds other pages' settings
        # (客服's inbox, 财务's 纳税人识别号) and the defaults must stay defaults, so a later deployment default reaches her.
        e.settings = {**(e.settings or {}), **_settings(e, changes).model_dump(include=set(changes))}
    if body.mode is not None:
        e.mode = body.mode
    audit(s, ws.id, owner.username, "employee.changed", e.id, body.model_dump(exclude_none=True))
    s.commit()
    return employee_view(e)


def _settings(e: Employee, changes: dict) -> EmployeeSettings:
    role = EMPLOYEES.get(e.role)
    try:
        new = EmployeeSettings.model_validate({**settings_of(role, e.settings).model_dump(), **changes})
    except ValidationError as err:  # every bad field at once, each with its own limit; nothing is saved
        errors = []
        for x in err.errors():
            field = str(x["loc"][0]) if x["loc"] else "settings"
            limit = budget_limit(field) if field in BUDGETS else "设置"
            errors.append(field_error(field, limit, x["msg"].removeprefix("Value error, ")))
        raise FieldErrors(errors) from None
    if new.brief_time and e.role != "operations":
        raise FieldErrors([field_error("brief_time", "运营管家", "每日日报由运营管家发送，请在运营管家那里设置时间")])
    wrong = site_errors(role, new.default_sites) if role else new.default_sites
    if wrong:
        raise FieldErrors([field_error("default_sites", "、".join(role.sites if role else ()) or "无",
                                       f"{e.name}不在这些平台工作：{'、'.join(wrong)}")])
    return new
