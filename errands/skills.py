"""技能: a successful errand saved with parameters, and its runs.

    save(s, run, name, values) -> Skill      the run's recorded steps, the owner's values → ``{参数}``
    start(s, skill, employee, values) -> Run  a run that replays the steps with new values (``graphs.agent``)

A skill's run replays the steps with Playwright, no model (``rpa.agent_replay``); an irreversible click in
them still waits for the owner's approval; a step whose element is gone is handed to the model from there.
Its read-back needs no model either: the page, read again from the site, must show every value typed.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from core.models import Employee, Run
from errands.models import Skill

NAME_MAX = 40
VALUE_MAX = 100
PARAM = re.compile(r"\{(\w+)\}")


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
    skill = Skill(workspace_id=run.workspace_id, employee_id=run.employee_id, account_id=run.account_id, site=run.site,
                  name=name, params=list(values), errand=errand, steps=steps, from_run_id=run.id)
    s.add(skill)
    s.flush()
    return skill


def start(s: Session, skill: Skill, employee: Employee, values: dict[str, str]) -> Run:
    values = {k: str((values or {}).get(k, "")).strip() for k in skill.params}
    missing = [k for k, v in values.items() if not v or len(v) > VALUE_MAX]
    if missing:
        raise _bad("values", f"1–{VALUE_MAX}字", f"请填写参数「{missing[0]}」（1到{VALUE_MAX}个字）")
    fill = lambda text: PARAM.sub(lambda m: values.get(m.group(1), m.group(0)), text)  # noqa: E731
    errand = {k: fill(v) if isinstance(v, str) else v for k, v in skill.errand.items()}
    steps = [{**st, "params": {**st["params"], "text": fill(st["params"]["text"])}} if "text" in st.get("params", {})
             else {**st, "label": fill(st["label"])} if st["action"] == "press" else st for st in skill.steps]
    run = Run(workspace_id=skill.workspace_id, account_id=skill.account_id, employee_id=employee.id, graph="agent",
              site=skill.site, mode="semi_auto", status="queued",
              content={**errand, "skill": {"id": skill.id, "name": skill.name, "steps": steps,
                                           "values": list(values.values())}})
    s.add(run)
    s.flush()
    return run


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
