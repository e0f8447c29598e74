"""A receipt, photo or document the owner attaches to an income or expense record herself (one typed by hand
or imported from a sheet): checked against the invoice upload limits before anything is kept, stored as an
invoice upload is (``intake.keep``), and linked from the record by ``upload_id`` with an ``InvoiceUpload`` whose
status is ``attachment`` (never read, never counted as an invoice). Replacing and removing are audited like
record edits. A record saved from an invoice keeps that invoice as its file: it is not replaced."""
from __future__ import annotations

import io
import zipfile

from sqlalchemy.orm import Session

from books.intake import ATTACHMENT, get_upload, keep
from books.invoices.limits import MAX_BYTES, MAX_PIXELS, OFD_MAX_MEMBERS, megabytes
from books.models import InvoiceUpload
from core.errors import BusinessError
from core.runs import audit
from core.storage import Storage

KINDS = {"image/jpeg": "photo", "image/png": "photo", "image/webp": "photo", "application/pdf": "pdf",
         "application/ofd": "ofd", "application/xml": "xml"}
"""What may be attached (the mime type it is served as -> how ``InvoiceUpload.source`` names it)."""
ALLOWED = "JPG/PNG/WEBP照片，或PDF/OFD/XML文件"


class Refused(BusinessError):
    """The file cannot be attached: nothing kept. ``error`` names the field and the limit; ``status`` 413 when
    the file is too big."""

    def __init__(self, limit: str, message: str, status: int = 422):
        self.error, self.status = {"field": "attachment", "limit": limit, "message": message}, status
        super().__init__(message)


class InvoiceFile(BusinessError):
    """The record was saved from an invoice: its file is that invoice, which stays."""

    def __init__(self):
        super().__init__("这条记录是从上传的发票保存的，它的附件就是发票原件，不能替换或删除")


def mime_of(filename: str, data: bytes) -> str:
    """The type the file's first bytes say it is (the name only tells an OFD from another zip); ``Refused``
    for anything else, an empty or too-big file, or a photo with more pixels than the limit."""
    name = f"附件「{filename[-60:] or '未命名'}」"
    if not data:
        raise Refused("不能为空", f"{name}是空的（0字节），没有保存")
    if len(data) > MAX_BYTES:
        raise Refused(f"≤ {megabytes(MAX_BYTES)}", f"{name}超过{megabytes(MAX_BYTES)}上限，没有保存，请压缩后再上传", 413)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        mime = "image/webp"
    elif data[:1024].find(b"%PDF-") != -1:
        mime = "application/pdf"
    elif data.startswith(b"PK\x03\x04") and filename.lower().endswith(".ofd") and _is_ofd(data):
        mime = "application/ofd"
    elif head.startswith(b"<?xml") or head.startswith(b"<"):
        mime = "application/xml"
    else:
        raise Refused(ALLOWED, f"{name}不是支持的格式，没有保存。请上传{ALLOWED}")
    if mime.startswith("image/"):
        _check_pixels(name, data)
    return mime


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return len(names) <= OFD_MAX_MEMBERS and "OFD.xml" in names


def _check_pixels(name: str, data: bytes) -> None:
    """The image's size from its header only (nothing decoded), against the invoice photo limit."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width, height = MAX_PIXELS, 2
    except (OSError, ValueError, SyntaxError):
        raise Refused(ALLOWED, f"{name}无法打开（格式不支持或文件已损坏），没有保存") from None
    if width * height > MAX_PIXELS:
        raise Refused(f"≤ {MAX_PIXELS // 10_000}万像素",
                      f"{name}有{width}×{height}像素，超过{MAX_PIXELS // 10_000}万像素上限，没有保存", 413)


def current(session: Session, rec) -> InvoiceUpload | None:
    return get_upload(session, rec.workspace_id, rec.upload_id) if rec.upload_id else None


def attach(session: Session, store: Storage, rec, kind: str, filename: str, data: bytes,
           actor: str) -> InvoiceUpload:
    """Attach the file to the record (``kind`` income | expense), replacing an attachment it had. The caller
    commits; on ``Refused`` or ``InvoiceFile`` nothing was kept."""
    before = current(session, rec)
    if before is not None and before.status != ATTACHMENT:
        raise InvoiceFile()
    mime = mime_of(filename, data)
    ref, digest, mime = keep(store, rec.workspace_id, filename, data, mime)
    upload = InvoiceUpload(workspace_id=rec.workspace_id, filename=filename[-200:] or "附件", mime=mime, path=ref,
                           digest=digest, source=KINDS[mime], reading={}, status=ATTACHMENT, record_kind=kind,
                           record_id=rec.id)
    session.add(upload)
    session.flush()
    if before is not None:
        session.delete(before)
    rec.upload_id = upload.id
    audit(session, rec.workspace_id, actor, f"books.{kind}.attached", rec.id,
          {"filename": upload.filename, "digest": digest, "replaced": before.filename if before else None})
    session.flush()
    return upload


def remove(session: Session, rec, kind: str, actor: str) -> InvoiceUpload | None:
    """Take the record's attachment off (None when it has none). The stored bytes stay: they are named by
    their digest and may be another upload's too."""
    before = current(session, rec)
    if before is None:
        return None
    if before.status != ATTACHMENT:
        raise InvoiceFile()
    rec.upload_id = None
    session.delete(before)
    audit(session, rec.workspace_id, actor, f"books.{kind}.attachment_removed", rec.id,
          {"filename": before.filename, "digest": before.digest})
    session.flush()
    return before
