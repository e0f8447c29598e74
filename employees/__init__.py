"""Digital employees by role. Adding one: a module under ``employees/`` and one line here.

    base.py      Role: persona, default mode, workflows, sites, default settings
    settings.py  the owner's per-employee settings (tone, banned words, default sites), validated
    roster.py    a workspace's employees: the missing roles added idempotently; what each can do now
    tasking.py   a plain-language task -> a checked plan (knowledge passages, drafts, compliance)
"""
from __future__ import annotations

from employees import finance, marketing, operations, sales, service
from employees.base import MODE_LABELS, MODES, Role

EMPLOYEES: dict[str, Role] = {
    "marketing": marketing.ROLE,
    "sales": sales.ROLE,
    "service": service.ROLE,
    "operations": operations.ROLE,
    "finance": finance.ROLE,
}

__all__ = ["EMPLOYEES", "MODES", "MODE_LABELS", "Role"]
