"""What an auto-mode run may not publish unseen: the findings that send it to the approval card instead.

全自动 means the owner trusts the employee's drafts, not whatever a document or a model put into them. Two
kinds of finding say that text came from somewhere else: a contact detail or link that is not the owner's
own (站外引流, the usual payload of text planted in a document) and a sentence written to an AI
(``compliance.injection``). A run holding either, or any blocking finding the owner did not override,
stops at the approval card with the findings explained, even when she overrode them when creating it:
she confirmed the words, not that they may go out without her seeing the filled form.
"""
from __future__ import annotations

from collections.abc import Iterable

from compliance import injection_judge, overrides
from compliance.check import check
from compliance.draft import TEXT_FIELDS, Draft, Finding
from compliance.rules import injection_finding, sentence_spans

HELD_RULES = ("contact", "injection")
HELD_PREFIX = "全自动已暂停："
"""How the run's reason starts while it waits: cleared once the owner has decided."""
RULE_LABELS = {"contact": "联系方式或链接", "injection": "像是写给AI的指令"}


def held(content: dict, banned: Iterable[str] = (), allowed: Iterable[str] = (), judge=None) -> list[Finding]:
    """The findings in a run's content (a post or a product) that an auto run must show the owner first.
    ``judge`` (an ``llm.LLM``, where a model is configured) is asked about the sentences the filter passed
    (``compliance.injection_judge``): what it names is held too; it never clears a finding."""
    draft = Draft.from_content(content)
    override = content.get("compliance_override")
    found = [f for f in check(draft, None, banned, allowed)
             if f.rule in HELD_RULES or f.severity == "blocking" and not overrides.covers(override, f)]
    if judge is not None:
        found += judged_findings(draft, found, judge)
    return found


def judged_findings(draft: Draft, found: list[Finding], judge) -> list[Finding]:
    """The model's second opinion on every sentence no finding already holds."""
    taken = {(f.field, f.start, f.end) for f in found if f.rule == "injection"}
    spans = [(name, text, start, end) for name in TEXT_FIELDS for text in [draft.text_of(name)]
             for start, end in sentence_spans(text) if (name, start, end) not in taken]
    named = injection_judge.judged(judge, [text[start:end] for _, text, start, end in spans])
    return [injection_finding(name, text, start, end, [JUDGE_REASON])
            for i, (name, text, start, end) in enumerate(spans) if i in named]


JUDGE_REASON = "模型复核认为是写给AI的指令"


def note(findings: list[Finding]) -> str:
    """Why the run waits, in the owner's words: what was found and where."""
    kinds = "、".join(dict.fromkeys(RULE_LABELS.get(f.rule, "合规问题") for f in findings))
    words = "、".join(dict.fromkeys(f"「{f.text[:30]}」" for f in findings))
    return (f"{HELD_PREFIX}内容里有{kinds}（{words}），可能来自资料里被插入的文字或平台不允许的内容，"
            "请看过后再决定是否发布")
