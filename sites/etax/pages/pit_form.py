"""The business-income prepayment form (个人所得税经营所得纳税申报表（A表）): read, fill, submit.

Fields are keyed like ``books.pit.PitReturn.lines`` (``income``, ``costs``, … ``due``) and found by their
accessible name, the field's name on the form (``收入总额``; GUESS, the replica's), else by the replica's
id ``pit-<key>``. Line numbers are never used: they differ between versions of the A表. Whether a field
is computed is read from the page (``readonly``). 提交申报 and its dialogs are the VAT form's: same portal.
"""
from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Locator, Page

from books.pit import LINES
from core.errors import PageChanged
from sites.etax.errors import LABEL, SITE, ReadBackMismatch
from sites.etax.pages.locate import CENT, Fallback, money, visible
from sites.etax.pages.vat_form import READ_CELLS_JS, VatForm

PIT_TITLE = "个人所得税经营所得纳税申报表（A表）"
KEY_OF = {name: key for key, name in LINES.items()}
PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def value_of(key: str, text: str) -> Decimal | None:
    """An amount, or for 税率 a fraction (``20%`` → 0.20)."""
    if key == "rate":
        found = PERCENT.match(text or "")
        return (Decimal(found[1]) / 100).quantize(CENT) if found else None
    return money(text or "0")


class PitForm(VatForm):
    """Only the locators and the cells differ from ``VatForm``; submitting is inherited."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.heading = visible(page.get_by_role("heading", name=PIT_TITLE))
        self.table = Fallback(page, "A表", page.get_by_role("table", name=PIT_TITLE),
                              page.locator("table").filter(has_text="应纳税所得额"))

    def _cells(self) -> list[dict]:
        raws = self.table.resolve().locator("input").evaluate_all(READ_CELLS_JS)
        cells = [{**raw, "key": KEY_OF.get(raw["label"].strip()) or raw["id"].removeprefix("pit-")} for raw in raws]
        cells = [c for c in cells if c["key"] in LINES]
        if not cells:
            raise PageChanged(f"A表上读不到任何项目，{LABEL}页面可能改版了", site=SITE, url=self.page.url)
        return cells

    def read(self) -> dict[str, Decimal]:
        """Every field as shown (an unreadable value is a changed page, not a zero)."""
        out = {}
        for c in self._cells():
            value = value_of(c["key"], c["value"])
            if value is None:
                raise PageChanged(f"“{LINES[c['key']]}”读不出来：{c['value']!r}", site=SITE, url=self.page.url)
            out[c["key"]] = value
        return out

    def cell(self, key: str) -> Locator:
        name = LINES[key]
        return Fallback(self.page, name, self.table.resolve().get_by_label(name, exact=True),
                        self.page.locator(f"#pit-{key}")).resolve()

    def fill(self, values: dict[str, Decimal]) -> dict[str, Decimal]:
        """Type the editable fields of ``values`` (other editable fields set to 0), then read every field
        back: computed ones must come out as the books computed them, or ``ReadBackMismatch``."""
        unknown = [k for k in values if k not in LINES]
        if unknown:
            raise KeyError(f"not fields of the A表: {unknown}")
        wanted = {k: Decimal(v).quantize(CENT) for k, v in values.items()}
        cells = self._cells()
        for c in cells:
            if c["editable"] and value_of(c["key"], c["value"]) != wanted.get(c["key"], Decimal("0.00")):
                self.type_into(c["key"], wanted.get(c["key"], Decimal("0.00")))
        shown = self.read()
        checked = set(wanted) | {c["key"] for c in cells if c["editable"]}
        diffs = {k: (wanted.get(k, Decimal("0.00")), shown.get(k)) for k in checked
                 if shown.get(k) != wanted.get(k, Decimal("0.00"))}
        if diffs:
            raise ReadBackMismatch("A表上的数字和要申报的不一致：" + "；".join(
                f"{LINES[k]} 应为{w}，页面显示{s}" for k, (w, s) in diffs.items()), diffs, site=SITE, url=self.page.url)
        return shown
