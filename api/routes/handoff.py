"""Steps only the owner can do while a worker holds the site's page: what is asked, the live picture,
and the owner's taps, drags and typed text on it (``rpa.takeover``).

Reading needs a logged-in user of the workspace; acting needs the owner with the page's CSRF token.
Another workspace's run or account is 404; a run or account that waits for no take-over is 409.
The code itself goes through ``POST /api/runs/{id}/code`` and ``POST /api/accounts/{id}/code``.
"""
from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.codes import hand_action, hand_over
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.scoped import owned
from api.views import artifact_url
from core.models import Account, Artifact, HumanStep, Run
from core.storage import Storage, StorageError
from rpa.handoff import Waiting, pending_step
from rpa.takeover import Drag, HandBack, Tap, Text, as_action

router = APIRouter(prefix="/api", tags=["handoff"])
TAKE_OVER = ("drag", "takeover")
"""Steps with a live picture: a check the site put up (``drag``), a page the owner took over (``takeover``)."""


def _picture(s: Session, step: HumanStep | None) -> Artifact | None:
    if step is None or step.kind not in TAKE_OVER or not step.screenshot_id:
        return None
    return s.get(Artifact, step.screenshot_id)


def _step_view(s: Session, store: Storage, step: HumanStep | None, base: str) -> dict:
    if step is None:
        return {"kind": None}
    view = {"kind": step.kind, "prompt": step.prompt, "screenshot": artifact_url(step.screenshot_id), "id": step.id}
    art = _picture(s, step)
    if art is not None:
        try:
            version = store.version(art.path)  # the worker replaces the picture when the page changes
        except StorageError:
            version = "0"
        view["screenshot"] = f"{base}/step/picture?v={version}"
        view["queued"] = len(json.loads(step.answer)) if step.answer else 0  # actions the worker has yet to do
    return view


def _picture_response(s: Session, store: Storage, who: Waiting) -> Response:
    art = _picture(s, pending_step(s, who))
    try:
        # Read whole: the worker may swap the picture while it is sent.
        data = store.get(art.path) if art is not None else None
    except StorageError:
        data = None
    if data is None:
        raise HTTPException(404, "现在没有需要你操作的画面")
    return Response(data, media_type=art.mime, headers={"Cache-Control": "no-store"})


# -- a run, or an account that is logging in: the same step either way -----------------------------

Waiter = Literal["runs", "accounts"]
"""Who waits for the owner: ``/api/runs/{id}/…`` or ``/api/accounts/{id}/…``."""


def _who(s: Session, kind: Waiter, target_id: str, ws) -> Waiting:
    if kind == "runs":
        return Waiting(run_id=owned(s, Run, target_id, ws.id).id)
    return Waiting(account_id=owned(s, Account, target_id, ws.id).id)


@router.get("/{kind}/{target_id}/step")
def step(kind: Waiter, target_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """What the run (or the account's login) waits for from the owner right now, if anything."""
    return _step_view(s, settings.storage, pending_step(s, _who(s, kind, target_id, ws)), f"/api/{kind}/{target_id}")


@router.get("/{kind}/{target_id}/step/picture")
def step_picture(kind: Waiter, target_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep,
                 settings: SettingsDep) -> Response:
    """The newest picture of the page the owner is taking over (never cached: it changes every second)."""
    return _picture_response(s, settings.storage, _who(s, kind, target_id, ws))


@router.post("/{kind}/{target_id}/drag")
def drag(kind: Waiter, target_id: str, body: Drag, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner's drag on the picture; the waiting worker replays it on the live page with its timing."""
    hand_action(s, _who(s, kind, target_id, ws), as_action(body))
    return {"ok": True}


@router.post("/{kind}/{target_id}/tap")
def tap(kind: Waiter, target_id: str, body: Tap, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner's tap on the picture; the worker clicks that point of the live page."""
    hand_action(s, _who(s, kind, target_id, ws), as_action(body))
    return {"ok": True}


@router.post("/{kind}/{target_id}/text")
def text(kind: Waiter, target_id: str, body: Text, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """Text the owner typed; the worker types it into the field that has the focus."""
    hand_action(s, _who(s, kind, target_id, ws), as_action(body))
    return {"ok": True}


@router.post("/{kind}/{target_id}/back")
def hand_back(kind: Waiter, target_id: str, body: HandBack, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner hands the page she took over back: the employee goes on from it, or (``finished``) the task
    is done as she left it. After her queued taps and text, in order."""
    hand_action(s, _who(s, kind, target_id, ws), as_action(body))
    return {"ok": True}


@router.post("/{kind}/{target_id}/scanned")
def scanned(kind: Waiter, target_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner says the app has scanned the site's QR (a face check); the worker checks the site."""
    hand_over(s, _who(s, kind, target_id, ws), "scanned", kind="scan")
    return {"ok": True}
