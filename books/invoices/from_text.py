"""Fields from an invoice's printed text, found by the labels the 数电票 layout prints.

Used for a PDF's text layer, an OFD's page text and the lines OCR recognises in a photo. The layout puts
the buyer (购买方) before the seller (销售方), left to right and top to bottom, so of two unlabelled 名称
the first is the buyer's; a role word on the same line (销售方名称) overrides the order.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal

from books.invoices import values
from books.invoices.checks import USCC_CHARS, uscc_ok
from books.invoices.reading import LABELS, Field, Line

_MONEY = r"(-?\d[\d,]*\.\d{2})"
_YUAN = r"[¥￥Y羊半]?"
PATTERNS = {
    "number": re.compile(r"发票号码\s*[:：]?\s*(\d{20}|\d{8})(?!\d)"),
    "code": re.compile(r"发票代码\s*[:：]?\s*(\d{12}|\d{10})(?!\d)"),
    "date": re.compile(r"开票日期\s*[:：]?\s*(\d{4}\s*[年\-]\s*\d{1,2}\s*[月\-]\s*\d{1,2}\s*日?)"),
    "total": re.compile(r"[（(]\s*小\s*写\s*[)）]\s*[:：]?\s*" + _YUAN + r"\s*" + _MONEY),
    "sums": re.compile(r"(?<!税)合\s*计\s*" + _YUAN + r"\s*" + _MONEY + r"\s*" + _YUAN + r"\s*(" + _MONEY[1:-1] + r"|\*{2,})"),
    "kind": re.compile(r"(增值税专用发票|专用发票|普通发票)"),
    "rate": re.compile(r"(?<![\d.])(\d{1,2})\s*[%％]"),
}
_LOOSE = {
    "number": re.compile(r"(?<!\d)(\d{20})(?!\d)"),
    "date": re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日)"),
}
"""Fallbacks when a label was not recognised: a bare 20-digit number, a date (confidence halved)."""
_NAME_LABEL = re.compile(r"名\s*称\s*[:：]")
_NAME_VALUE = re.compile(r"[ \t]*(?:\n[ \t]*(?=[^\n]*(?:公司|店|厂|中心|部|所|院|社|行)))?"
                         r"([^\s:：][^\n:：]*?)\s*(?=统一社会|纳税人|地址|开户|名\s*称|[ \t]{2,}|\n|$)")
_ID_LABEL = re.compile(r"(?:统一社会信用代码\s*/?\s*纳税人识别号|纳税人识别号|统一社会信用代码)\s*[:：]?")
_ID_VALUE = re.compile(r"[ \t]*(?:\n[ \t]*)?([0-9A-Za-z]{15,20})(?![0-9A-Za-z])")
_EMPTY = 0.85
"""Confidence factor of a label printed with nothing after it (a blank field, or a value OCR missed)."""
_ITEM = re.compile(r"\*[^*\s]{1,20}\*\S*")
_ROLE = re.compile(r"(购买方|购方|买方|销售方|销方|卖方)")
_OCR_DIGITS = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "Y"})
"""Letters a 统一社会信用代码 never uses, as OCR misreads the character that was printed."""


@dataclass(frozen=True)
class TextLine:
    text: str
    confidence: float = 1.0
    """How sure the recogniser is of this text (1 for a text layer)."""
    row_end: bool = True
    """False when the next piece of text is on the same printed line (joined with two spaces)."""


def read_text(lines: list[TextLine], base: float) -> tuple[dict[str, Field], list[Line], list[str]]:
    """Fields found in ``lines``; each field's confidence is ``base`` × its line's confidence."""
    page = _Page(lines)
    fields: dict[str, Field] = {}

    def put(key: str, value: str | None, at: int, factor: float = 1.0, empty_ok: bool = False) -> None:
        if (value is not None or empty_ok) and key not in fields:
            fields[key] = Field(value, round(base * factor * page.confidence(at), 3), LABELS[key])

    for key, parse in (("number", values.number), ("code", values.number), ("date", values.day)):
        if m := PATTERNS[key].search(page.text):
            put(key, parse(m.group(1)), m.start(1))
        elif key in _LOOSE and (m := _LOOSE[key].search(page.text)):
            put(key, parse(m.group(1)), m.start(1), 0.5)
    if m := PATTERNS["kind"].search(page.text):
        put("kind", values.kind(m.group(1)), m.start(1))
    _parties(page, put)
    if m := PATTERNS["sums"].search(page.text):
        put("amount", values.money(m.group(1)), m.start(1))
        put("tax", values.money(m.group(2)) or "0.00", m.start(2))
    if m := PATTERNS["total"].search(page.text):
        put("total", values.money(m.group(1)), m.start(1))
    items = _items(page.text)
    rates = {values.rate(r + "%") for r in PATTERNS["rate"].findall(page.text)}
    if not items and len(rates) == 1 and (m := PATTERNS["rate"].search(page.text)):
        put("rate", rates.pop(), m.start(1))
    _complete_sums(fields, base)
    return fields, items, []


class _Page:
    """The text as one string (rows end in a newline, pieces of a row are two spaces apart), and which
    piece each character came from."""

    def __init__(self, lines: list[TextLine]):
        parts, self._starts, self._scores, at = [], [], [], 0
        for line in lines:
            text = values.plain(line.text) + ("\n" if line.row_end else "  ")
            parts.append(text)
            self._starts.append(at)
            self._scores.append(line.confidence)
            at += len(text)
        self.text = "".join(parts)

    def confidence(self, at: int) -> float:
        return self._scores[bisect.bisect_right(self._starts, at) - 1] if self._scores else 0.0


def _parties(page: _Page, put) -> None:
    """Names and tax ids. Each printed label is a slot, its value the text after it on the same line (or
    alone on the next one), empty when nothing follows. A slot goes to the buyer or the seller by a role
    word before it on its line, otherwise by order (buyer first). An empty slot means the invoice leaves
    that field blank (a person buying has no tax id): None with a slightly lower confidence."""
    for what, label, value_re, clean in (("name", _NAME_LABEL, _NAME_VALUE, _name),
                                         ("tax_id", _ID_LABEL, _ID_VALUE, _tax_id)):
        slots: dict[str, tuple] = {}
        unlabelled = []
        for m in label.finditer(page.text):
            v = value_re.match(page.text, m.end())
            value, factor = clean(v.group(1)) if v else (None, _EMPTY)
            at = v.start(1) if v else m.start()
            line_start = page.text.rfind("\n", 0, m.start()) + 1
            before = [s for s in re.split(r"[ \t]{2,}", page.text[line_start:m.start()]) if s.strip()]
            roles = _ROLE.findall(before[-1]) if before else []
            role = None if not roles else ("seller" if roles[-1] in ("销售方", "销方", "卖方") else "buyer")
            if role and role not in slots:
                slots[role] = (value, at, factor)
            elif not role:
                unlabelled.append((value, at, factor))
        for role in ("buyer", "seller"):
            if role not in slots and unlabelled:
                slots[role] = unlabelled.pop(0)
            if role in slots:
                value, at, factor = slots[role]
                put(f"{role}_{what}", value, at, factor, empty_ok=value is None)


def _name(raw: str) -> tuple[str | None, float]:
    return values.name(raw), 1.0


def _tax_id(raw: str) -> tuple[str | None, float]:
    """The id as printed, or with OCR's letter-for-digit slips undone when only that passes the check."""
    code = raw.upper()
    if len(code) == 18 and not uscc_ok(code):
        fixed = code.translate(_OCR_DIGITS)
        if all(c in USCC_CHARS for c in fixed) and uscc_ok(fixed):
            return fixed, 0.9
    return values.tax_id(code), 1.0


def _items(text: str) -> list[Line]:
    """Line items: a ``*类别*名称`` name, then [规格型号] [单位] 数量 单价 金额 税率 税额 on its row."""
    items = []
    for m in _ITEM.finditer(text):
        end = text.find("\n*", m.end())
        tail = text[m.end(): end if end != -1 else None]
        tail = re.split(r"(?<!税)合\s*计|价税合计", tail)[0]
        tokens = tail.split()
        rate_at = next((i for i, t in enumerate(tokens) if re.fullmatch(r"\d{1,2}%|免税|不征税", t)), None)
        if rate_at is None or rate_at < 3 or rate_at + 1 >= len(tokens):
            continue
        before, tax = tokens[:rate_at], tokens[rate_at + 1]
        numbers = before[-3:]
        if values.money(numbers[-1]) is None or values.quantity(numbers[0]) is None \
                or values.quantity(numbers[1]) is None:
            continue
        words = before[:-3]
        spec, unit = (words + [None, None])[:2] if len(words) >= 2 else (None, words[0] if words else None)
        items.append(Line(name=values.name(m.group(0)), spec=values.name(spec), unit=values.name(unit),
                          quantity=values.quantity(numbers[0]), price=values.quantity(numbers[1]),
                          amount=values.money(numbers[2]), rate=values.rate(tokens[rate_at]),
                          tax=values.money(tax) or ("0.00" if tax.startswith("*") else None)))
    return items


def _complete_sums(fields: dict[str, Field], base: float) -> None:
    """When exactly one of amount, tax and total was not found, the other two give it (highlighted)."""
    known = {k: Decimal(fields[k].value) for k in ("amount", "tax", "total") if k in fields and fields[k].value}
    if len(known) != 2:
        return
    missing = ({"amount", "tax", "total"} - set(known)).pop()
    value = (known["amount"] + known["tax"]) if missing == "total" else \
        known["total"] - known["tax" if missing == "amount" else "amount"]
    fields[missing] = Field(str(value), min(base, 0.6), LABELS[missing])
