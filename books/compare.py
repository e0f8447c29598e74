"""The books' return next to the portal's figures, one row per figure, for the approval card.

Policy: what is typed is always the books' figure. The portal pre-fills lines from the invoices it knows
(e.g. line 2/3 from issued invoices); when it disagrees the row is marked, and the owner decides by editing
the books or the approval, never by us silently taking the portal's number. Lines the portal computes itself
(9, 20, 22, 23-25) cannot be typed: when its figure differs from the books' the card says so in plain words
(``explain``) and what is filed is the portal's figure only if the owner approves exactly that.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from books.lines import COLUMNS, LINE_NAMES, SURCHARGE_LINES, sort_key
from books.vat import VatReturn

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
Key = tuple[int, str]
DUE_KEYS: tuple[Key, ...] = ((22, "goods"), (22, "services"), *((n, "total") for n in SURCHARGE_LINES))
"""The cells whose sum is what the owner pays (``VatReturn.tax_due``)."""


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


def compare(ret: VatReturn, prefilled: dict[Key, Decimal],
            computed: dict[Key, Decimal] | None = None) -> list[Row]:
    """Every figure that is non-zero in the books, on the portal or in what will be submitted.

    ``computed``: cells the portal computed itself to a figure other than the books' (after the books' were
    typed); their row shows the portal's figure as the one submitted."""
    computed = computed or {}
    unknown = [k for k in [*prefilled, *computed] if k not in ret.lines]
    if unknown:
        raise KeyError(f"not cells of the return: {unknown}")
    keys = {k for k, line in ret.lines.items() if line.value != 0}
    keys |= {k for k, v in prefilled.items() if Decimal(v) != 0} | set(computed)
    rows = []
    for key in sorted(keys, key=sort_key):
        line = ret.lines[key]
        portal = Decimal(computed.get(key, prefilled.get(key, ZERO))).quantize(CENT)
        submit = portal if key in computed else line.value
        rows.append(Row(line=key[0], column=key[1], item=LINE_NAMES[key[0]], books=line.value,
                        portal=portal, submit=submit, differs=line.value != portal, rule=line.rule))
    return rows


def differences(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.differs]


def portal_tax_due(ret: VatReturn, computed: dict[Key, Decimal]) -> Decimal:
    """What the owner pays when the portal's own figures are filed."""
    return sum((Decimal(computed.get(k, ret.value(*k))) for k in DUE_KEYS), ZERO)


def explain(ret: VatReturn, computed: dict[Key, Decimal]) -> dict:
    """The approval card's plain-Chinese account of figures the portal computes differently from the books,
    and the two ways forward. JSON-ready; ``lines`` identify exactly what the owner approves."""
    books_due, portal_due = ret.tax_due, portal_tax_due(ret, computed)
    lines = []
    for key in sorted(computed, key=sort_key):
        mine, theirs = ret.value(*key), Decimal(computed[key]).quantize(CENT)
        name = _short(key)
        lines.append({"line": key[0], "column": COLUMNS[key[1]], "item": LINE_NAMES[key[0]],
                      "books": str(mine), "portal": str(theirs),
                      "text": f"{name}：账本算的是{mine}元，电子税务局算出的是{theirs}元"
                              f"（税局{'多' if theirs > mine else '少'}算{abs(theirs - mine)}元）",
                      "why": _why(ret, key, mine, theirs), "rule": ret.lines[key].rule})
    more = portal_due - books_due
    change = ("应缴金额不变" if more == 0 else
              f"比账本{'多' if more > 0 else '少'}{abs(more)}元")
    return {
        "summary": (f"电子税务局自动计算的{len(lines)}个数字和账本不一样。这些栏次由税局按前面填的销售额自动算出，"
                    "不能手工改成账本的数字，所以现在不能按账本原样申报。"),
        "lines": lines,
        "books_tax_due": str(books_due), "portal_tax_due": str(portal_due),
        "choices": [
            f"认可税局的数字：点「按税局数字申报」，将按电子税务局的数字申报，应缴税费{portal_due}元（{change}）。",
            "先改账本：点「驳回」，到财务页核对这个季度的收入记录，改好后重新开始申报；"
            "如果认为税局算得不对，可以先打12366纳税服务热线问清楚。",
        ],
    }


_SHORT = {20: "应纳税额合计", 22: "本期应补（退）税额", 23: "城市维护建设税", 24: "教育费附加", 25: "地方教育附加"}


def _short(key: Key) -> str:
    line, col = key
    name = _SHORT.get(line, LINE_NAMES[line])
    return f"第{line}栏{name}" + ("" if col == "total" else f"（{COLUMNS[col]}）")


def _why(ret: VatReturn, key: Key, mine: Decimal, theirs: Decimal) -> str:
    """The likely cause, from what the books applied (zh)."""
    line = key[0]
    if abs(theirs - mine) <= CENT:
        return "只差1分钱：两边四舍五入的先后不同（账本按附加税费情况表逐栏先算应纳、再算减征，每步保留到分）。"
    if line in (24, 25) and mine == 0 and "免征" in ret.lines[key].rule:
        return ("账本按财税〔2016〕12号免征了这项附加（本季度销售额未超过30万元），税局没有免征。"
                "可能是税局没有带出这项减免，也可能是税局掌握的销售额和账本不同。")
    if line in SURCHARGE_LINES:
        return "税局计算附加税费的方法（减免或减半）和账本不同。"
    return "税局按它掌握的数据算出的结果和账本不同，请核对这个季度的收入记录。"
