"""Errands (让员工去做): the employee proposes what it will do on an account's site, the owner confirms, a
browser agent does it under guard (``graphs.agent``); its run shows each step.

- POST /api/errands/proposal  {account_id, employee_id, instruction} → the plan to confirm (nothing saved)
- POST /api/errands           the confirmed plan (maybe edited) → the run, queued
- GET  /api/errands/{run_id}  the plan, the steps so far (screenshot, what it saw and did) and the result
"""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.scoped import owned
from api.views import run_view
from core.models import Account, Employee, Run
from core.queue import enqueue_run
from core.runs import audit
from errands.propose import propose, start
from errands.views import errand_view

router = APIRouter(prefix="/api/errands", tags=["errands"])


class Ask(BaseModel):
    account_id: str
    employee_id: str
    instruction: str = Field(max_length=2000)


class Confirmed(Ask):
    goal: str = Field(max_length=2000)
    done_when: str = Field(max_length=2000)
    forbidden: list[str] = Field(default_factory=list, max_length=50)
    reads_only: bool = False


@router.post("/proposal")
def proposal(body: Ask, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    account = owned(s, Account, body.account_id, ws.id)
    owned(s, Employee, body.employee_id, ws.id)
    return {"proposal": propose(settings, account, body.instruction), "account": account.name}


@router.post("", status_code=201)
def create(body: Confirmed, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    account = owned(s, Account, body.account_id, ws.id)
    employee = owned(s, Employee, body.employee_id, ws.id)
    run = start(s, account, employee, body.model_dump())
    audit(s, ws.id, owner.username, "errand.confirmed", run.id, {"goal": run.content["goal"]})
    s.commit()
    enqueue_run(settings, run.id)  # if Redis is away, the scheduler picks the queued run up
    return {"run": run_view(s, run, ws.timezone)}


@router.get("/{run_id}")
def get_errand(run_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    run = owned(s, Run, run_id, ws.id)
    return {"run": run_view(s, run, ws.timezone), "errand": errand_view(s, run, ws.timezone)}
