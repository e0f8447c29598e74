"""派活's one-off items: a saved 技能 when the owner's sentence is one of the workspace's skills said with other
values, else an errand the employee works out on the site for work no workflow does (改价, 下架 …).

    one_off(s, settings, workspace_id, employee, sites, text, intent) -> OneOff
    confirmed_run(s, account, employee, planned, values) -> Run   the confirmed item's run (not committed)

A skill is matched by its own instruction (``errands.skills.read_values``), on an account still in use;
the employee's own skills first, the newest first. An errand is the employee's proposal
(``errands.propose``, the model's) for the site named, else the employee's own site; without a model, or
without an account there, the plan says so instead. Nothing is saved or queued here: the owner confirms
the plan (``api.routes.tasks``) as any other.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timezone

from sqlalchemy.orm import Session

from core.accounts import live_accounts
from core.errors import ValidationFailed
from core.models import Account, Employee, Run, utcnow
from core.settings import Settings
from errands import skills
from errands.models import Skill
from errands.propose import propose, start
from errands.skills import described, filled, read_values
from errands.task import ERRAND_SITES
from planning.plan import SITE_LABELS, PlannedContent, PlannedRun
from planning.rules import Intent, time_notes


@dataclass
class OneOff:
    runs: list[PlannedRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    skill: bool = False
    """The sentence is a saved skill's: the plan is that skill alone."""


def one_off(s: Session, settings: Settings, workspace_id: str, employee: Employee, sites: Sequence[str], text: str,
            intent: Intent) -> OneOff:
    """``sites``: where the employee works (an errand goes there when the sentence names no site)."""
    when = intent.when
    at = when.at if when and not when.past else None
    time_text = when.text if when else ""
    timing = [f"「{when.text}」已经过了，确认后立即开始"] if when and when.past else time_notes(when, True)
    live = {a.id: a for a in live_accounts(s, workspace_id)}
    rows = s.query(Skill).filter_by(workspace_id=workspace_id).order_by(Skill.created_at.desc()).all()
    for skill in sorted(rows, key=lambda k: k.employee_id != employee.id):  # stable: newest first within each
        values = read_values(skill, text)
        if values is None or skill.account_id not in live:
            continue
        account = live[skill.account_id]
        content = PlannedContent(title=described(skill, values), body=filled(skill.errand.get("goal", ""), values),
                                 skill_id=skill.id, skill_name=skill.name, values=values)
        run = PlannedRun(kind="skill", site=skill.site, account_id=account.id, at=at, time_text=time_text,
                         content=content)
        note = (f"用技能「{skill.name}」在{SITE_LABELS[skill.site]}账号「{account.name}」上照着记下的步骤再做一次，"
                f"不用模型；保存、改价之类的操作仍会先请你审批")
        return OneOff([run], [note, *timing], skill=True)
    if not intent.cannot:
        return OneOff()
    where = [x for x in intent.sites if x in ERRAND_SITES] or [x for x in sites if x in ERRAND_SITES]
    said = "、".join(f"「{words}」" for words, _ in dict.fromkeys(intent.cannot))
    if not where:
        return OneOff(unknown=[f"{said}：请说在淘宝、小红书还是抖音上做"])
    site = where[0]
    accounts = [a for a in live.values() if a.site == site]
    if not accounts:
        return OneOff(unknown=[f"{said}：还没有{SITE_LABELS[site]}账号，请先在账号里添加并登录"])
    try:
        proposal = propose(settings, accounts[0], text)  # the account's site is all the proposal reads
    except ValidationFailed as e:
        return OneOff(unknown=[f"{said}：{e.errors[0]['message']}"])
    run = PlannedRun(kind="errand", site=site, account_id=accounts[0].id if len(accounts) == 1 else None, at=at,
                     time_text=time_text, content=PlannedContent(title=proposal["goal"], body=proposal["done_when"],
                                                                 errand=proposal))
    note = (f"{said}没有现成的流程：员工会在{SITE_LABELS[site]}后台按下面的打算自己操作，"
            "保存、改价、删除之类的操作每一步都会先请你审批")
    return OneOff([run], [note, *timing])


def confirmed_run(s: Session, account: Account, employee: Employee, planned: PlannedRun,
                  values: dict[str, str] | None) -> Run:
    """The run of a confirmed skill or errand item, at the plan's time (then the scheduler starts it) or now;
    a bad value or a time gone by is a ``ValidationFailed`` naming it."""
    at = planned.at.astimezone(timezone.utc) if planned.at else None
    if planned.kind == "skill":
        skill = s.get(Skill, planned.content.skill_id)
        if skill is None or skill.workspace_id != account.workspace_id:
            raise ValidationFailed([{"field": "skill_id", "limit": "存在的技能", "message": "这个技能已经不在了"}])
        return skills.start(s, skill, employee, values or {}, at=at)
    if at is not None and at <= utcnow():
        raise ValidationFailed([{"field": "at", "limit": "以后的时间", "message": "这个时间已经过了，请换一个以后的时间"}])
    run = start(s, account, employee, planned.content.errand or {})
    if at is not None:
        run.status, run.not_before = "scheduled", at
    return run
