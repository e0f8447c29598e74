"""State of the listing workflow (one LangGraph thread per run; thread id = run id)."""
from __future__ import annotations

from typing import TypedDict


class ListingInput(TypedDict):
    run_id: str
    """The run to execute; the product is loaded from the database."""


class ListingState(TypedDict, total=False):
    run_id: str
    """The run being executed."""
    content: dict
    """The product (``sites.taobao.product.Product`` as JSON), with the owner's edits merged in."""
    needs_login: bool
    """True when the saved session is missing or the site said it is dead."""
    note: str
    """How late a timed run started (within the grace), shown on the run with its result."""
    fields: dict
    """Field values read back from the filled form, shown on the approval card."""
    screenshot_id: str
    """Artifact id of the filled form's screenshot."""
    decision: dict
    """The owner's decision: {"approved": bool, "edits": {...}, "reason": str}."""
    site_warning: dict | None
    """A warning dialog met at submit that the owner has not allowed: {"text", "kind"}; set, the run asks
    her on a card (``steps.after_submit``), and the next submit may confirm exactly these words."""
    seen_warnings: list[str]
    """Warning texts she approved on such cards, confirmed when the site shows them again."""
    submitted: dict
    """What the success page said: {"item_id", "warnings"}."""
    published: dict
    """What read-back found: {"external_id", "title", "url"}."""
