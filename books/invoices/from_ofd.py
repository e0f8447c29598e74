"""OFD (GB/T 33190): a zip of XML. The key fields from ``OFD.xml``'s DocInfo/CustomDatas, the whole invoice
from an embedded invoice XML when the issuer includes one, and whatever is still missing from the page text.

The zip is untrusted: its member count, every member's unpacked size and ratio, and the total are checked
from the directory first and enforced again while reading (a directory can lie).
"""
from __future__ import annotations

import io
import zipfile
from collections import defaultdict

from books.invoices import values
from books.invoices.from_text import TextLine, read_text
from books.invoices.from_xml import read_xml
from books.invoices.limits import OFD_MAX_MEMBERS, OFD_MAX_RATIO, OFD_MAX_TOTAL, megabytes
from books.invoices.reading import LABELS, Field, InvoiceRefused, Line
from books.invoices.safe_xml import local, parse, text

CUSTOM_DATA = {
    "发票号码": ("number", values.number),
    "发票代码": ("code", values.number),
    "开票日期": ("date", values.day),
    "合计金额": ("amount", values.money),
    "合计税额": ("tax", values.money),
    "价税合计": ("total", values.money),
    "购买方名称": ("buyer_name", values.name),
    "购买方纳税人识别号": ("buyer_tax_id", values.tax_id),
    "销售方名称": ("seller_name", values.name),
    "销售方纳税人识别号": ("seller_tax_id", values.tax_id),
}
"""CustomData names issuers write, and the field each fills."""
TEXT_CONFIDENCE = 0.95
_SMALL = 64 * 1024
"""Parts below this unpacked size are not held to the ratio limit (tiny XML packs very well)."""


def read_ofd(data: bytes) -> tuple[dict[str, Field], list[Line], list[str]]:
    parts = _unpack(data)
    fields = _custom_data(parse(parts[_find(parts, "ofd.xml")], "OFD文件的OFD.xml"))
    lines: list[Line] = []
    warnings: list[str] = []
    embedded = _embedded_invoice(parts)
    if embedded is not None:
        found, lines, warnings = read_xml(parts[embedded], "OFD内嵌的发票XML")
        for key, field in found.items():
            if field.value is not None or key not in fields:
                fields[key] = field
    if any(key not in fields for key in LABELS) or not lines:
        found, text_lines, _ = read_text(_page_text(parts), TEXT_CONFIDENCE)
        for key, field in found.items():
            fields.setdefault(key, field)
        lines = lines or text_lines
    return fields, lines, warnings


def _unpack(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise InvoiceRefused("file", "OFD文件已损坏，无法解压", limit="完整的OFD") from None
    if len(infos) > OFD_MAX_MEMBERS:
        raise InvoiceRefused("file", f"OFD文件有{len(infos)}个部件，超过{OFD_MAX_MEMBERS}个上限",
                             limit=f"≤ {OFD_MAX_MEMBERS}个部件")
    if not any(i.filename.lower().lstrip("/") == "ofd.xml" for i in infos):
        raise InvoiceRefused("file", "这个压缩包不是OFD发票（没有OFD.xml）", limit="OFD格式")
    declared = sum(i.file_size for i in infos)
    if declared > OFD_MAX_TOTAL:
        raise _too_big(declared)
    parts, total = {}, 0
    for info in infos:
        if info.is_dir():
            continue
        if info.file_size > _SMALL and info.file_size > OFD_MAX_RATIO * max(info.compress_size, 1):
            raise _ratio(info.filename)
        with archive.open(info) as member:
            body = member.read(min(info.file_size, OFD_MAX_TOTAL - total) + 1)
        total += len(body)
        if total > OFD_MAX_TOTAL or len(body) > info.file_size:
            raise _too_big(total)
        if len(body) > _SMALL and len(body) > OFD_MAX_RATIO * max(info.compress_size, 1):
            raise _ratio(info.filename)
        parts[info.filename.lstrip("/")] = body
    return parts


def _too_big(size: int) -> InvoiceRefused:
    return InvoiceRefused("file", f"OFD文件解压后超过{megabytes(OFD_MAX_TOTAL)}上限（可能是压缩炸弹），拒绝读取",
                          limit=f"解压后 ≤ {megabytes(OFD_MAX_TOTAL)}")


def _ratio(name: str) -> InvoiceRefused:
    return InvoiceRefused("file", f"OFD文件的部件「{name[:60]}」压缩比超过{OFD_MAX_RATIO}倍（可能是压缩炸弹），拒绝读取",
                          limit=f"压缩比 ≤ {OFD_MAX_RATIO}")


def _find(parts: dict[str, bytes], name: str) -> str:
    return next(p for p in parts if p.lower() == name)


def _custom_data(root) -> dict[str, Field]:
    fields = {}
    for element in root.iter():
        if local(element) != "customdata" or (name := (element.get("Name") or "").strip()) not in CUSTOM_DATA:
            continue
        key, parse_value = CUSTOM_DATA[name]
        raw = text(element)
        value = parse_value(raw) if raw else None
        if value is not None:
            fields[key] = Field(value, 1.0, LABELS[key])
        elif key.endswith("tax_id") and not raw:
            fields[key] = Field(None, 1.0, LABELS[key])  # written empty: the buyer is a person
    return fields


def _embedded_invoice(parts: dict[str, bytes]) -> str | None:
    """An issuer's own invoice XML inside the package (``original_invoice.xml`` and the like)."""
    for name in parts:
        low = name.lower()
        if low.endswith(".xml") and ("invoice" in low.rsplit("/", 1)[-1] or "/attachs/" in f"/{low}"):
            return name
    return None


def _page_text(parts: dict[str, bytes]) -> list[TextLine]:
    """Every TextObject of every page, grouped into lines by their top edge (within 1.5 mm), left to right."""
    pages = sorted(p for p in parts if p.lower().endswith("content.xml") and "/pages/" in f"/{p.lower()}")
    out: list[TextLine] = []
    for page in pages:
        rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
        for element in parse(parts[page], "OFD文件的页面").iter():
            if local(element) != "textobject":
                continue
            box = (element.get("Boundary") or "0 0 0 0").split()
            try:
                x, y = float(box[0]), float(box[1])
            except (ValueError, IndexError):
                continue
            chunk = "".join(text(code) or "" for code in element.iter() if local(code) == "textcode")
            if chunk:
                row = next((r for r in rows if abs(r - y) <= 1.5), y)
                rows[row].append((x, chunk))
        for y in sorted(rows):
            out.append(TextLine("  ".join(chunk for _, chunk in sorted(rows[y]))))
    return out
