"""Locator helpers for the tax portal, plus the two kinds of text it shows everywhere: money and periods.

``Fallback`` is the Xiaohongshu helper (one waiting/picking logic for the project) with the tax
bureau's name on its error. The new portal has no public DOM, so most elements have a role/label/text
candidate first and the replica's id as the last resort.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from playwright.sync_api import Locator

from books.periods import Quarter

from playwright.sync_api import Page

from sites import locate
from sites.locate import visible  # noqa: F401  (the page objects import it from here)
from sites.etax.errors import LABEL, SITE


class Fallback(locate.Fallback):
    site, label = SITE, LABEL


def goto(page: Page, url: str) -> None:
    locate.goto(page, url, SITE, LABEL)


CENT = Decimal("0.01")


def money(text: str | None) -> Decimal | None:
    """``4,240.00 元`` / ``￥4240`` → Decimal('4240.00'); None for an empty or non-numeric text."""
    raw = re.sub(r"[,，\s元￥¥]", "", text or "")
    try:
        return Decimal(raw).quantize(CENT) if raw else None
    except InvalidOperation:
        return None


def quarter(label: "str | Quarter") -> Quarter:
    """A quarter from ``2026Q3``, ``2026年第3季度``, a ``Quarter`` or the portal's ``2026-07-01 至 2026-09-30``."""
    if isinstance(label, Quarter):
        return label
    found = re.match(r"\s*(\d{4})-(\d{2})-01", str(label))
    if found and int(found[2]) in (1, 4, 7, 10):
        return Quarter(int(found[1]), (int(found[2]) - 1) // 3 + 1)
    return Quarter.parse(str(label))


def period_pattern(label: "str | Quarter") -> re.Pattern:
    """Matches a row whose 所属期 shows the quarter's first and last day (GUESS: ``YYYY-MM-DD 至 YYYY-MM-DD``;
    ``/`` or ``年月日`` separators are accepted too)."""
    q = quarter(label)

    def num(n: int) -> str:  # 7 → 07 or a lone 7 (a row's text runs its cells together: no \b)
        return str(n) if n > 9 else rf"(?:0{n}|{n}(?!\d))"

    def day(d) -> str:
        return rf"{d.year}\s*[-/年]\s*{num(d.month)}\s*[-/月]\s*{num(d.day)}"

    return re.compile(rf"{day(q.start)}.*?{day(q.end)}", re.S)


# Per row: its cells' texts keyed by the column titles, in one round trip (a list may be long).
READ_TABLE_JS = """table => {
  const heads = Array.from(table.querySelectorAll('thead th')).map(th => th.innerText.trim());
  return Array.from(table.querySelectorAll('tbody tr')).map(tr => {
    const cells = Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim());
    return cells.length === heads.length ? Object.fromEntries(heads.map((h, i) => [h, cells[i]])) : null;
  }).filter(Boolean);
}"""


def read_table(table: Locator) -> list[dict[str, str]]:
    """Rows of a list table as ``{column title: text}``; rows that do not fill every column (暂无数据) are left out."""
    return table.evaluate(READ_TABLE_JS)


def column(row: dict[str, str], *titles: str) -> str:
    """The cell under the first column whose title contains one of ``titles`` (titles carry units: 金额（元）)."""
    for title in titles:
        for head, text in row.items():
            if title in head:
                return text
    return ""


def labelled(page: Page, label: str) -> Locator:
    """The value shown next to a label in a description list (``<dt>申报序号</dt><dd>…</dd>``)."""
    return page.locator(f"xpath=//dt[normalize-space()='{label}']/following-sibling::dd[1]")
