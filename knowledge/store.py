"""Adding, listing and deleting a workspace's knowledge documents (the only module that writes).

Every function takes the caller's session and only flushes: the caller's transaction
(``core.db.transaction``) commits or rolls back, so an upload is stored whole or not at all. The file
is read, extracted, chunked and tokenized (``read_document``, which touches no database and so can run
in another process) before the first row is added; the bytes themselves are never stored.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from core.models import new_id
from knowledge.chunk import chunk_text
from knowledge.errors import KnowledgeError
from knowledge.extract import extract_text, kind_of
from knowledge.models import KnowledgeChunk, KnowledgeDoc
from knowledge.search import tokenize

NAME_MAX = 255


def read_document(name: str, data: bytes) -> list[tuple[str, str]]:
    """The file's passages, each with its search tokens joined by spaces (jieba never puts whitespace inside
    a token): all the CPU work of an upload and no database, so it can run in another process
    (``core.offload``), whose answer is then a few hundred strings for the web process to unpickle instead
    of a hundred thousand. Refusals raise ``KnowledgeError``."""
    return [(passage, " ".join(tokenize(passage))) for passage in chunk_text(extract_text(name, data))]


def add_document(session: Session, workspace_id: str, name: str, data: bytes,
                 read: Callable[[str, bytes], list[tuple[str, str]]] = read_document) -> KnowledgeDoc:
    """Store the file's passages; the same bytes already in this workspace return the existing doc.
    ``read`` is ``read_document`` or a call of it in another process (the web server's, ``core.offload``)."""
    name = clean_name(name)
    kind = kind_of(name)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(KnowledgeDoc).where(KnowledgeDoc.workspace_id == workspace_id,
                                                         KnowledgeDoc.sha256 == sha256))
    if existing is not None:
        return existing
    passages = read(name, data)
    doc = KnowledgeDoc(workspace_id=workspace_id, name=name, kind=kind, bytes=len(data),
                       sha256=sha256)
    session.add(doc)
    session.flush()
    # One executemany, not an ORM object per passage: a long document has hundreds of them, and this part
    # runs in the web process.
    if passages:
        session.execute(insert(KnowledgeChunk), [
            {"id": new_id(), "doc_id": doc.id, "workspace_id": workspace_id, "ord": i, "text": passage,
             "tokens": tokens.split()} for i, (passage, tokens) in enumerate(passages)])
    session.flush()
    return doc


def clean_name(name: str) -> str:
    """The bare file name (a browser may send a path), capped to the column's size, extension kept."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    if not base:
        raise KnowledgeError("file", "文件名", "文件没有名字")
    if len(base) > NAME_MAX:
        stem, ext = os.path.splitext(base)
        base = stem[: NAME_MAX - len(ext)] + ext
    return base


def list_documents(session: Session, workspace_id: str) -> list[KnowledgeDoc]:
    """The workspace's documents, newest first."""
    return list(session.scalars(select(KnowledgeDoc).where(KnowledgeDoc.workspace_id == workspace_id)
                                .order_by(KnowledgeDoc.created_at.desc(), KnowledgeDoc.id)))


def get_document(session: Session, workspace_id: str, doc_id: str) -> KnowledgeDoc | None:
    """The document if it belongs to this workspace (another workspace's id reads as not found)."""
    return session.scalar(select(KnowledgeDoc).where(KnowledgeDoc.id == doc_id,
                                                     KnowledgeDoc.workspace_id == workspace_id))


def document_text(session: Session, workspace_id: str, doc_id: str) -> list[str]:
    """The document's passages in order (empty when the doc is not this workspace's)."""
    return list(session.scalars(select(KnowledgeChunk.text)
                                .where(KnowledgeChunk.doc_id == doc_id, KnowledgeChunk.workspace_id == workspace_id)
                                .order_by(KnowledgeChunk.ord)))


def delete_document(session: Session, workspace_id: str, doc_id: str) -> bool:
    """Remove the document and all its passages; False when this workspace has no such document."""
    doc = get_document(session, workspace_id, doc_id)
    if doc is None:
        return False
    session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.doc_id == doc.id,
                                                 KnowledgeChunk.workspace_id == workspace_id))
    session.delete(doc)
    session.flush()
    return True
