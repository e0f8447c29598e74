"""The small-scale VAT return form (增值税及附加税费申报表（小规模纳税人适用）): read, fill, submit.

Cells are keyed like ``books.vat.VatReturn``: ``(line, "goods" | "services")`` for lines 1–22 and
``(line, "total")`` for 23–25. A cell is found by its accessible name ``第N栏 货物及劳务 本期数``
(GUESS, the replica's), else by the replica's id ``r<N>_<col>``. Whether a cell is computed is read
from the page (``readonly``), never assumed: what the portal computes it computes.
"""
from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Locator, Page

from books.lines import COLUMNS, all_keys
from core.errors import ContentRejected, LoginRequired, PageChanged, PublishFailed
from sites.etax.errors import LABEL, SITE, AlreadyFiled, ReadBackMismatch
from sites.etax.pages.filed import VAT_TITLE
from sites.etax.pages.guards import Prompt, SessionWall, first_shown
from sites.etax.pages.locate import CENT, Fallback, labelled, money, visible

Key = tuple[int, str]
CONFIRM = "确定要提交申报"
BUSY = re.compile("系统繁忙|请稍后重试")
REFILED = re.compile("已申报|重复申报")
LABEL_RE = re.compile(r"第(\d+)栏\s*(货物及劳务|服务、不动产和无形资产)?\s*本期数")
ID_RE = re.compile(r"^r(\d+)(?:_(goods|services))?$")
COLUMN_OF = {name: key for key, name in COLUMNS.items()}
LINE_NAMES_KEYS = frozenset(all_keys())
# Per input of the form: its accessible name, id, value and whether the page lets a person type in it.
READ_CELLS_JS = """inputs => inputs.map(i => ({label: i.getAttribute('aria-label') || '', id: i.id,
  value: i.value, editable: !i.readOnly && !i.disabled}))"""


def key_of(label: str, ident: str) -> Key | None:
    found = LABEL_RE.search(label)
    if found:
        return int(found[1]), COLUMN_OF.get(found[2] or "", "total")
    found = ID_RE.match(ident)
    return (int(found[1]), found[2] or "total") if found else None


class VatForm:
    def __init__(self, page: Page):
        self.page = page
        self.wall = SessionWall(page)
        self.prompt = Prompt(page)
        self.heading = visible(page.get_by_role("heading", name=VAT_TITLE))
        self.table = Fallback(page, "申报表", page.get_by_role("table", name=VAT_TITLE),
                              page.locator("table").filter(has_text="栏次"))
        self.submit_button = visible(page.get_by_role("button", name="提交申报"))
        self.success = visible(page.get_by_role("heading", name="申报成功"))
        self.serial = Fallback(page, "申报序号", page.locator("#declare-serial"), labelled(page, "申报序号"))

    def ready(self) -> None:
        self.heading.or_(self.wall.union).first.wait_for()
        self.wall.raise_if_up()
        self.table.resolve()

    # -- reading ---------------------------------------------------------------------------------
    def _cells(self) -> list[dict]:
        raws = self.table.resolve().locator("input").evaluate_all(READ_CELLS_JS)
        cells = [{**raw, "key": key_of(raw["label"], raw["id"])} for raw in raws]
        cells = [c for c in cells if c["key"] in LINE_NAMES_KEYS]
        if not cells:
            raise PageChanged(f"申报表上读不到任何栏次，{LABEL}页面可能改版了", site=SITE, url=self.page.url)
        return cells

    def read(self) -> dict[Key, Decimal]:
        """Every cell's 本期数 as shown (an unreadable value is a changed page, not a zero)."""
        out = {}
        for c in self._cells():
            value = money(c["value"] or "0")
            if value is None:
                raise PageChanged(f"第{c['key'][0]}栏的金额读不出来：{c['value']!r}", site=SITE, url=self.page.url)
            out[c["key"]] = value
        return out

    # -- filling ---------------------------------------------------------------------------------
    def cell(self, key: Key) -> Locator:
        line, col = key
        name = f"第{line}栏 {COLUMNS[col]} 本期数" if col != "total" else f"第{line}栏 本期数"
        ident = f"#r{line}_{col}" if col != "total" else f"#r{line}"
        return Fallback(self.page, name, self.table.resolve().get_by_label(name, exact=True),
                        self.page.locator(ident)).resolve()

    def type_into(self, key: Key, value: Decimal) -> None:
        """Click, select all, type: the page's own input handlers see what a person's keys would do."""
        box = self.cell(key)
        box.click()
        box.press("ControlOrMeta+a")
        self.page.keyboard.type(f"{value:.2f}")
        box.press("Tab")  # leaving the cell lets the page format it (1200 → 1200.00) and recompute

    def fill(self, values: dict[Key, Decimal]) -> dict[Key, Decimal]:
        """Make the form show ``values``: every editable cell not in ``values`` is set to 0, computed cells
        are left to the page. Then read every cell back; ``ReadBackMismatch`` when one differs (its ``computed``
        names the differing cells the portal computes, whose figure is the portal's own)."""
        unknown = [k for k in values if k not in LINE_NAMES_KEYS]
        if unknown:
            raise KeyError(f"not cells of the return: {unknown}")
        wanted = {k: Decimal(v).quantize(CENT) for k, v in values.items()}
        cells = self._cells()
        for c in cells:
            key = c["key"]
            if c["editable"] and money(c["value"] or "0") != wanted.get(key, Decimal("0.00")):
                self.type_into(key, wanted.get(key, Decimal("0.00")))
        shown = self.read()
        editable = {c["key"] for c in cells if c["editable"]}
        checked = set(wanted) | editable
        diffs = {k: (wanted.get(k, Decimal("0.00")), shown.get(k)) for k in sorted(checked)
                 if shown.get(k) != wanted.get(k, Decimal("0.00"))}
        if diffs:
            raise ReadBackMismatch("申报表上的数字和要申报的不一致：" + "；".join(
                f"第{n}栏{'' if c == 'total' else COLUMNS[c]} 应为{w}，页面显示{s}" for (n, c), (w, s) in diffs.items()),
                diffs, frozenset(k for k in diffs if k not in editable), site=SITE, url=self.page.url)
        return shown

    # -- submitting --------------------------------------------------------------------------------
    def submit(self) -> str:
        """提交申报 → confirm → 申报成功; returns the 申报序号. The portal's refusals keep its exact words."""
        self.submit_button.first.click()
        first_shown(self.page, {"prompt": self.prompt.box, "wall": self.wall.texts})
        self.wall.raise_if_up()
        message = self.prompt.message()
        if CONFIRM not in message:  # the page's own check refused the figures before sending anything
            self.prompt.dismiss()
            raise ContentRejected(message, site=SITE, url=self.page.url)
        self.prompt.press("确定")
        shown = first_shown(self.page, {"wall": self.wall.union, "done": self.success, "prompt": self.prompt.box})
        if shown == "wall":
            raise LoginRequired(f"{LABEL}登录已失效，申报没有提交，需要重新登录", site=SITE, url=self.page.url)
        if shown == "prompt":
            self._refused(self.prompt.message())
        return self.read_serial()

    def _refused(self, message: str) -> None:
        self.prompt.dismiss()
        if REFILED.search(message):
            raise AlreadyFiled(message, site=SITE, url=self.page.url)
        if BUSY.search(message):
            raise PublishFailed(message, site=SITE, url=self.page.url)
        raise ContentRejected(message, site=SITE, url=self.page.url)

    def read_serial(self) -> str:
        text = self.serial.resolve().inner_text()
        found = re.search(r"\d{6,}", text)
        if not found:
            raise PageChanged(f"申报成功页上读不到申报序号：{text!r}", site=SITE, url=self.page.url)
        return found.group(0)

