"""What a digital employee is: a role, a default mode, and the workflows it may run."""
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
    default_mode: str = "semi_auto"
    workflows: tuple[str, ...] = ()
    """Names in ``graphs.GRAPHS`` this employee may run."""
    sites: tuple[str, ...] = ()
    """Names in ``sites.SITES`` it works on."""
    settings: dict = field(default_factory=dict)
