"""The inbox as the owner reads it: conversations with their site, item, time, status and history."""
from __future__ import annotations

from sqlalchemy.orm import Session

from api import labels
from api.views import artifact_url
from core.inbox import CATEGORY_LABELS, EVENT_LABELS, KIND_LABELS, STATUS_LABELS, Conversation, ConversationEvent
from core.models import Account, Approval

TARGET_ID = {"douyin": "作品ID", "xiaohongshu": "笔记ID", "taobao": "商品ID"}
NOT_ON_THE_WEB = ("小红书的私信只在手机App里，网页版没有，客服代表读不到，请在App里回复；"
                  "淘宝千牛「接待」聊天没有网页版，客服代表只处理评价和问大家。")


def conversation_view(s: Session, c: Conversation, tz: str, history: bool = False) -> dict:
    account = s.get(Account, c.account_id)
    card = (s.query(Approval).filter_by(run_id=c.reply_run_id, status="pending").first()
            if c.reply_run_id else None)
    view = {"id": c.id, "site": c.site, "site_label": labels.site_label(c.site), "account": account.name if account else "",
            "kind_label": KIND_LABELS.get(c.kind, "留言"), "author": c.author, "text": c.text,
            "target_title": c.target_title or "", "target_id": c.target_id or "",
            "target_id_label": TARGET_ID.get(c.site, "编号"), "at": labels.local_time(c.at, tz),
            "status": c.status, "status_label": STATUS_LABELS.get(c.status, c.status),
            "category_label": CATEGORY_LABELS.get(c.category or "", "未分类"), "draft": c.draft or "",
            "citations": c.citations or [], "confidence": round((c.confidence or 0) * 100), "note": c.note or "",
            "replied_text": c.replied_text or "",
            "replied_by_label": {"owner": "你在平台上亲自回复", "employee": "客服代表已回复"}.get(c.replied_by or "", ""),
            "thread": c.thread or [], "my_comment": (c.extra or {}).get("my_comment", ""),
            "approval_id": card.id if card else None, "run_id": c.reply_run_id}
    if history:
        events = (s.query(ConversationEvent).filter_by(conversation_id=c.id)
                  .order_by(ConversationEvent.at, ConversationEvent.id))
        view["history"] = [{"label": EVENT_LABELS.get(e.kind, "记录"), "actor": ACTORS.get(e.actor, "系统"),
                            "text": e.text or "", "at": labels.local_time(e.at, tz),
                            "citations": (e.detail or {}).get("citations") or [],
                            "screenshot": artifact_url(e.screenshot_id)} for e in events]
    return view


ACTORS = {"owner": "你", "employee": "客服代表", "system": "系统"}
