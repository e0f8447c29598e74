"""Digital employees by role. Adding one: a module under ``employees/`` and one line here."""
from __future__ import annotations

from employees import marketing
from employees.base import MODE_LABELS, MODES, Role

EMPLOYEES: dict[str, Role] = {
    "marketing": marketing.ROLE,
}

__all__ = ["EMPLOYEES", "MODES", "MODE_LABELS", "Role"]
