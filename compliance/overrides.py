"""The owner publishing past an overridable finding: her reason, who and when, and which findings.

A run keeps the record in ``run.content["compliance_override"]`` (and an ``compliance.overridden`` audit
row), so the run page and the approval card show that the owner confirmed those words and why. Hard
blocks (``Finding.overridable`` false) are never overridden.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from compliance.draft import Finding

REASON_MAX = 200
"""Characters of the owner's reason: a sentence, not an essay."""
REASON_FIELD = "override_reason"
REASON_LABEL = "仍要发布的理由"


def reason_errors(reason: str, overridable: list[Finding]) -> list[dict]:
    """Field errors about the reason: missing while findings await it, or too long."""
    if len(reason) > REASON_MAX:
        return [{"field": REASON_FIELD, "limit": f"≤ {REASON_MAX}",
                 "message": f"{REASON_LABEL}最多{REASON_MAX}字，当前{len(reason)}字"}]
    if overridable and not reason.strip():
        words = "、".join(dict.fromkeys(f"「{f.text}」" for f in overridable))
        return [{"field": REASON_FIELD, "limit": "必填",
                 "message": f"{words}需要确认：请改写；如确认没有问题，请填写「{REASON_LABEL}」后再提交"}]
    return []


def record(findings: Iterable[dict], reason: str, by: str, at: datetime) -> dict:
    """What a run stores: the reason, the owner, the UTC time and the findings (``to_dict``) she overrode."""
    return {"reason": reason.strip(), "by": by, "at": at.isoformat(),
            "findings": [[f["rule"], f["field"], f["text"]] for f in findings]}


def covers(override: dict | None, f: Finding) -> bool:
    """Whether ``f`` is one the owner overrode (matched by words, not position: an edit may move them)."""
    return bool(override) and f.overridable and [f.rule, f.field, f.text] in override.get("findings", [])


def severity_label(f: Finding, override: dict | None = None) -> str:
    if f.severity == "warning":
        return "提醒"
    if covers(override, f):
        return "已确认发布"
    return "需确认" if f.overridable else "违规"
