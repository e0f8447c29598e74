"""Words and times as the owner sees them (zh-CN, the workspace's time zone)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from books.periods import Quarter

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
DONE_BY_GRAPH = {"tax_filing": "已申报", "listing": "已上架", "inbound_sweep": "已读取消息", "inbound_reply": "已回复",
                 "collect": "已读取数据", "agent": "已完成"}
"""What "done" is called for a workflow other than publishing."""


def run_status(graph: str, status: str) -> str:
    if status == "published" and graph in DONE_BY_GRAPH:
        return DONE_BY_GRAPH[graph]
    return RUN_STATUS.get(status, status)


ACCOUNT_STATUS = {"needs_login": "需要登录", "logging_in": "登录中（请扫码）", "active": "已登录", "deleted": "已删除"}
SESSION_STATE = {"valid": "登录有效", "expired": "需要登录", "unknown": "登录状态待确认"}
"""What the session checker (``health``) last found, next to an account's status."""
APPROVAL_STATUS = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回", "expired": "已过期", "cancelled": "已取消",
                   "taken_over": "已接管"}
TIMING = {"now": "立即发布", "at": "定时（到点开始执行）", "site": "平台定时发布"}
FIELD = {"title": "标题", "body": "正文", "topics": "话题", "images": "图片", "timing": "发布时间", "schedule": "发布时间",
         "cover": "封面", "video": "视频", "media": "素材", "skipped_topics": "没加上的话题",
         "declaration": "已设置的声明",
         # a listing's card (``sites.taobao`` reads these back from the publish form)
         "category": "类目", "properties": "类目属性", "skus": "销售规格", "price": "一口价（元）", "stock": "总库存（件）",
         "outer_id": "商家编码", "desc_images": "描述图", "shelf": "上架时间",
         # an errand's card (``graphs.agent``): the click that waits for the owner
         "agent_action": "要执行的操作", "agent_goal": "任务目标", "agent_page": "所在页面"}
FIELD_BY_GRAPH = {"listing": {"title": "宝贝标题", "images": "主图"}}
"""Where a workflow calls a field otherwise (a product's images are its 主图)."""
UNITS = {"images": "张", "desc_images": "张"}
"""Fields whose value is a bare count, and its unit (a price or a stock has its unit in its label: the
owner compares it with the site's form, which shows the bare number)."""


def field_label(graph: str, key: str) -> str:
    return FIELD_BY_GRAPH.get(graph, {}).get(key) or FIELD.get(key, key)


def field_value(key: str, value) -> str:
    text = str(value)
    return f"{text}{UNITS[key]}" if key in UNITS and re.fullmatch(r"\d+(\.\d+)?", text) else text


INPUT = {"account_id": "账号", "employee_id": "员工", "mode": "模式", "publish_at": "发布时间", "period": "所属期",
         "name": "名称", "site": "平台", "text": "任务内容", "reason": "原因", "username": "用户名", "password": "密码",
         "file": "文件", "code": "验证码", "category_keyword": "类目关键词", "brand": "品牌", "model": "型号",
         "cron": "重复规则", "at": "时间", "tone": "写作语气", "banned_words": "禁用词", "costs": "成本费用",
         "loss_offset": "弥补以前年度亏损", "special_deductions": "专项扣除", "credit_code": "统一社会信用代码",
         "user": "用户名/手机号", "approve": "审批结果", "edits": "修改内容"}
"""The phone's form inputs, for the errors the request's own parsing finds (before any field rule)."""
INPUT_ERRORS = {
    "missing": "{label}必填", "string_too_long": "{label}最多{max_length}字", "string_too_short": "{label}至少{min_length}字",
    "int_parsing": "{label}应为整数", "int_type": "{label}应为整数", "float_parsing": "{label}应为数字",
    "decimal_parsing": "{label}应为数字", "bool_parsing": "{label}应为是或否", "bool_type": "{label}应为是或否",
    "less_than_equal": "{label}不能大于{le}", "greater_than_equal": "{label}不能小于{ge}",
    "less_than": "{label}应小于{lt}", "greater_than": "{label}应大于{gt}", "too_long": "{label}最多{max_length}项",
    "datetime_parsing": "{label}的时间写法不对", "datetime_from_date_parsing": "{label}的时间写法不对",
    "date_parsing": "{label}的日期写法不对", "json_invalid": "提交的内容无法识别，请刷新页面后重试",
}


def input_error(name: str, kind: str, ctx: dict) -> str:
    """The Chinese message for an input the request's parsing refused (pydantic's error type and context)."""
    label = INPUT.get(name) or FIELD.get(name) or "此项"
    try:
        return INPUT_ERRORS[kind].format(label=label, **ctx)
    except (KeyError, IndexError):
        return f"{label}填写有误"


RESULT_ID = {"xiaohongshu": "笔记ID", "douyin": "作品ID", "taobao": "商品ID", "etax": "申报序号"}
"""What each site calls the id of what it published, listed or filed."""


def result_id(site: str) -> str:
    return RESULT_ID.get(site, "编号")


ZONES = {"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "Asia/Hong_Kong": "香港时间",
         "Asia/Taipei": "台北时间", "Asia/Tokyo": "东京时间", "Asia/Singapore": "新加坡时间"}


def zone_label(tz: str) -> str:
    """A time zone as the owner calls it (北京时间), else its offset from UTC."""
    if tz in ZONES:
        return ZONES[tz]
    offset = datetime.now(ZoneInfo(tz)).utcoffset() or timedelta(0)
    hours, rest = divmod(abs(int(offset.total_seconds())) // 60, 60)
    return f"UTC{'-' if offset < timedelta(0) else '+'}{hours}{f':{rest:02d}' if rest else ''}"


def period_label(period: str) -> str:
    """A filing period (``2026Q3``) as the owner reads it: 2026年第3季度."""
    try:
        return Quarter.parse(period).label
    except ValueError:
        return period


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
