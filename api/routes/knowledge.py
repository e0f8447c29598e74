"""The workspace's knowledge base: upload a document, list, search and delete (everywhere) on the phone."""
from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, UploadFile
from sqlalchemy import func

from api import labels
from api.deps import DbDep, OwnerDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.offload import OffloadDep
from core.runs import audit
from knowledge import store
from knowledge.extract import MAX_BYTES, MB
from knowledge.models import KnowledgeChunk, KnowledgeDoc
from knowledge.search import search

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


def doc_view(doc: KnowledgeDoc, passages: int, tz: str) -> dict:
    return {"id": doc.id, "name": doc.name, "kind": doc.kind, "kind_label": labels.KNOWLEDGE_KIND.get(doc.kind, doc.kind),
            "size": f"{doc.bytes / 1024:.0f} KB" if doc.bytes >= 1024 else f"{doc.bytes} B",
            "passages": passages, "created_at": labels.local_time(doc.created_at, tz)}


def docs_view(s, workspace_id: str, tz: str) -> list[dict]:
    counts = dict(s.query(KnowledgeChunk.doc_id, func.count()).filter_by(workspace_id=workspace_id)
                  .group_by(KnowledgeChunk.doc_id).all())
    return [doc_view(d, counts.get(d.id, 0), tz) for d in store.list_documents(s, workspace_id)]


@router.post("", status_code=201)
def upload(owner: OwnerDep, ws: WorkspaceDep, s: DbDep, pool: OffloadDep,
           file: Annotated[UploadFile | None, File()] = None) -> dict:
    """Reading and indexing run in the web server's parse process (``core.offload``: its GIL is not this
    process's, so /healthz and every other request go on), bounded by ``Settings.parse_limit_s``; the rows
    are written here. A plain ``def``: FastAPI runs it in its thread pool, which waits for the parse."""
    if file is None or not file.filename:
        raise FieldErrors([field_error("file", "必填", "请选择要上传的文件")])
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # refused before extraction, without reading the rest of the upload
        raise FieldErrors([field_error("file", f"≤ {MAX_BYTES // MB} MB", f"文件超过{MAX_BYTES // MB}MB，请拆分后再上传")])
    try:
        # KnowledgeError, or the parse past its time limit: a 422 field error.
        doc = store.add_document(s, ws.id, file.filename, data, read=partial(pool.run, store.read_document))
        audit(s, ws.id, owner.username, "knowledge.added", doc.id, {"name": doc.name})
        s.commit()
    except BaseException:
        s.rollback()
        raise
    passages = s.query(KnowledgeChunk).filter_by(doc_id=doc.id).count()
    return doc_view(doc, passages, ws.timezone)


@router.get("")
def list_docs(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return {"docs": docs_view(s, ws.id, ws.timezone)}


@router.get("/search")
def search_docs(q: str, user: UserDep, ws: WorkspaceDep, s: DbDep, k: int = 4) -> dict:
    """What an employee would read for ``q``: the best passages, with their document's name."""
    return {"passages": [{"doc_id": p.doc_id, "doc_name": p.doc_name, "text": p.text, "score": p.score}
                         for p in search(s, ws.id, q[:200], k=max(1, min(k, 10)))]}


@router.delete("/{doc_id}")
def delete_doc(doc_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """Removes the document and every passage of it: no later search or plan can find it."""
    doc = store.get_document(s, ws.id, doc_id)
    if doc is None:
        raise HTTPException(404, "没有这份资料")
    name = doc.name
    store.delete_document(s, ws.id, doc_id)
    audit(s, ws.id, owner.username, "knowledge.deleted", doc_id, {"name": name})
    s.commit()
    return {"deleted": doc_id}
