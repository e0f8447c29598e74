"""「改好再发」: a rejected, failed or cancelled run's content as the starting point of a new form.

The new form is a new run (the old one stays in the history as it ended). Its pictures are the old run's
stored media (``core.media``), read again and staged into the new run's own folder like fresh uploads, so the old run's
folder can be cleaned up without touching the new one, and every check of an upload applies to them too.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from api.errors import FieldErrors, field_error
from api.scoped import owned
from core import media
from core.models import Run
from core.settings import Settings
from core.storage import Missing

EDITABLE = ("failed", "rejected", "cancelled")
IMAGE_KEYS = {"publish": ("images",), "listing": ("main_images", "desc_images")}
"""Which lists of a run's content hold its stored pictures, per workflow."""


def source_run(s: Session, run_id: str, workspace_id: str, graph: str) -> Run:
    run = owned(s, Run, run_id, workspace_id)
    if run.graph != graph or run.status not in EDITABLE:
        raise FieldErrors([field_error("from_run", "失败、被驳回或已取消的任务",
                                       "只有失败、被驳回或已取消的任务可以改好再发")], status=409)
    return run


def stored_images(settings: Settings, run: Run, key: str) -> list[str]:
    """The refs of the run's pictures under ``key`` that are still stored, in their order: only the workspace's
    own uploads (``core.media.owned``), never a file elsewhere that a content's path might name."""
    if key not in IMAGE_KEYS.get(run.graph, ()):
        return []
    store = settings.storage
    refs = [r for r in run.content.get(key) or [] if isinstance(r, str)
            and media.owned(store, settings.paths.uploads, run.workspace_id, r)]
    return [r for r in refs if store.exists(r)] if store.shared else refs


def image_views(settings: Settings, run: Run, key: str) -> list[dict]:
    return [{"index": i, "url": f"/api/runs/{run.id}/images/{key}/{i}", "name": f"第{i + 1}张"}
            for i, _ in enumerate(stored_images(settings, run, key))]


def kept_images(settings: Settings, run: Run | None, key: str, keep: list[int], field: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of the old pictures the owner kept, in the order she kept them (none without a run)."""
    stored = stored_images(settings, run, key) if run is not None else []
    if any(i < 0 or i >= len(stored) for i in keep):
        raise FieldErrors([field_error(field, f"0–{len(stored) - 1}", "原来的图片已经不在了，请重新选择图片")])
    try:
        return [(PurePosixPath(stored[i]).name, settings.storage.get(stored[i])) for i in keep]
    except Missing:  # removed since the form was shown
        raise FieldErrors([field_error(field, "仍在的图片", "原来的图片已经不在了，请重新选择图片")]) from None


def note_draft(settings: Settings, run: Run) -> dict:
    """The compose form's starting values from a publish run."""
    c = run.content
    return {"run_id": run.id, "account_id": run.account_id, "title": c.get("title", ""), "body": c.get("body", ""),
            "topics": " ".join(c.get("topics") or []), "images": image_views(settings, run, "images"),
            "reason": run.reason}


def listing_draft(settings: Settings, run: Run) -> dict:
    """The listing form's starting values from a listing run (``sites.taobao.product.Product`` as stored)."""
    c = run.content
    props = dict(c.get("properties") or {})
    brand, model = props.pop("品牌", ""), props.pop("型号", "")
    dims = list(c.get("sku_dimensions") or []) or list(((c.get("skus") or [{}])[0].get("options") or {}))
    skus = [{"values": [(sku.get("options") or {}).get(d, "") for d in dims[:2]],
             "price": sku.get("price") or "", "stock": "" if sku.get("stock") is None else sku["stock"]}
            for sku in c.get("skus") or []]
    return {"run_id": run.id, "account_id": run.account_id, "reason": run.reason,
            "category_keyword": c.get("category_keyword", ""), "brand": brand, "model": model,
            "props": "\n".join(f"{k}:{v}" for k, v in props.items()), "title": c.get("title", ""),
            "price": c.get("price") or "", "stock": "" if c.get("stock") is None else c["stock"],
            "outer_id": c.get("outer_id") or "", "sku_dims": (dims + ["", ""])[:2], "skus": skus,
            "main_images": image_views(settings, run, "main_images"),
            "desc_images": image_views(settings, run, "desc_images")}
