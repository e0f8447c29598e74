"""Steps only the owner can do while a worker holds the site's page: what is asked, and the slider drag.

The code itself goes through ``POST /api/runs/{id}/code`` and ``POST /api/accounts/{id}/code``.
"""
from __future__ import annotations

from fastapi import APIRouter

from api.codes import hand_over
from api.deps import DbDep, OwnerDep, UserDep, WorkspaceDep
from api.scoped import owned
from api.views import artifact_url
from core.models import Account, HumanStep, Run
from rpa.handoff import Waiting, pending_step
from rpa.takeover import Drag

router = APIRouter(prefix="/api", tags=["handoff"])


def _step_view(step: HumanStep | None) -> dict:
    if step is None:
        return {"kind": None}
    return {"kind": step.kind, "prompt": step.prompt, "screenshot": artifact_url(step.screenshot_id),
            "id": step.id}


@router.get("/runs/{run_id}/step")
def run_step(run_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """What the run waits for from the owner right now, if anything."""
    return _step_view(pending_step(s, Waiting(run_id=owned(s, Run, run_id, ws.id).id)))


@router.post("/runs/{run_id}/drag")
def run_drag(run_id: str, body: Drag, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner's drag on the slider's picture; the waiting worker replays it on the live page."""
    hand_over(s, Waiting(run_id=owned(s, Run, run_id, ws.id).id), body.model_dump_json(), kind="drag")
    return {"ok": True}


@router.get("/accounts/{account_id}/step")
def account_step(account_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return _step_view(pending_step(s, Waiting(account_id=owned(s, Account, account_id, ws.id).id)))


@router.post("/accounts/{account_id}/drag")
def account_drag(account_id: str, body: Drag, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    hand_over(s, Waiting(account_id=owned(s, Account, account_id, ws.id).id), body.model_dump_json(), kind="drag")
    return {"ok": True}
