"""Plain-language tasks: the owner's sentence becomes a ``Plan`` (runs, times, drafted content) that runs
only after the owner confirms it. ``make_plan`` uses the model when one is configured and falls back
to the rule-based planner and the offline writer when there is none or it fails."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from llm.client import LLM
from llm.errors import ModelRefused, ModelUnavailable
from planning import llm_planner, rules
from planning.plan import Citation, Plan, PlannedContent, PlannedRun
from planning.when import When, resolve
from planning.writer import AUTHOR_OFFLINE, Asks, Draft, Passage, draft, llm_draft


def make_plan(text: str, now: datetime, *, llm: LLM | None = None, persona: str = "",
              passages: Sequence[Passage] = (), accounts: Mapping[str, str] | None = None) -> Plan:
    """The model's plan, or the offline one (with a note saying why) when there is no usable model."""
    if llm is None or not rules.needs_writing(text, now):
        return rules.plan(text, now, passages, accounts)  # a filing or a refusal has nothing to write
    try:
        return llm_planner.plan(llm, persona, text, now, passages, accounts)
    except (ModelUnavailable, ModelRefused) as e:
        offline = rules.plan(text, now, passages, accounts)
        offline.notes.insert(0, f"模型暂时用不了（{e}），这份计划由离线模板生成")
        return offline


__all__ = ["AUTHOR_OFFLINE", "Asks", "Citation", "Draft", "Passage", "Plan", "PlannedContent", "PlannedRun", "When",
           "draft", "llm_draft", "make_plan", "resolve"]
