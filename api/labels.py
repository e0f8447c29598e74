"""Words and times as the owner sees them (zh-CN, the workspace's time zone)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

RUN_STATUS = {
    "scheduled": "已排期",
    "queued": "排队中",
    "running": "执行中",
    "awaiting_login": "等待登录",
    "awaiting_approval": "待审批",
    "awaiting_code": "等待验证码",
    "awaiting_human": "等待你在手机上操作",
    "published": "已发布",
    "suggested": "已生成建议",
    "rejected": "已驳回",
    "failed": "失败",
    "cancelled": "已取消",
}
DONE_BY_GRAPH = {"tax_filing": "已申报", "listing": "已上架"}
"""What "done" is called for a workflow other than publishing."""


def run_status(graph: str, status: str) -> str:
    if status == "published" and graph in DONE_BY_GRAPH:
        return DONE_BY_GRAPH[graph]
    return RUN_STATUS.get(status, status)


ACCOUNT_STATUS = {"needs_login": "需要登录", "logging_in": "登录中（请扫码）", "active": "已登录", "deleted": "已删除"}
APPROVAL_STATUS = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回", "expired": "已过期", "cancelled": "已取消"}
TIMING = {"now": "立即发布", "at": "定时（到点开始执行）", "site": "平台定时发布"}
FIELD = {"title": "标题", "body": "正文", "topics": "话题", "images": "图片", "timing": "发布时间", "schedule": "发布时间",
         "cover": "封面", "video": "视频"}


def local_time(dt: datetime | None, tz: str) -> str:
    return dt.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if dt else ""


def site_label(site: str) -> str:
    from sites import SITES

    return SITES[site].label if site in SITES else site


WEEKDAYS = "一二三四五六日"
ROLE_SITES = {"etax": "电子税务局"}
"""Sites an employee works on that have no adapter (and so no label in ``sites.SITES``) yet."""
TASK_STATUS = {"pending": "待确认", "confirmed": "已确认"}
KNOWLEDGE_KIND = {"txt": "文本", "md": "Markdown", "docx": "Word", "pdf": "PDF"}


def plan_time(dt: datetime | None, tz: str) -> str:
    """A planned time as the owner reads it: ``11月30日 周一 10:00`` (empty: right after confirming)."""
    if dt is None:
        return "确认后立即执行"
    local = dt.astimezone(ZoneInfo(tz))
    return f"{local.month}月{local.day}日 周{WEEKDAYS[local.weekday()]} {local:%H:%M}"
