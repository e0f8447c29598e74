"""The returns the tax-filing workflow files: one entry per form, chosen by the run's ``content["form"]``.

An entry says how the books compute the return, how the adapter opens, reads and fills it (giving
the approval card's rows: books / portal / submitted), and the form's name on the portal's lists.
The nodes look the run's entry up here and never branch on the form themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from books.compare import compare, explain, portal_tax_due
from books.periods import Quarter
from books.pit import LINES as PIT_LINES, PitReturn, compute_prepayment, with_paid
from books.pit_store import year_to_date
from books.rules import Taxpayer
from books.store import records_in
from books.vat import VatReturn, compute_return
from core.models import Run
from graphs.context import RunContext
from sites.etax.errors import ReadBackMismatch
from sites.etax.pages.filed import VAT_TITLE
from sites.etax.pages.pit_form import PIT_TITLE


@dataclass(frozen=True)
class Filled:
    """What ``fill`` leaves on the portal, for the approval card."""

    rows: list[dict]
    tax_due: Decimal
    """What the filled form makes due (the portal's own figures, e.g. 已缴税额, included)."""
    mismatch: dict | None = None
    """Figures the portal computes itself that differ from the books' (``books.compare.explain``): the card
    explains them, and the return is filed with them only when the owner approved exactly these rows."""


@dataclass(frozen=True)
class ReturnForm:
    title: str
    """The form's name on 申报清册, 申报信息查询 and 未缴款."""
    card: str
    """The approval card's kind."""
    compute: Callable[[RunContext, Run], Any]
    """The return from the books (``tax_due``, ``check()``, ``warnings``, ``period``), the same every time."""
    fill: Callable[[Any, Any, Run, Any], Filled]
    """(adapter, page, run, return): open the form, read what the portal shows, type the books' figures."""


# -- the small-scale VAT return -------------------------------------------------------------------------

def vat_return(ctx: RunContext, run: Run) -> VatReturn:
    quarter = Quarter.parse(run.content["period"])
    with ctx.db() as s:
        records = records_in(s, run.workspace_id, quarter)
    taxpayer = Taxpayer(kind=run.content.get("taxpayer_kind", "enterprise"),
                        location=run.content.get("location", "city"))
    return compute_return(records, quarter, taxpayer=taxpayer)


def fill_vat(adapter, page, run: Run, ret: VatReturn) -> Filled:
    """Type the books' figures. Where the portal then computes a line differently (a rule or a rounding the
    books do not share), the form keeps its own figure: that becomes ``mismatch``, never an error."""
    adapter.open_vat_return(page, run.content["period"])
    prefilled = adapter.read_prefilled(page)
    try:
        adapter.fill_return(page, {key: line.value for key, line in ret.lines.items()})
        theirs = {}
    except ReadBackMismatch as e:
        if set(e.diffs) - e.computed or any(shown is None for _, shown in e.diffs.values()):
            raise  # a figure we typed did not take: a failure, not the portal's own computation
        theirs = {key: shown for key, (_, shown) in e.diffs.items()}
    rows = compare(ret, prefilled, theirs)
    period = run.content["period"]
    return Filled([{"line": r.line, "column": r.column_name, "item": r.item, "books": str(r.books),
                    "portal": str(r.portal), "submit": str(r.submit), "differs": r.differs, "rule": r.rule,
                    "records": records_link(period, f"vat-{r.line}-{r.column}", ret.lines[(r.line, r.column)].sources)}
                   for r in rows], portal_tax_due(ret, theirs), explain(ret, theirs) if theirs else None)


def records_link(period: str, figure: str, sources: list[str]) -> dict | None:
    """The books page filtered to the records a figure sums (the approval card links each figure to them)."""
    if not sources:
        return None
    return {"href": f"/books?quarter={period}&figure={figure}", "count": len(sources)}


# -- the business-income prepayment (经营所得 A表) --------------------------------------------------------

def pit_return(ctx: RunContext, run: Run) -> PitReturn:
    """The year's records up to the quarter's end and the owner's quarterly figures; 已缴税额 from the books."""
    quarter = Quarter.parse(run.content["period"])
    with ctx.db() as s:
        records, figures = year_to_date(s, run.workspace_id, quarter)
    return compute_prepayment(records, quarter, figures, individual_business=run.content.get("individual_business", True))


def fill_pit(adapter, page, run: Run, ret: PitReturn) -> Filled:
    """The portal's 已缴税额 is its record of what was paid: the submitted A表 uses it, and the card shows
    the books' own figure next to it when they differ. Every other figure is the books'."""
    adapter.open_pit_return(page, run.content["period"])
    portal = adapter.read_pit_prefilled(page)
    sent = with_paid(ret, portal.get("paid", ret.value("paid")))
    adapter.fill_pit_return(page, {k: line.value for k, line in sent.lines.items()})
    rows = [_pit_row(n, key, ret, portal, sent) for n, key in enumerate(PIT_LINES, 1)]
    return Filled([r for r in rows if r["shown"]], sent.tax_due)


PORTAL_FILLS = ("income", "costs", "loss_offset", "investor_deduction", "special_deductions", "relief")
"""Typed fields: a non-zero value the portal shows before we type is its own pre-fill, worth comparing."""


def _pit_row(n: int, key: str, books: PitReturn, portal: dict, sent: PitReturn) -> dict:
    def text(value) -> str:
        return f"{value:.0%}" if key == "rate" else str(value)

    mine, theirs, typed = books.value(key), portal.get(key, Decimal("0.00")), sent.value(key)
    return {"line": n, "column": "", "item": PIT_LINES[key], "books": text(mine), "portal": text(theirs),
            "records": records_link(str(books.period), f"pit-{key}", books.lines[key].sources),
            "submit": text(typed), "differs": mine != theirs and (key == "paid" or (key in PORTAL_FILLS and theirs != 0)),
            "rule": books.lines[key].rule,
            "shown": bool(mine or theirs or typed) or key in ("taxable", "tax", "due")}


FORMS: dict[str, ReturnForm] = {
    "vat": ReturnForm(VAT_TITLE, "vat_return", vat_return, fill_vat),
    "pit_business": ReturnForm(PIT_TITLE, "pit_return", pit_return, fill_pit),
}
"""content["form"] → its entry; a run without one is a VAT return (runs from before the A表 existed)."""


def form_of(run: Run) -> ReturnForm:
    return FORMS[run.content.get("form", "vat")]
