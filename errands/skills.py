"""技能: a successful errand saved with parameters, and its runs.

    save(s, run, name, values) -> Skill      the run's recorded steps, the owner's values → ``{参数}``
    start(s, skill, employee, values) -> Run  a run that replays the steps with new values (``graphs.agent``)
    start(..., at=when) -> Run                the same run, started by the scheduler at ``when`` (once)
    repeat(s, skill, employee, values, rule, tz) -> Schedule   a run at every slot of a repeating time
    values_of(skill, values) -> dict          the values checked (every parameter, 1–100 characters)

Scheduled or repeated, a skill's run is made by the existing scheduler (``scheduler.claim_ready`` for a run
at a time, ``scheduler.fire_recurring`` for a slot: one run per slot, whatever schedulers race), with the
same approval gates as one started by hand. Its values are checked when it is scheduled, before any
browser work.

A skill's run replays the steps with Playwright, no model (``rpa.agent_replay``); an irreversible click in
them still waits for the owner's approval; a step whose element is gone is handed to the model from there.
Its read-back needs no model either: the page, read again from the site, must show every value typed.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from core.models import Employee, Run, Schedule, utcnow
from errands.models import Skill

NAME_MAX = 40
VALUE_MAX = 100
PARAM = re.compile(r"\{(\w+)\}")
NUMBERS = "number_params"
"""The skill's errand lists the parameters first typed as numbers (a price, a stock): they take only numbers."""
SKILL_GRAPH = "agent"
"""A skill's runs and schedules are the errand workflow's (``graphs.agent``), replaying its steps."""


def _bad(field: str, limit: str, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "limit": limit, "message": message}])


def save(s: Session, run: Run, name: str, values: dict[str, str]) -> Skill:
    result = (run.content or {}).get("result") or {}
    if run.graph != "agent" or run.status != "published" or not result.get("recording"):
        raise _bad("run_id", "已完成的让员工去做任务", "只有已完成的「让员工去做」任务才能存成技能")
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise _bad("name", f"1–{NAME_MAX}字", f"技能名称请写1到{NAME_MAX}个字")
    values = {str(k).strip(): str(v).strip() for k, v in (values or {}).items() if str(k).strip() and str(v).strip()}
    steps = result["recording"]
    typed = [st["params"].get("text", "") for st in steps if st["action"] in ("input", "select_dropdown")]
    for key, value in values.items():
        if not re.fullmatch(r"\w{1,10}", key):
            raise _bad("params", "1–10个字的名称", f"参数名「{key}」只能是1到10个字")
        if value not in typed:
            raise _bad("params", "任务里输入过的内容", f"「{value}」不是这次任务里输入过的内容，不能作为参数「{key}」")
    swap = {v: "{" + k + "}" for k, v in values.items()}
    def general(text: str) -> str:
        for value, slot in swap.items():
            text = text.replace(value, slot)
        return text

    steps = [{**st, "params": {**st["params"], "text": swap.get(st["params"].get("text"), st["params"].get("text"))}}
             if st["action"] in ("input", "select_dropdown")
             else {**st, "label": general(st["label"])} if st["action"] == "press" else st for st in steps]
    errand = {k: general(v) if isinstance(v, str) else v for k, v in run.content.items() if k not in ("result", "skill")}
    errand[NUMBERS] = [k for k, v in values.items() if _number(v)]  # 价格 typed as 19.9 takes a number again
    skill = Skill(workspace_id=run.workspace_id, employee_id=run.employee_id, account_id=run.account_id, site=run.site,
                  name=name, params=list(values), errand=errand, steps=steps, from_run_id=run.id)
    s.add(skill)
    s.flush()
    return skill


def values_of(skill: Skill, values: dict[str, str] | None) -> dict[str, str]:
    """The skill's parameters with the owner's values, or every bad one named in Chinese (field ``values.<参数>``)."""
    values = values or {}
    filled = {k: str(values.get(k) if values.get(k) is not None else "").strip() for k in skill.params}
    errors = [{"field": f"values.{k}", "limit": f"1–{VALUE_MAX}字",
               "message": f"请填写参数「{k}」（1到{VALUE_MAX}个字）" if not v else f"参数「{k}」最多{VALUE_MAX}个字"}
              for k, v in filled.items() if not v or len(v) > VALUE_MAX]
    errors += [{"field": f"values.{k}", "limit": "数字", "message": f"参数「{k}」要填数字（例如19.9），这个技能在网站上填的是数字"}
               for k in skill.errand.get(NUMBERS, ()) if k in filled and filled[k] and not _number(filled[k])]
    unknown = [k for k in values if k not in skill.params]
    if unknown:
        errors.append({"field": f"values.{unknown[0]}", "limit": "、".join(skill.params) or "无参数",
                       "message": f"技能「{skill.name}」没有参数「{unknown[0]}」"
                                  + (f"，它的参数是：{'、'.join(skill.params)}" if skill.params else "")})
    if errors:
        raise ValidationFailed(errors)
    return filled


def start(s: Session, skill: Skill, employee: Employee, values: dict[str, str], *, at: datetime | None = None,
          schedule_id: str | None = None, slot_at: datetime | None = None) -> Run:
    """``at``: started by the scheduler then (a time still to come); ``schedule_id``/``slot_at``: a slot of
    ``repeat`` (the pair is unique: a slot makes one run)."""
    values = values_of(skill, values)
    if at is not None and at <= utcnow():
        raise _bad("at", "以后的时间", "这个时间已经过了，请换一个以后的时间")
    fill = lambda text: filled(text, values)  # noqa: E731
    errand = {k: fill(v) if isinstance(v, str) else v for k, v in skill.errand.items()}
    steps = [{**st, "params": {**st["params"], "text": fill(st["params"]["text"])}} if "text" in st.get("params", {})
             else {**st, "label": fill(st["label"])} if st["action"] == "press" else st for st in skill.steps]
    run = Run(workspace_id=skill.workspace_id, account_id=skill.account_id, employee_id=employee.id, graph="agent",
              site=skill.site, mode="semi_auto", status="scheduled" if at else "queued", not_before=at or utcnow(),
              schedule_id=schedule_id, slot_at=slot_at,
              content={**errand, "skill": {"id": skill.id, "name": skill.name, "steps": steps,
                                           "values": list(values.values())}})
    s.add(run)
    s.flush()
    return run


def repeat(s: Session, skill: Skill, employee: Employee, values: dict[str, str], cron: str, tz: str,
           first: datetime) -> Schedule:
    """The skill at every slot of ``cron`` (read in ``tz``), from ``first``; the values checked now."""
    sc = Schedule(workspace_id=skill.workspace_id, account_id=skill.account_id, employee_id=employee.id,
                  graph=SKILL_GRAPH, cron=cron, timezone=tz, next_at=first,
                  content={"skill_id": skill.id, "values": values_of(skill, values)})
    s.add(sc)
    s.flush()
    return sc


def slot_run(s: Session, sc: Schedule) -> Run:
    """The run of one slot of a repeated skill (``scheduler.fire_recurring``), queued now."""
    skill = s.get(Skill, sc.content["skill_id"])
    if skill is None:
        raise _bad("skill_id", "存在的技能", "这个技能已经不在了")
    return start(s, skill, s.get(Employee, sc.employee_id), sc.content.get("values") or {}, schedule_id=sc.id,
                 slot_at=sc.next_at)


WHERE = re.compile(r"(?:请|帮我|麻烦)?(?:去|到|在)?(?:淘宝|小红书|抖音|店铺|千牛)(?:的)?"
                   r"(?:后台|卖家中心|创作中心|创作者中心)?(?:上|里|中)?[，,]?")
"""Where the owner said to do it (去淘宝后台): the skill is bound to its account, the words are not its."""
STOP = r"，。,；;！!？?\s「」“”"


def read_values(skill: Skill, text: str) -> dict[str, str] | None:
    """The skill's values read from the owner's sentence, when it is the skill's own instruction with other
    values: 「把{商品}改价到{价格}元」 reads 「去淘宝后台把桂花图案手机壳改价到19.9元」 as 商品=桂花图案手机壳,
    价格=19.9. None when the sentence is not this skill's (its fixed words are all needed)."""
    template = WHERE.sub("", skill.errand.get("instruction", "")).strip()
    parts = PARAM.split(template)
    literals, names = parts[0::2], parts[1::2]
    if not names:
        return {} if template and template in WHERE.sub("", text) else None
    pattern = re.escape(literals[0])
    for i, name in enumerate(names):
        after = literals[i + 1]
        if i == len(names) - 1 and len(after) <= 2:  # a unit after the last value (元, 件) may be left out
            pattern += f"([^{STOP}]+?)(?:{re.escape(after)})?(?=[{STOP}]|[吧呢哦啊呀啦]|$)"
        else:
            pattern += f"([^{STOP}]+?){re.escape(after)}"
    m = re.search(pattern, WHERE.sub("", text))
    if m is None:
        return None
    values: dict[str, str] = {}
    for name, value in zip(names, m.groups()):
        if values.setdefault(name, value.strip()) != value.strip():
            return None  # the same parameter twice with two values
    return values if all(values.values()) else None


def described(skill: Skill, values: dict[str, str]) -> str:
    """「技能「改价」（价格=19.9）」: a skill's run or schedule as the owner reads it in a list."""
    said = "，".join(f"{k}={v}" for k, v in values.items())
    return f"技能「{skill.name}」" + (f"（{said}）" if said else "")


def filled(text: str, values: dict[str, str]) -> str:
    """The skill's words with the values in place of their ``{参数}``."""
    return PARAM.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _number(value: str) -> bool:
    return re.fullmatch(r"\d+(?:\.\d+)?", value.strip()) is not None


def shows(page_text: str, value: str) -> bool:
    """Whether the page shows a typed value: as typed, or as the same amount (19.9 shows as ¥19.90)."""
    if value in page_text:
        return True
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return False
    numbers = re.findall(r"\d+(?:\.\d+)?", page_text)
    return any(Decimal(n) == amount for n in numbers)
