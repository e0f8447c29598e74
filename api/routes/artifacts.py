"""Screenshots and thumbnails, only for the workspace whose run made them.

The phone reads them through this route (proxied), never from the store directly: the owner's login cookie
and the workspace check guard every picture, the object store may sit on a private network the phone cannot
reach, and no bearer link (a presigned URL works for whoever holds it until it expires) ends up in a push, a
browser history or a forwarded screenshot of the page."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from api.deps import DbDep, SettingsDep, UserDep, WorkspaceDep
from core.models import Artifact, Run
from core.storage import Missing, StorageError

router = APIRouter(prefix="/api/artifacts", tags=["artifacts"])


@router.get("/{artifact_id}", responses={503: {"description": "图片存储暂时连不上"}})
def get_artifact(artifact_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> Response:
    art = s.get(Artifact, artifact_id)
    run = s.get(Run, art.run_id) if art and art.run_id else None
    if run is None or run.workspace_id != ws.id:
        raise HTTPException(404, "没有这张图片")
    try:
        data = settings.storage.get(art.path)
    except Missing:  # the row outlived its file (cleaned up, restored from a backup)
        raise HTTPException(404, "这张图片的文件已不在了") from None
    except StorageError:
        raise HTTPException(503, "图片存储暂时连不上，请稍后再试", headers={"Retry-After": "30"}) from None
    return Response(data, media_type=art.mime, headers={"Cache-Control": "private, max-age=3600"})
