"""What an employee proposes for a plain-language task: runs on sites at times with drafted content.

A ``Plan`` is shown to the owner and nothing runs until it is confirmed. Its shape is checked by
pydantic (known sites, a kind the site supports, aware times); ``Plan.problems(now)`` adds what depends
on the moment of confirming: every time still in the future and every draft inside its site's limits,
checked by the site's own validator (``sites/<site>/limits.py``), never by numbers copied here.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from core.content import Post, Timing
from llm.client import Usage
from sites.douyin.limits import limits as douyin_limits
from sites.taobao.limits import limits as taobao_limits
from sites.taobao.product import Product
from sites.xiaohongshu.limits import limits as xhs_limits

ONE_OFF_SITES = ("taobao", "xiaohongshu", "douyin")
"""Sites an errand or a skill may go to (``errands.task.ERRAND_SITES``; the tax bureau only by its workflow)."""
Site = Literal["xiaohongshu", "douyin", "taobao", "etax"]
Kind = Literal["publish", "list_product", "file_tax", "skill", "errand"]
Form = Literal["vat", "pit_business"]

SITE_LABELS: dict[str, str] = {"xiaohongshu": "小红书", "douyin": "抖音", "taobao": "淘宝", "etax": "电子税务局"}
KIND_LABELS: dict[str, str] = {"publish": "发布", "list_product": "上架商品", "file_tax": "报税", "skill": "用技能做",
                               "errand": "让员工去做"}
KIND_SITES: dict[str, tuple[str, ...]] = {"publish": ("xiaohongshu", "douyin"), "list_product": ("taobao",),
                                          "file_tax": ("etax",)}
"""Which sites each task kind runs on (the task catalogue the planners offer)."""
ONE_OFF = ("skill", "errand")
"""Kinds (not in ``KIND_SITES``: the planners do not offer them by keyword) done by the browser agent (``graphs.agent``): a saved 技能 replayed with the owner's values, or an
errand the employee works out on the site; neither has a draft to write or check."""
FORM_LABELS: dict[str, str] = {"vat": "增值税及附加税费申报表（小规模纳税人）", "pit_business": "个人所得税经营所得申报表（A表）"}
SITE_MEDIA: dict[str, Literal["image", "video"]] = {"xiaohongshu": "image", "douyin": "video", "taobao": "image"}
"""The post kind a draft is written for until the owner attaches media (decides e.g. Douyin's title cap)."""
LIMITS = {"xiaohongshu": xhs_limits, "douyin": douyin_limits}
"""Sites whose post rules exist as code (validators of ``core.content.Post``)."""
TEXT_CHECKED = (*LIMITS, "taobao")
"""Sites whose draft text is checked; Taobao's listing validator checks the title only (the rest of a
product, category, price, stock and images, is given by the owner when confirming)."""
CONTENT_FIELDS = {"title", "body", "topics", "kind"}


class Citation(BaseModel):
    """A knowledge passage a draft relies on."""

    doc_name: str
    chunk_id: str


class PlannedContent(BaseModel):
    title: str = ""
    body: str = ""
    topics: list[str] = Field(default_factory=list)
    """Topic names without ``#``."""
    media: Literal["image", "video"] = "image"
    price_yuan: float | None = None
    """Listing price, for list_product only."""
    period: str = ""
    """The quarter a return is for (``2026Q3``), for file_tax only."""
    form: Form | None = None
    """Which return, for file_tax only."""
    author: str = ""
    """Who wrote the draft: ``离线模板`` or ``模型 <name>``; shown to the owner."""
    skill_id: str = ""
    """A skill run: the 技能 replayed (``errands.models.Skill``) ..."""
    skill_name: str = ""
    values: dict[str, str] = Field(default_factory=dict)
    """... and its parameters filled from the owner's words (商品 → 桂花图案手机壳, 价格 → 19.9)."""
    errand: dict | None = None
    """An errand: the employee's proposal (``errands.propose``: instruction, goal, done_when, forbidden,
    reads_only), confirmed as it stands."""


class PlannedRun(BaseModel):
    kind: Kind
    site: Site
    account_id: str | None = None
    at: AwareDatetime | None = None
    """When it runs, in the workspace zone; None: as soon as the plan is confirmed."""
    time_text: str = ""
    """The owner's own words for the time (``下周一上午10点``)."""
    content: PlannedContent = Field(default_factory=PlannedContent)
    citations: list[Citation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _site_runs_kind(self) -> "PlannedRun":
        if self.site not in KIND_SITES.get(self.kind, ONE_OFF_SITES):
            raise ValueError(f"{SITE_LABELS[self.site]}不支持「{KIND_LABELS[self.kind]}」")
        if self.kind == "file_tax" and not (self.content.period and self.content.form):
            raise ValueError("报税要写明所属季度和申报表")
        return self

    def problems(self, now: datetime) -> list[str]:
        """Why this run cannot be confirmed at ``now`` (zh-CN), empty when it can."""
        where = f"{SITE_LABELS[self.site]}："
        drafted = self.kind not in ONE_OFF  # a skill or an errand writes no draft
        found = [f"{where}{e['message']}" for e in content_errors(self.site, self.content, now)] if drafted else []
        if self.at is not None and self.at <= now:
            found.append(f"{where}时间{self.at:%m月%d日 %H:%M}已经过了，请换个时间")
        return found


class Plan(BaseModel):
    request: str
    """What the owner typed."""
    runs: list[PlannedRun] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)
    """Parts of the request that were not understood or could not be planned (zh-CN)."""
    notes: list[str] = Field(default_factory=list)
    """Assumptions made (a default time, a trimmed title …), shown with the plan (zh-CN)."""
    author: str = ""
    usage: Usage | None = None
    """Model tokens and cost spent on this plan; None for the offline planner."""

    def problems(self, now: datetime) -> list[str]:
        if not self.runs:
            return ["没有可以执行的任务"]
        return [p for run in self.runs for p in run.problems(now)]

    def ready(self, now: datetime) -> bool:
        return not self.problems(now)


def content_errors(site: str, content: PlannedContent, now: datetime) -> list[dict]:
    """The site validator's field errors for the text of a draft (media are attached later)."""
    if site == "taobao":
        product = Product(category_keyword="", title=content.title)
        return [e for e in taobao_limits.validate(product, now) if e["field"] == "title"]
    limits = LIMITS.get(site)
    if limits is None:
        return []
    post = Post(title=content.title, body=content.body, topics=content.topics, kind=content.media,
                timing=Timing(mode="now"))
    return [e for e in limits.validate(post, now) if e["field"] in CONTENT_FIELDS]
