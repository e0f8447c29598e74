"""What a digital employee is: a role with a persona, a default mode, the workflows it may run, and the
settings the owner can change on the phone (``EmployeeSettings``)."""
from __future__ import annotations

from dataclasses import dataclass, field

MODES = ("auto", "semi_auto", "suggest")
MODE_LABELS = {"auto": "全自动", "semi_auto": "半自动（先审批）", "suggest": "仅建议"}


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    """The owner-facing title, e.g. 营销专员."""
    description: str
    persona: str = ""
    """The system prompt's persona (zh-CN): who the employee is and how it works."""
    default_mode: str = "semi_auto"
    workflows: tuple[str, ...] = ()
    """Names in ``graphs.GRAPHS`` this employee may run (every one must exist; a role with none says
    ``coming_soon``)."""
    sites: tuple[str, ...] = ()
    """Sites it works on (``sites.SITES`` keys, or a site whose adapter is still to come)."""
    coming_soon: str = ""
    """What the phone says for a role with no workflow yet (e.g. 客服功能即将推出)."""
    settings: dict = field(default_factory=dict)
    """Defaults of the owner's per-employee settings (see ``employees.settings``)."""
