"""Steps only the owner can do while a worker holds the site's page: what is asked, the live picture,
and the owner's taps, drags and typed text on it (``rpa.takeover``).

Reading needs a logged-in user of the workspace; acting needs the owner with the page's CSRF token.
Another workspace's run or account is 404; a run or account that waits for no take-over is 409.
The code itself goes through ``POST /api/runs/{id}/code`` and ``POST /api/accounts/{id}/code``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.codes import hand_action
from api.deps import DbDep, OwnerDep, UserDep, WorkspaceDep
from api.scoped import owned
from api.views import artifact_url
from core.models import Account, Artifact, HumanStep, Run
from rpa.handoff import Waiting, pending_step
from rpa.takeover import Drag, Tap, Text, as_action

router = APIRouter(prefix="/api", tags=["handoff"])


def _picture(s: Session, step: HumanStep | None) -> Artifact | None:
    if step is None or step.kind != "drag" or not step.screenshot_id:
        return None
    return s.get(Artifact, step.screenshot_id)


def _step_view(s: Session, step: HumanStep | None, base: str) -> dict:
    if step is None:
        return {"kind": None}
    view = {"kind": step.kind, "prompt": step.prompt, "screenshot": artifact_url(step.screenshot_id), "id": step.id}
    art = _picture(s, step)
    if art is not None:
        try:
            version = os.stat(art.path).st_mtime_ns  # the worker replaces the file when the page changes
        except FileNotFoundError:
            version = 0
        view["screenshot"] = f"{base}/step/picture?v={version}"
        view["queued"] = len(json.loads(step.answer)) if step.answer else 0  # actions the worker has yet to do
    return view


def _picture_response(s: Session, who: Waiting) -> Response:
    art = _picture(s, pending_step(s, who))
    try:
        # Read whole: the worker may swap the file while it is sent.
        data = Path(art.path).read_bytes() if art is not None else None
    except FileNotFoundError:
        data = None
    if data is None:
        raise HTTPException(404, "现在没有需要你操作的画面")
    return Response(data, media_type=art.mime, headers={"Cache-Control": "no-store"})


# -- a run ------------------------------------------------------------------------------------------

def _run(s: Session, run_id: str, ws) -> Waiting:
    return Waiting(run_id=owned(s, Run, run_id, ws.id).id)


@router.get("/runs/{run_id}/step")
def run_step(run_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """What the run waits for from the owner right now, if anything."""
    who = _run(s, run_id, ws)
    return _step_view(s, pending_step(s, who), f"/api/runs/{run_id}")


@router.get("/runs/{run_id}/step/picture")
def run_step_picture(run_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> Response:
    """The newest picture of the page the owner is taking over (never cached: it changes every second)."""
    return _picture_response(s, _run(s, run_id, ws))


@router.post("/runs/{run_id}/drag")
def run_drag(run_id: str, body: Drag, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner's drag on the picture; the waiting worker replays it on the live page with its timing."""
    hand_action(s, _run(s, run_id, ws), as_action(body))
    return {"ok": True}


@router.post("/runs/{run_id}/tap")
def run_tap(run_id: str, body: Tap, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner's tap on the picture; the worker clicks that point of the live page."""
    hand_action(s, _run(s, run_id, ws), as_action(body))
    return {"ok": True}


@router.post("/runs/{run_id}/text")
def run_text(run_id: str, body: Text, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """Text the owner typed; the worker types it into the field that has the focus."""
    hand_action(s, _run(s, run_id, ws), as_action(body))
    return {"ok": True}


# -- an account that is logging in ------------------------------------------------------------------

def _account(s: Session, account_id: str, ws) -> Waiting:
    return Waiting(account_id=owned(s, Account, account_id, ws.id).id)


@router.get("/accounts/{account_id}/step")
def account_step(account_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    who = _account(s, account_id, ws)
    return _step_view(s, pending_step(s, who), f"/api/accounts/{account_id}")


@router.get("/accounts/{account_id}/step/picture")
def account_step_picture(account_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> Response:
    return _picture_response(s, _account(s, account_id, ws))


@router.post("/accounts/{account_id}/drag")
def account_drag(account_id: str, body: Drag, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    hand_action(s, _account(s, account_id, ws), as_action(body))
    return {"ok": True}


@router.post("/accounts/{account_id}/tap")
def account_tap(account_id: str, body: Tap, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    hand_action(s, _account(s, account_id, ws), as_action(body))
    return {"ok": True}


@router.post("/accounts/{account_id}/text")
def account_text(account_id: str, body: Text, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    hand_action(s, _account(s, account_id, ws), as_action(body))
    return {"ok": True}
