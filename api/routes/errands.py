"""Errands (让员工去做): the employee proposes what it will do on an account's site, the owner confirms, a
browser agent does it under guard (``graphs.agent``); its run shows each step.

- POST /api/errands/proposal  {account_id, employee_id, instruction} → the plan to confirm (nothing saved)
- POST /api/errands           the confirmed plan (maybe edited) → the run, queued
- GET  /api/errands/{run_id}  the plan, the steps so far (screenshot, what it saw and did) and the result
- POST /api/errands/{run_id}/skill          a done errand saved as a 技能, the owner's values as parameters
- GET  /api/errands/skills                  the workspace's skills
- POST /api/errands/skills/{skill_id}/runs  a skill run with new values (replayed without the model);
                                            with ``at`` (local ``YYYY-MM-DDTHH:MM``) the scheduler starts it then
- POST /api/errands/skills/{skill_id}/schedules  {values, cron: 「每周一上午10点」 or cron} a run at every slot

A skill's values are checked before anything is saved or queued: each parameter named in a Chinese error.
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.scoped import owned
from api.routes.schedules import _rule
from api.routes.tasks import _local_time
from api.views import run_view, schedule_view
from core.models import Account, Employee, Run
from core.queue import enqueue_run
from core.runs import audit
from errands import skills
from errands.models import Skill
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


class SaveSkill(BaseModel):
    name: str = Field(max_length=200)
    params: dict[str, str] = Field(default_factory=dict, max_length=10)
    """Parameter name → the value typed in this run that becomes it (「价格」: "19.9")."""


class SkillRun(BaseModel):
    employee_id: str | None = None
    values: dict[str, str] = Field(default_factory=dict, max_length=10)
    at: str | None = Field(default=None, max_length=40)
    """When the scheduler starts it, in the workspace zone (``YYYY-MM-DDTHH:MM``); none or "": now."""


class SkillSchedule(BaseModel):
    employee_id: str | None = None
    values: dict[str, str] = Field(default_factory=dict, max_length=10)
    cron: str = Field(max_length=100)
    """The repeating time in the owner's words (「每周一上午10点」) or cron, read in the workspace zone."""


def _skill_view(k: Skill) -> dict:
    return {"id": k.id, "name": k.name, "params": k.params, "site": k.site, "account_id": k.account_id,
            "goal": k.errand.get("goal", ""), "steps": len(k.steps)}


@router.get("/skills")
def list_skills(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rows = s.query(Skill).filter_by(workspace_id=ws.id).order_by(Skill.created_at.desc()).all()
    return {"skills": [_skill_view(k) for k in rows]}


@router.post("/skills/{skill_id}/runs", status_code=201)
def run_skill(skill_id: str, body: SkillRun, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    skill = _owned_skill(s, skill_id, ws.id)
    employee = owned(s, Employee, body.employee_id or skill.employee_id, ws.id)
    at = _local_time(body.at, ws.timezone) if body.at else None
    run = skills.start(s, skill, employee, body.values, at=at)
    audit(s, ws.id, owner.username, "skill.run", run.id, {"skill": skill.id, "at": at.isoformat() if at else None})
    s.commit()
    if run.status == "queued":
        enqueue_run(settings, run.id)  # a run at a time is started by the scheduler then
    return {"run": run_view(s, run, ws.timezone)}


@router.post("/skills/{skill_id}/schedules", status_code=201)
def schedule_skill(skill_id: str, body: SkillSchedule, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    skill = _owned_skill(s, skill_id, ws.id)
    employee = owned(s, Employee, body.employee_id or skill.employee_id, ws.id)
    cron, first = _rule(body.cron, ws.timezone)
    sc = skills.repeat(s, skill, employee, body.values, cron, ws.timezone, first)
    audit(s, ws.id, owner.username, "skill.scheduled", sc.id, {"skill": skill.id, "cron": cron})
    s.commit()
    return {"schedule": schedule_view(s, sc, ws.timezone)}


def _owned_skill(s, skill_id: str, workspace_id: str) -> Skill:
    skill = s.get(Skill, skill_id)
    if skill is None or skill.workspace_id != workspace_id:
        raise HTTPException(404, "没有这个技能")
    return skill


@router.post("/{run_id}/skill", status_code=201)
def save_skill(run_id: str, body: SaveSkill, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    run = owned(s, Run, run_id, ws.id)
    skill = skills.save(s, run, body.name, body.params)
    audit(s, ws.id, owner.username, "skill.saved", skill.id, {"run": run.id})
    s.commit()
    return {"skill": _skill_view(skill)}


@router.get("/{run_id}")
def get_errand(run_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    run = owned(s, Run, run_id, ws.id)
    return {"run": run_view(s, run, ws.timezone), "errand": errand_view(s, run, ws.timezone)}
