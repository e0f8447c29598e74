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

from compliance import overrides
from compliance.check import check
from compliance.draft import Draft, Finding

HELD_RULES = ("contact", "injection")
HELD_PREFIX = "全自动已暂停："
"""How the run's reason starts while it waits: cleared once the owner has decided."""
RULE_LABELS = {"contact": "联系方式或链接", "injection": "像是写给AI的指令"}


def held(content: dict, banned: Iterable[str] = (), allowed: Iterable[str] = ()) -> list[Finding]:
    """The findings in a run's content (a post or a product) that an auto run must show the owner first."""
    draft = Draft.from_content(content)
    override = content.get("compliance_override")
    return [f for f in check(draft, None, banned, allowed)
            if f.rule in HELD_RULES or f.severity == "blocking" and not overrides.covers(override, f)]


def note(findings: list[Finding]) -> str:
    """Why the run waits, in the owner's words: what was found and where."""
    kinds = "、".join(dict.fromkeys(RULE_LABELS.get(f.rule, "合规问题") for f in findings))
    words = "、".join(dict.fromkeys(f"「{f.text[:30]}」" for f in findings))
    return (f"{HELD_PREFIX}内容里有{kinds}（{words}），可能来自资料里被插入的文字或平台不允许的内容，"
            "请看过后再决定是否发布")
