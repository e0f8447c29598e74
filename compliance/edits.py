"""An edit on the approval card is checked like a written note: the compliance rules, not only site limits.

The owner may rewrite a title or body on the card before approving. Her new words meet the same rules as
the compose page: a 违规 finding refuses the edit (a field error naming the words), a 需确认 one needs her
仍要发布的理由, which is recorded on the run like an override at creation. Findings she already overrode
(the same words in the same field) are not asked about again.
"""
from __future__ import annotations

from datetime import datetime

from compliance import overrides
from compliance.check import check
from compliance.draft import Draft
from core.errors import ValidationFailed
from employees.settings import of_employee


def reviewed(employee, before: dict, content: dict, reason: str, by: str, at: datetime) -> dict:
    """``content`` (the run's content ``before`` with the edits applied) with its override record updated;
    raises ``ValidationFailed`` with every problem when the edited words may not go out. Only words the
    edit brought in are asked about: what stood on the card when she approved, she has seen."""
    prefs = of_employee(employee)
    old = content.get("compliance_override")

    def findings(c: dict):
        return check(Draft.from_content(c), None, prefs.banned_words, prefs.allowed_contacts)

    seen = {(f.rule, f.field, f.text) for f in findings(before)}
    found = [f for f in findings(content) if f.severity == "blocking" and not overrides.covers(old, f)
             and (f.rule, f.field, f.text) not in seen]
    reason = (reason or "").strip()
    overriding = bool(reason) and len(reason) <= overrides.REASON_MAX
    errors = [_error(f) for f in found if not (f.overridable and overriding)]
    errors += overrides.reason_errors(reason, [f for f in found if f.overridable])
    if errors:
        raise ValidationFailed(errors)
    if not found:
        return content
    new = overrides.record([f.to_dict() for f in found], reason, by, at)
    if old:  # keep what she confirmed when the run was created, with its own reason
        new = {**new, "findings": old.get("findings", []) + new["findings"]}
    return {**content, "compliance_override": new}


def _error(f) -> dict:
    kind = "需确认" if f.overridable else "违规"
    return {"field": f.field, "limit": f.rule, "message": f"修改后的内容{kind}：{f.message}",
            "rule": f.rule, "span": [f.start, f.end], "text": f.text, "suggestion": f.suggestion,
            "overridable": f.overridable}
