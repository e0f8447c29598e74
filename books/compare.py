"""The books' return next to the portal's pre-filled values, one row per figure, for the approval card.

Policy: what is submitted is always the books' figure. The portal pre-fills lines from the invoices it
knows (e.g. line 2/3 from issued invoices); when it disagrees the row is marked, and the owner decides
by editing the books or the approval, never by us silently taking the portal's number.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from books.lines import COLUMNS, LINE_NAMES, sort_key
from books.vat import VatReturn

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Row:
    line: int
    column: str
    """goods | services | total (see ``books.lines.COLUMNS``)"""
    item: str
    """The line's name on the form (zh)."""
    books: Decimal
    portal: Decimal
    """The portal's pre-filled value (0 when it pre-filled nothing)."""
    submit: Decimal
    """What will be typed into the form: the books' figure."""
    differs: bool
    rule: str
    """How the books' figure was produced (zh)."""

    @property
    def column_name(self) -> str:
        return COLUMNS[self.column]


def compare(ret: VatReturn, prefilled: dict[tuple[int, str], Decimal]) -> list[Row]:
    """Every figure that is non-zero in the books, on the portal or in what will be submitted."""
    unknown = [k for k in prefilled if k not in ret.lines]
    if unknown:
        raise KeyError(f"not cells of the return: {unknown}")
    keys = {k for k, line in ret.lines.items() if line.value != 0}
    keys |= {k for k, v in prefilled.items() if Decimal(v) != 0}
    rows = []
    for key in sorted(keys, key=sort_key):
        line = ret.lines[key]
        portal = Decimal(prefilled.get(key, ZERO)).quantize(Decimal("0.01"))
        rows.append(Row(line=key[0], column=key[1], item=LINE_NAMES[key[0]], books=line.value,
                        portal=portal, submit=line.value, differs=line.value != portal, rule=line.rule))
    return rows


def differences(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.differs]
