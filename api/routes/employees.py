"""The workspace's digital employees and the mode each works in."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import DbDep, OwnerDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import owned
from api.views import employee_view
from core.models import Employee
from core.runs import audit
from employees import MODES

router = APIRouter(prefix="/api/employees", tags=["employees"])


class EmployeeChange(BaseModel):
    mode: str


@router.get("")
def list_employees(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return {"employees": [employee_view(e) for e in s.query(Employee).filter_by(workspace_id=ws.id)]}


@router.patch("/{employee_id}")
def change_employee(employee_id: str, body: EmployeeChange, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    e = owned(s, Employee, employee_id, ws.id)
    if body.mode not in MODES:
        raise FieldErrors([field_error("mode", "|".join(MODES), "模式只能是全自动、半自动或仅建议")])
    e.mode = body.mode
    audit(s, ws.id, owner.username, "employee.mode", e.id, {"mode": body.mode})
    s.commit()
    return employee_view(e)
