"""数电票 XML: fields by the published element names, falling back to the legacy (pinyin) names.

Element names (see /work/shared/reference/real-sites-interaction.md §4) are compared without namespace,
case or underscores, so ``XSF_MC``, ``Xfmc`` and ``xsfmc`` are one name. The first name in each tuple
that has text wins; the published names come first.
"""
from __future__ import annotations

from lxml import etree

from books.invoices import values
from books.invoices.reading import Field, LABELS, Line
from books.invoices.safe_xml import local, parse, text

NAMES = {
    "number": ("EIid", "InvoiceNumber", "Fphm", "FP_HM", "InvoiceNo"),
    "code": ("Fpdm", "FP_DM", "InvoiceCode"),
    "date": ("IssueTime", "Kprq", "IssueDate", "RequestTime"),
    "kind": ("LabelName", "LabelCode", "Fplx", "FPLXDM", "InvoiceType"),
    "seller_name": ("SellerName", "Xfmc", "XSF_MC"),
    "seller_tax_id": ("SellerIdNum", "Xfsh", "XSF_NSRSBH", "SellerTaxID"),
    "buyer_name": ("BuyerName", "Gfmc", "GMF_MC"),
    "buyer_tax_id": ("BuyerIdNum", "Gfsh", "GMF_NSRSBH", "BuyerTaxID"),
    "amount": ("TotalAmWithoutTax", "Hjje", "HJJE"),
    "tax": ("TotalTaxAm", "Hjse", "HJSE"),
    "total": ("TotalTax-includedAmount", "Jshj", "JSHJ"),
}
"""Per field: published names first, then the legacy ones parsers fall back to."""
LINE_NAMES = {
    "name": ("ItemName", "Xmmc"),
    "spec": ("SpecMod", "Ggxh"),
    "unit": ("MeaUnits", "Dw"),
    "quantity": ("Quantity", "Xmsl"),
    "price": ("UnPrice", "Xmdj"),
    "amount": ("Amount", "Xmje"),
    "rate": ("TaxRate", "Sl"),
    "tax": ("ComTaxAm", "Se"),
}
"""Per line item: the children of an ``IssuItemInformation`` (legacy: of the element holding ``XMMC``)."""
NUMBER_PATHS = ("Header/EIid", "TaxSupervisionInfo/InvoiceNumber")
"""Where the 发票号码 sits when the file has both: these win over a bare ``InvoiceNumber`` elsewhere."""
_NORMALISE = {"number": values.number, "code": values.number, "date": values.day, "kind": values.kind,
              "seller_name": values.name, "buyer_name": values.name, "seller_tax_id": values.tax_id,
              "buyer_tax_id": values.tax_id, "amount": values.money, "tax": values.money,
              "total": values.money}


def _key(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def read_xml(data: bytes, what: str = "XML文件") -> tuple[dict[str, Field], list[Line], list[str]]:
    """Fields (structured data: confidence 1 when the text is well formed), line items and warnings."""
    root = parse(data, what)
    index: dict[str, list[etree._Element]] = {}
    for element in root.iter():
        index.setdefault(local(element), []).append(element)
    found = {key: _first(index, names) for key, names in NAMES.items()}
    found["number"] = _by_path(root) or found["number"]
    fields, warnings = {}, []
    for key, label in LABELS.items():
        raw = found.get(key)
        value = _NORMALISE[key](raw) if key in _NORMALISE and raw is not None else None
        if raw is not None and value is None:
            warnings.append(f"{label}「{raw[:40]}」格式无法识别")
            fields[key] = Field(raw[:100], 0.2, label)
        elif value is None and key.endswith("tax_id") and _present(index, NAMES[key]):
            fields[key] = Field(None, 1.0, label)  # printed empty: a buyer who is a person has no tax id
        else:
            fields[key] = Field(value, 1.0 if value is not None else 0.0, label)
    lines = _lines(index)
    return fields, lines, warnings


def _first(index: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        for element in index.get(_key(name), ()):
            if len(element) == 0 and (value := text(element)):
                return value
    return None


def _present(index: dict, names: tuple[str, ...]) -> bool:
    return any(index.get(_key(name)) for name in names)


def _by_path(root: etree._Element) -> str | None:
    for path in NUMBER_PATHS:
        parent, child = (_key(p) for p in path.split("/"))
        for element in root.iter():
            if local(element) == child and element.getparent() is not None \
                    and local(element.getparent()) == parent and (value := text(element)):
                return value
    return None


def _lines(index: dict) -> list[Line]:
    holders = []
    for name in LINE_NAMES["name"]:
        for element in index.get(_key(name), ()):
            parent = element.getparent()
            if parent is not None and parent not in holders:
                holders.append(parent)
    lines = []
    for holder in holders:
        children = {}
        for child in holder:
            children.setdefault(local(child), text(child))
        raw = {field: next((children[_key(n)] for n in names if children.get(_key(n))), None)
               for field, names in LINE_NAMES.items()}
        lines.append(Line(
            name=values.name(raw["name"]), spec=values.name(raw["spec"]), unit=values.name(raw["unit"]),
            quantity=values.quantity(raw["quantity"]), price=values.quantity(raw["price"]),
            amount=values.money(raw["amount"]), rate=values.rate(raw["rate"]), tax=values.money(raw["tax"])))
    return lines
