"""The owner's per-employee settings: writing tone, banned words, default sites, and the site warnings the
employee may confirm without asking (销售助理 on Taobao).

Stored in ``Employee.settings`` (JSON). Reading merges the role's defaults under what the owner saved,
so a role that gains a setting needs no migration; writing validates against the role (a default site
must be one the role works on).
"""
from __future__ import annotations

import math
from functools import lru_cache

from pydantic import BaseModel, Field, field_validator

from core.settings import get_settings
from employees.base import Role
from sites.taobao.warnings import WARNING_KINDS

TONES = ("活泼亲切", "专业简洁", "温暖走心", "幽默风趣", "耐心礼貌", "简洁清楚", "严谨清楚")
BANNED_MAX = 100
WORD_MAX = 20
ALLOWED_MAX = 20
CONTACT_MAX = 100
BUDGETS = {"agent_max_steps": ("每次最多步数", "步", 1, 200, int),
           "agent_max_minutes": ("每次最长时间", "分钟", 0, 120, float),
           "agent_max_tokens": ("每次最多模型用量", "个词元", 1000, 10_000_000, int),
           "agent_max_cost": ("单次费用上限", "元", 0, 1000, "元")}
"""A one-off task's budgets as the owner reads them: label, unit, limits (minutes: above 0), number kind ("元":
yuan and fen, at most two decimals, 0 included: no cap)."""


class EmployeeSettings(BaseModel):
    tone: str = "活泼亲切"
    """How drafts sound; given to the model with the persona (the offline templates have one voice)."""
    banned_words: list[str] = Field(default_factory=list, max_length=BANNED_MAX)
    """The owner's own banned words (competitors, retired names): a draft containing one is blocked."""
    default_sites: list[str] = Field(default_factory=list)
    """Where a task goes when the owner names no site."""
    allowed_warnings: list[str] = Field(default_factory=list)
    """Kinds of the site's 确定要提交吗？ warnings (``sites.taobao.warnings.WARNING_KINDS``) the employee may
    confirm by itself; any other warning is shown to the owner on a card before it is confirmed."""
    agent_max_steps: int = Field(30, ge=1, le=200)
    """A one-off task on a site (``graphs.agent``): at most this many agent steps per run."""
    agent_max_minutes: float = Field(10, gt=0, le=120)
    """... at most this long with the browser (waiting for the owner does not count)."""
    agent_max_tokens: int = Field(1_000_000, ge=1000, le=10_000_000)
    """... and at most this many model tokens."""
    agent_max_cost: float = Field(default_factory=lambda: _default_cost(), ge=0, le=1000)
    """... and at most this many yuan of model calls (0: no cap; only when the model has a price). Unset: the
    deployment's ``Settings.agent_max_cost_yuan``."""
    allowed_contacts: list[str] = Field(default_factory=list, max_length=ALLOWED_MAX)
    """The owner's own contact details and domains (her shop's 客服 number, her WeChat id, her site): a
    draft may carry these; any other WeChat id, phone number, QQ, e-mail or link is a compliance finding."""
    brief_time: str = ""
    """运营管家 only: when the daily brief is sent (``HH:MM`` in the workspace zone); "" sends none."""

    @field_validator("brief_time")
    @classmethod
    def _brief_time(cls, v: str) -> str:
        import re

        v = (v or "").strip().replace("：", ":")
        if v and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", v):
            raise ValueError("日报时间请写成 时:分，例如 08:30")
        return f"{int(v.split(':')[0]):02d}:{v.split(':')[1]}" if v else ""

    @field_validator(*BUDGETS, mode="before")
    @classmethod
    def _budget(cls, v, info):
        return budget_value(info.field_name, v)

    @field_validator("tone")
    @classmethod
    def _tone(cls, v: str) -> str:
        if v not in TONES:
            raise ValueError(f"语气只能是：{'、'.join(TONES)}")
        return v

    @field_validator("allowed_warnings")
    @classmethod
    def _warnings(cls, v: list[str]) -> list[str]:
        unknown = [k for k in v if k not in WARNING_KINDS]
        if unknown:
            raise ValueError(f"不认识的淘宝提示类型：{'、'.join(unknown)}")
        return list(dict.fromkeys(v))

    @field_validator("banned_words", mode="before")
    @classmethod
    def _words(cls, v):
        words = split_words(v) if isinstance(v, str) else [str(w).strip() for w in v or []]
        words = list(dict.fromkeys(w for w in words if w))
        too_long = [w for w in words if len(w) > WORD_MAX]
        if too_long:
            raise ValueError(f"禁用词「{too_long[0]}」超过{WORD_MAX}字")
        return words


    @field_validator("allowed_contacts", mode="before")
    @classmethod
    def _contacts(cls, v):
        items = split_words(v) if isinstance(v, str) else [str(w).strip() for w in v or []]
        items = list(dict.fromkeys(_contact(w) for w in items if w))
        bad = [w for w in items if len(w) > CONTACT_MAX or not w.isprintable() or not w.isascii()]
        if bad:
            raise ValueError(f"允许的联系方式「{bad[0][:CONTACT_MAX]}」不对：请填写微信号、QQ号、手机号、邮箱或网站域名，"
                             f"每项不超过{CONTACT_MAX}个字符")
        return items


@lru_cache(maxsize=1)
def _default_cost() -> float:
    """The deployment's cost cap (``OPC_AGENT_MAX_COST_YUAN``), read once per process: settings are read from the
    environment and .env, too slow for every employee on every page."""
    return get_settings().agent_max_cost_yuan


def budget_limit(name: str) -> str:
    label, unit, low, high, kind = BUDGETS[name]
    return f"大于{low}、最多{high}{unit}" if kind is float else f"{low}到{high}{unit}"


def budget_fields() -> dict[str, dict]:
    """The budgets' labels for the employee page's form: name -> label with unit, limit, keyboard."""
    return {name: {"label": label, "limit": budget_limit(name),
                   "inputmode": "numeric" if kind is int else "decimal"}
            for name, (label, _, _, _, kind) in BUDGETS.items()}


def budget_value(name: str, value) -> int | float:
    """A budget typed on the phone ("30", " 1.5 ") as its number, or a Chinese error naming it and its limits."""
    label, unit, low, high, kind = BUDGETS[name]
    whole = "整数" if kind is int else "数字"
    try:
        if isinstance(value, bool):
            raise ValueError
        text = str(value if value is not None else "").strip()
        if kind == "元":  # 「0.5元」「¥0.5」 as typed
            text = text.removesuffix("元").lstrip("¥￥").strip()
        number = value if isinstance(value, (int, float)) else float(text)
    except ValueError:
        raise ValueError(f"{label}请填{whole}（{budget_limit(name)}）") from None
    if not math.isfinite(number) or not (low < number if kind is float else low <= number) or number > high:
        raise ValueError(f"{label}要{budget_limit(name)}" if kind is float else f"{label}要在{budget_limit(name)}之间")
    if kind == "元":
        if abs(number * 100 - round(number * 100)) > 1e-6:
            raise ValueError(f"{label}最多填到分（两位小数，{budget_limit(name)}）")
        return round(float(number), 2)
    if kind is int:
        if number != int(number):
            raise ValueError(f"{label}请填{whole}（{budget_limit(name)}）")
        return int(number)
    return number


def _contact(item: str) -> str:
    """A domain is kept as its host: ``https://Shop.example.com/a`` allows ``shop.example.com``."""
    item = item.strip().lower()
    if "://" in item:
        item = item.split("://", 1)[1].split("/", 1)[0]
    return item.removeprefix("www.")


def split_words(text: str) -> list[str]:
    """The phone sends banned words as one line separated by spaces, commas or 、."""
    import re

    return [w for w in re.split(r"[\s,，、;；]+", text or "") if w]


def settings_of(role: Role | None, stored: dict | None) -> EmployeeSettings:
    """The effective settings: the role's defaults, overridden by what the owner saved."""
    merged = {**(role.settings if role else {}), **(stored or {})}
    try:
        return EmployeeSettings.model_validate(merged)
    except ValueError:
        return EmployeeSettings.model_validate(role.settings if role else {})


def site_errors(role: Role, sites: list[str]) -> list[str]:
    """Default sites the role does not work on."""
    return [s for s in sites if s not in role.sites]


def of_employee(employee) -> EmployeeSettings:
    """The effective settings of a stored ``Employee`` (None: the defaults)."""
    from employees import EMPLOYEES  # the package imports this module's siblings, not this module

    if employee is None:
        return EmployeeSettings()
    return settings_of(EMPLOYEES.get(employee.role), employee.settings)

