"""read_invoice: which format a file is, reading it, and the checks every reading gets."""
from __future__ import annotations

from books.invoices import checks, values
from books.invoices.limits import MAX_BYTES, megabytes
from books.invoices.reading import KEY_FIELDS, LABELS, Field, InvoiceRefused, Line, Reading

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"BM", b"GIF8", b"II*\x00", b"MM\x00*")
_IMAGE_NAMES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".heic", ".heif")
_NAMES = {"xml": "XML文件", "pdf": "PDF文件", "ofd": "OFD文件"}
SUPPORTED = "支持：数电票XML、PDF、OFD，或发票照片（JPG/PNG/WEBP）"


def read_invoice(data: bytes, filename: str, *, own_tax_id: str | None) -> Reading:
    """Reads one invoice file; raises InvoiceRefused (a Chinese message naming the limit) for a bad file.

    The format is taken from the file's first bytes (the name only breaks ties): a photo named .pdf is
    still a photo. Never touches the network; the OCR model is loaded only when a photo comes.
    """
    if not data:
        raise InvoiceRefused("file", f"发票文件「{filename}」是空的（0字节）", limit="不能为空")
    if len(data) > MAX_BYTES:
        raise InvoiceRefused("file", f"发票文件「{filename}」有{megabytes(len(data))}，超过{megabytes(MAX_BYTES)}上限",
                             limit=f"≤ {megabytes(MAX_BYTES)}")
    source = sniff(data, filename)
    if source == "xml":
        from books.invoices.from_xml import read_xml
        fields, lines, warnings = read_xml(data)
    elif source == "pdf":
        from books.invoices.from_pdf import read_pdf
        fields, lines, warnings = read_pdf(data)
    elif source == "ofd":
        from books.invoices.from_ofd import read_ofd
        fields, lines, warnings = read_ofd(data)
    else:
        from books.invoices.from_photo import read_photo
        fields, lines, warnings = read_photo(data)
    return finish(source, fields, lines, warnings, own_tax_id)


def sniff(data: bytes, filename: str) -> str:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    name = filename.lower()
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "ofd"
    if head.startswith(b"<") or head.startswith(b"\xff\xfe<") or head.startswith(b"\xfe\xff\x00<"):
        return "xml"
    if head.startswith(_IMAGE_MAGIC) or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "photo"
    if name.endswith(_IMAGE_NAMES):
        return "photo"
    kind = name.rsplit(".", 1)[-1].upper() if "." in name else "未知"
    raise InvoiceRefused("file", f"发票文件「{filename}」的内容不是可识别的发票格式（扩展名：{kind}）。{SUPPORTED}",
                         limit=SUPPORTED)


def finish(source: str, fields: dict[str, Field], lines: list[Line], warnings: list[str],
           own_tax_id: str | None) -> Reading:
    """Every key present, the invoice's rate from its lines when not printed, the checks, the direction."""
    fields = {key: fields.get(key) or Field(None, 0.0, label) for key, label in LABELS.items()}
    if source != "photo" and not any(f.value for f in fields.values()):
        # a photo may still be worth typing from; a document with none of the labels is not an invoice
        raise InvoiceRefused("file", f"{_NAMES[source]}里没有找到任何发票信息（发票号码、开票日期、金额等），"
                             f"不像是发票", limit="需为发票")
    if fields["rate"].value is None:
        fields["rate"] = _rate_from_lines(lines, fields["rate"], warnings, 0.85 if source == "photo" else 1.0)
    if fields["number"].value and len(fields["number"].value) == 20 and fields["code"].value is None:
        fields["code"] = Field(None, 1.0, LABELS["code"])  # a 数电票 has no 发票代码: nothing is missing
    checks.check(fields, lines, warnings)
    missing = [LABELS[k] for k in KEY_FIELDS if fields[k].value is None and fields[k].unsure]
    if missing:
        warnings.insert(0, "未识别到：" + "、".join(missing) + "，请补充")
    return Reading(source=source, fields=fields, lines=lines,
                   direction=direction(fields, own_tax_id, warnings), warnings=warnings)


def direction(fields: dict[str, Field], own_tax_id: str | None, warnings: list[str]) -> str | None:
    """income when the workspace issued the invoice (it is the seller), expense when it is the buyer."""
    own = values.tax_id(own_tax_id)
    if not own:
        return None
    if fields["seller_tax_id"].value == own:
        return "income"
    if fields["buyer_tax_id"].value == own:
        return "expense"
    warnings.append(f"销售方和购买方的纳税人识别号都不是本店的（{own}），无法判断是收入还是支出")
    return None


def _rate_from_lines(lines: list[Line], current: Field, warnings: list[str], confidence: float) -> Field:
    rates = {line.rate for line in lines if line.rate is not None}
    if len(rates) == 1:
        return Field(rates.pop(), confidence, current.label)
    if len(rates) > 1:
        shown = "、".join(f"{float(r) * 100:g}%" for r in sorted(rates))
        warnings.append(f"明细有多个税率（{shown}），税率一栏留空，请按明细记账")
    return current
