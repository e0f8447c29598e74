"""An errand as the owner confirms it: the site and account, the goal in one line, what counts as done,
what the employee may not do, and whether it only reads.

The limits are checked before any browser work; a bad field is a Chinese error naming it and its limit.
"""
from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from core.errors import ValidationFailed

INSTRUCTION_MAX = 200
LINE_MAX = 100
FORBIDDEN_MAX = 5
ERRAND_SITES = ("taobao", "xiaohongshu", "douyin")
"""Sites an errand may go to (the tax bureau only through its own workflow)."""
NO_MODEL = ("这套服务还没有接入大模型，员工没法自己在网站上操作（部署时填好大模型的地址、密钥和模型名后再试；"
            "已保存的技能不用大模型也能运行）")
"""What the owner reads when an errand needs a model and none is configured (she has no settings page for it:
the model is part of the deployment)."""
ALWAYS_FORBIDDEN = ("不打开其他网站", "不输入密码或验证码以外的个人信息", "不做任务以外的修改")
SITE_PAGES = {
    "xiaohongshu": (("笔记管理（每篇笔记的封面、时间、数据和可见范围；权限设置、删除）", "/new/note-manager"),
                    ("数据中心·内容分析（每篇笔记的观看、点赞、收藏、评论、分享）", "/statistics/data-analysis")),
    "douyin": (("作品管理（每个作品的封面、时间、数据和可见范围；设置权限、删除）", "/creator-micro/content/manage"),
               ("数据中心·投稿作品（每个作品的播放、点赞、评论、分享、收藏）", "/creator-micro/data-center/content?tab=works")),
}
"""Where things are on a site, told to the agent with the task (paths of the real creator centers, on the
account's own site): it goes there instead of hunting through menus."""


class Errand(BaseModel):
    instruction: str
    """The owner's own words."""
    site: str
    goal: str
    done_when: str
    forbidden: list[str] = Field(default_factory=list)
    reads_only: bool = False
    """A reading task: nothing on the site changes, it ends with a structured answer."""
    skill: dict | None = None
    """A 技能's run: {"id", "name", "steps" (values filled in), "values"} (``errands.skills``)."""

    @field_validator("site")
    @classmethod
    def _site(cls, v: str) -> str:
        if v not in ERRAND_SITES:
            raise ValueError("site")
        return v

    def brief(self, start_url: str, note: str = "") -> str:
        """The agent's task text (the owner's rules are in its system prompt: ``rpa.agent_session``)."""
        lines = [f"目标：{self.goal}", f"完成的标准：{self.done_when}",
                 f"不可以做：{'；'.join([*self.forbidden, *ALWAYS_FORBIDDEN])}",
                 f"从这个页面开始：{start_url}", f"主人的原话：{self.instruction}"]
        origin = start_url.split("/", 3)[:3]
        for label, path in SITE_PAGES.get(self.site, ()):
            lines.append(f"网站页面：{label} {'/'.join(origin)}{path}")
        if self.reads_only:
            lines.append("这是只读任务：不要修改任何东西，最后用 done 把读到的结果以 JSON 写在 text 里。")
        if note:
            lines.append(note)
        return "\n".join(lines)


def checked(data: dict) -> Errand:
    """An errand from the owner's confirmed proposal, or ``ValidationFailed`` naming each bad field."""
    errors = []
    text = lambda k: str(data.get(k) or "").strip()  # noqa: E731
    for key, label, limit in (("instruction", "要做的事", INSTRUCTION_MAX), ("goal", "目标", LINE_MAX),
                              ("done_when", "完成的标准", LINE_MAX)):
        if not text(key):
            errors.append({"field": key, "limit": f"1–{limit}字", "message": f"{label}不能为空"})
        elif len(text(key)) > limit:
            errors.append({"field": key, "limit": f"{limit}字", "message": f"{label}最多{limit}字"})
    if data.get("site") not in ERRAND_SITES:
        errors.append({"field": "site", "limit": "淘宝、小红书或抖音", "message": "网站只能是淘宝、小红书或抖音"})
    forbidden = [str(f).strip() for f in data.get("forbidden") or [] if str(f).strip()]
    if len(forbidden) > FORBIDDEN_MAX or any(len(f) > LINE_MAX for f in forbidden):
        errors.append({"field": "forbidden", "limit": f"{FORBIDDEN_MAX}条，每条{LINE_MAX}字",
                       "message": f"不可以做的事最多{FORBIDDEN_MAX}条，每条最多{LINE_MAX}字"})
    if errors:
        raise ValidationFailed(errors)
    return Errand(instruction=text("instruction"), site=data["site"], goal=text("goal"), done_when=text("done_when"),
                  forbidden=forbidden, reads_only=bool(data.get("reads_only")))
