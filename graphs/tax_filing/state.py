"""State of the tax-filing workflow (one LangGraph thread per run; thread id = run id)."""
from __future__ import annotations

from typing import TypedDict


class FilingInput(TypedDict):
    run_id: str
    """The run to execute; the period and the taxpayer come from the run's content."""


class FilingState(TypedDict, total=False):
    run_id: str
    """The run being executed."""
    content: dict
    """The run's content: {"period": "2026Q3", "form": "vat" | "pit_business" (``forms.FORMS``; none = vat),
    and per form "taxpayer_kind", "location" (VAT) or "individual_business" (A表)}."""
    tax_due: str
    """What the books say is due (VAT + surtaxes, or the A表's 应补), as a decimal string."""
    needs_login: bool
    """True when the portal's session is gone; the login node signs in again with the stored login."""
    fields: dict
    """The approval card: the books / portal / submitted table (plus ``mismatch``, the explanation of figures
    the portal computes otherwise), or the payment's amount and agreement. Submit files only these rows."""
    screenshot_id: str
    """Artifact id of the screenshot the card shows."""
    decision: dict
    """The owner's latest decision: {"approved": bool, "reason": str}."""
    filed: dict
    """The filed return as the portal lists it: {"serial", "tax_due"}."""
    published: dict
    """The end result for the run: {"external_id": the filing's serial, ...}."""
