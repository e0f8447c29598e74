"""Screenshots and thumbnails, only for the workspace whose run made them."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from api.deps import DbDep, UserDep, WorkspaceDep
from core.models import Artifact, Run

router = APIRouter(prefix="/api/artifacts", tags=["artifacts"])


@router.get("/{artifact_id}")
def get_artifact(artifact_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> FileResponse:
    art = s.get(Artifact, artifact_id)
    run = s.get(Run, art.run_id) if art and art.run_id else None
    if run is None or run.workspace_id != ws.id:
        raise HTTPException(404, "没有这张图片")
    if not Path(art.path).is_file():  # the row outlived its file (cleaned up, restored from a backup)
        raise HTTPException(404, "这张图片的文件已不在了")
    return FileResponse(art.path, media_type=art.mime, headers={"Cache-Control": "private, max-age=3600"})
