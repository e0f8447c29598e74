"""Runs: write a post for one or more accounts (one run each), list runs, read one, cancel or retry one."""
from __future__ import annotations

import mimetypes
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import Response

from api import compose, resend
from api.codes import Code, hand_over
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.idempotency import IdempotencyKeyDep, busy
from api.scoped import owned
from api.views import run_view
from core import fairshare, idempotency
from core.content import Post
from core.models import Approval, Artifact, Run
from core.queue import enqueue_run
from core.runs import audit, background_runs, create_run, work_runs
from core.storage import Missing, StorageError
from core.undo import Refused, cancel, retry
from rpa.handoff import Waiting
from employees import EMPLOYEES, MODES
from employees.settings import settings_of

router = APIRouter(prefix="/api/runs", tags=["runs"])

Text = Annotated[str, Form(max_length=5000)]


@router.post("", status_code=201)
async def create(owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep, idem_key: IdempotencyKeyDep,
                 account_id: Annotated[list[str], Form()], employee_id: Annotated[str, Form()],
                 title: Annotated[str, Form(max_length=500)] = "", body: Text = "",
                 topics: Annotated[str, Form(max_length=1000)] = "", timing: Annotated[str, Form()] = "now",
                 publish_at: Annotated[str, Form()] = "", mode: Annotated[str, Form()] = "",
                 images: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI reads it)
                 video: Annotated[UploadFile | None, File()] = None,
                 cover: Annotated[UploadFile | None, File()] = None,
                 from_run: Annotated[str, Form(max_length=32)] = "",
                 keep_images: Annotated[list[int], Form()] = [],  # noqa: B006
                 ai_assisted: Annotated[bool, Form(description="AI辅助创作: the owner's text was made with an AI "
                                                   "tool; the post is declared AI-generated")] = False,
                 declaration: Annotated[str, Form(description="auto (decided: a model's draft or ai_assisted → "
                                                  "AI-generated, else none) | ai | original | repost")] = "auto",
                 repost_source: Annotated[str, Form(max_length=200, description="a repost's source (≤ 30)")] = "",
                 override_reason: Annotated[str, Form(max_length=5000, description=(
                     "仍要发布的理由: publishes past the overridable compliance findings (需确认: 第一, 唯一, contact "
                     "details …; never 违规 hard blocks). Recorded on the run (content.compliance_override: reason, "
                     "by, at, findings) and in the audit log. ≤ 200 characters; asked for by a 422 error on field "
                     "override_reason when such findings exist and it is empty."))] = "") -> dict:
    """Write a post for one or more accounts: one run each, all or none. With ``from_run`` (「改好再发」) the
    pictures of that run listed in ``keep_images`` come first.

    A 422 lists every problem at once; a compliance error carries ``rule``, ``span``, ``text``,
    ``suggestion`` and ``overridable`` (the owner may publish it anyway by sending ``override_reason``).
    """
    if (first := idempotency.recall(s, ws.id, "runs.create", idem_key)) is not None:
        return _made(s, ws, first)
    if mode and mode not in MODES:
        raise FieldErrors([field_error("mode", "|".join(MODES), "模式只能是全自动、半自动或仅建议")])
    accounts, employee = compose.targets(s, ws.id, account_id, employee_id)
    when = compose.parse_timing(timing, publish_at, ws.timezone)
    declaration, repost_source = compose.parse_declaration(declaration, repost_source)
    kept, drafted_by = [], "owner"
    if from_run:
        source = resend.source_run(s, from_run, ws.id, "publish")
        kept = resend.kept_images(settings, source, "images", keep_images, "images")
        drafted_by = Post.model_validate(source.content).drafted_by  # her edit of a model's draft is still one
    data = kept + await compose.read_images(images)
    cover_data = await compose.read_images([cover] if cover else [], field="cover")
    folder = None
    try:
        folder, paths = compose.stage(settings, data, ws.id)
        cover_path = compose.stage_cover(folder, cover_data)
        video_path = await compose.stage_video(settings, folder, video)
        post = compose.build_post(title=title, body=body, topics=topics, timing=when, images=paths,
                                  video=video_path, cover=cover_path, drafted_by=drafted_by,
                                  ai_assisted=ai_assisted, declaration=declaration, repost_source=repost_source)
        prefs = settings_of(EMPLOYEES.get(employee.role), employee.settings)
        checked = compose.check_all(accounts, post, prefs.banned_words, override_reason, prefs.allowed_contacts,
                                    settings.storage)
        override = compose.override_record(checked, override_reason, owner.username)
        runs = [create_run(s, account=a, employee=employee, post=post, mode=mode or None, storage=settings.storage)
                for a in accounts]
        for r in runs:
            r.content = {**r.content, "compliance": checked}  # shown on the approval card
            if override:
                r.content = {**r.content, "compliance_override": override}
                audit(s, ws.id, owner.username, "compliance.overridden", r.id,
                      {"reason": override["reason"], "findings": override["findings"]})
        s.flush()
        idempotency.remember(s, ws.id, "runs.create", idem_key, [r.id for r in runs])
        first = idempotency.commit(s, ws.id, "runs.create", idem_key)
    except idempotency.KeyBusy:
        compose.discard(folder)
        raise busy() from None
    except BaseException:
        s.rollback()
        compose.discard(folder)
        raise
    if first is not None:  # the same key's other request, at the same moment, made the runs
        compose.discard(folder)
        return _made(s, ws, first)
    # scheduled runs are started by the scheduler at their time; queued ones beyond the workspace's share too
    fairshare.enqueue_new(settings, s, ws.id, [r.id for r in runs if r.status == "queued"])
    return {"runs": [run_view(s, r, ws.timezone) for r in runs]}


def _made(s, ws, first: dict) -> dict:
    """The answer to the request that made the runs, for a retry (or a twin) with its key."""
    return {"runs": [run_view(s, s.get(Run, i), ws.timezone) for i in first["ids"]]}


@router.get("")
def list_runs(user: UserDep, ws: WorkspaceDep, s: DbDep, status: str | None = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50,
              kind: Literal["work", "background"] = "work") -> dict:
    """Her employees' work; ``kind=background``: background reads (inbox sweeps, nightly collections) (``core.runs.BACKGROUND``)."""
    q = (background_runs if kind == "background" else work_runs)(s, ws.id)
    if status:
        q = q.filter(Run.status.in_(status.split(",")))
    runs = q.order_by(Run.created_at.desc()).limit(limit).all()
    return {"runs": [run_view(s, r, ws.timezone) for r in runs]}


@router.get("/{run_id}")
def get_run(run_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    run = owned(s, Run, run_id, ws.id)
    approvals = s.query(Approval).filter_by(run_id=run.id).order_by(Approval.created_at).all()
    shots = s.query(Artifact).filter_by(run_id=run.id, kind="screenshot").order_by(Artifact.created_at).all()
    return {**run_view(s, run, ws.timezone), "content": run.content,
            "approvals": [{"id": a.id, "status": a.status, "reason": a.reason} for a in approvals],
            "screenshots": [{"step": a.step, "url": f"/api/artifacts/{a.id}"} for a in shots]}


@router.post("/{run_id}/code")
def enter_code(run_id: str, body: Code, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The code the site sent to the owner's phone; the waiting worker types it in."""
    run = owned(s, Run, run_id, ws.id)
    hand_over(s, Waiting(run_id=run.id), body.code)
    return run_view(s, run, ws.timezone)


@router.post("/{run_id}/cancel")
def cancel_run(run_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """Stop a run that has not reached the site (queued, timed, waiting for login or approval)."""
    run = owned(s, Run, run_id, ws.id)
    try:
        cancel(s, run, owner.username)
        s.commit()
    except Refused as e:
        s.rollback()
        raise FieldErrors([field_error("status", "未提交的任务", e.message)], status=409) from None
    return run_view(s, run, ws.timezone)


@router.post("/{run_id}/retry")
def retry_run(run_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Run a failed run again: the same run, so a click that may have reached the site is checked on the
    site's own list first and never repeated (``core.undo``)."""
    run = owned(s, Run, run_id, ws.id)
    try:
        queue = retry(s, run, owner.username)
        s.commit()
    except Refused as e:
        s.rollback()
        raise FieldErrors([field_error("status", "失败的任务", e.message)], status=409) from None
    if queue:
        enqueue_run(settings, run.id)  # if Redis is away, the scheduler picks the queued run up
    return run_view(s, run, ws.timezone)


@router.get("/{run_id}/images/{key}/{index}", responses={503: {"description": "图片存储暂时连不上"}})
def stored_image(run_id: str, key: str, index: int, user: UserDep, ws: WorkspaceDep, s: DbDep,
                 settings: SettingsDep) -> Response:
    """A picture the run was given (shown on 「改好再发」 so the owner keeps or drops it), read from the
    storage through the service like a screenshot (``api.routes.artifacts``)."""
    try:
        stored = resend.stored_images(settings, owned(s, Run, run_id, ws.id), key)
        data = settings.storage.get(stored[index]) if 0 <= index < len(stored) else None
    except Missing:
        data = None
    except StorageError:
        raise HTTPException(503, "图片存储暂时连不上，请稍后再试", headers={"Retry-After": "30"}) from None
    if data is None:
        raise HTTPException(404, "没有这张图片")
    mime = mimetypes.guess_type(stored[index])[0] or "application/octet-stream"
    return Response(data, media_type=mime, headers={"Cache-Control": "private, max-age=3600"})
