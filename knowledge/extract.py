"""Uploaded file bytes -> plain text. Supported: .txt, .md, .docx, .pdf.

Headings found in the file (Markdown ``#`` lines, Word heading styles) come out as lines starting with
``#`` so the chunker can keep them with the text they introduce. Anything refused raises a
``KnowledgeError`` on the field ``file`` with the limit and a message the owner can act on.
"""
from __future__ import annotations

import io
import os
import re
import time
import unicodedata
import zipfile

from knowledge.errors import KnowledgeError

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_CHARS = 300_000
"""A guard on extracted text: far beyond any brand guide (a 300-page book), small enough to cut into words
and index in a few seconds."""
MAX_BLOCKS = 20_000
"""Paragraphs and tables of a Word file: a real document has hundreds; a file of tens of thousands of empty
paragraphs is made to keep the server busy."""
MAX_PAGES = 500
MAX_SECONDS = 20
"""Reading a Word file or a PDF stops itself after this long, with the owner's message; the whole reading runs
in the web server's parse process (``core.offload``), which kills it at ``Settings.parse_limit_s`` anyway."""
KINDS = ("txt", "md", "docx", "pdf")

# Control characters other than tab/newline mean the bytes are not really text.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def kind_of(name: str) -> str:
    """The document kind from the file name, or a KnowledgeError for anything else."""
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext == "markdown":
        ext = "md"
    if ext not in KINDS:
        raise KnowledgeError("file", "txt/md/docx/pdf",
                             f"不支持这种文件（{ext or '无扩展名'}），请上传 TXT、Markdown、Word（.docx）或 PDF")
    return ext


def extract_text(name: str, data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """The document's text (headings as ``#`` lines), or a KnowledgeError saying why not."""
    kind = kind_of(name)
    if len(data) > max_bytes:
        raise KnowledgeError("file", f"≤ {max_bytes // MB} MB",
                             f"文件超过{max_bytes // MB}MB（当前{len(data) / MB:.1f}MB），请拆分后再上传")
    if not data.strip():
        raise KnowledgeError("file", "非空", "文件是空的")
    reader = {"txt": _plain, "md": _markdown, "docx": _docx, "pdf": _pdf}[kind]
    text = _tidy(reader(data))
    if not text:
        raise KnowledgeError("file", "含文字", "文件里没有读到文字（扫描版 PDF 或图片需要先转成文字）")
    if len(text) > MAX_CHARS:
        raise KnowledgeError("file", f"≤ {MAX_CHARS // 10000}万字",
                             f"文件文字超过{MAX_CHARS // 10000}万字，请拆分后再上传")
    return text


def _unreadable(what: str) -> KnowledgeError:
    return KnowledgeError("file", "可读取", f"文件无法读取：{what}，请确认文件没有损坏")


def _plain(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        # utf-8-sig also reads utf-8 without a BOM; GB18030 (a superset of GBK) is what Chinese Windows saves.
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_BINARY.findall(text)) <= len(text) // 1000:
            return _BINARY.sub("", text)
    raise _unreadable("不是文本文件或编码无法识别（支持 UTF-8 和 GBK）")


def _markdown(data: bytes) -> str:
    lines = []
    for line in _plain(data).splitlines():
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)  # images: keep the alt text
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links: keep the label
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)   # list markers
        line = re.sub(r"(\*\*|__|`)", "", line)
        if re.fullmatch(r"\s*(?:-{3,}|\*{3,}|\|?[\s:|-]+\|[\s:|-]*)\s*", line):
            continue  # rules and table separator rows
        lines.append(line.replace("|", " ").strip() if line.strip().startswith("|") else line)
    return "\n".join(lines)


def _docx(data: bytes) -> str:
    from docx import Document
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, XMLSyntaxError) as e:
        raise _unreadable("不是有效的 Word（.docx）文件") from e
    lines = []
    # ``Paragraph.style`` scans every style of the document on each call (seconds for a few thousand
    # paragraphs): resolve each style id once.
    style_names: dict[str | None, str] = {}
    deadline = time.monotonic() + MAX_SECONDS
    for count, block in enumerate(document.iter_inner_content(), 1):
        if count > MAX_BLOCKS or time.monotonic() > deadline:
            raise KnowledgeError("file", f"≤ {MAX_BLOCKS}段", f"文档段落太多（超过{MAX_BLOCKS}段），请拆分后再上传")
        if isinstance(block, Table):
            lines += _table_rows(block)
            lines.append("")
            continue
        text = block.text.strip()
        style_id = block._p.style
        if style_id not in style_names:
            style_names[style_id] = (block.style.name if block.style is not None else "") or ""
        style = style_names[style_id]
        if text and (style.startswith("Heading") or style == "Title"):
            lines += ["", f"# {text}"]
        else:
            lines.append(text)
    return "\n".join(lines)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            # A merged cell is returned once per grid column it spans.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append("：".join(cells) if len(cells) == 2 else " | ".join(cells))
    return rows


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip().startswith(b"%PDF"):
        raise _unreadable("不是有效的 PDF 文件")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise KnowledgeError("file", "未加密", "PDF 设置了密码，请去掉密码后再上传")
        if len(reader.pages) > MAX_PAGES:
            raise KnowledgeError("file", f"≤ {MAX_PAGES}页", f"PDF 超过{MAX_PAGES}页，请拆分后再上传")
        deadline, texts = time.monotonic() + MAX_SECONDS, []
        for page in reader.pages:
            if time.monotonic() > deadline:
                raise KnowledgeError("file", f"≤ {MAX_SECONDS}秒", "PDF 太复杂，读取时间过长，请拆分或另存后再上传")
            texts.append(page.extract_text() or "")
        return "\n\n".join(texts)
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise _unreadable("PDF 内容损坏") from e


# PDF fonts often map common characters to look-alike radical code points (⼀ for 一, ⻰ for 龙): Kangxi
# radicals have a compatibility mapping (NFKC), the radicals supplement needs this table. NFKC is not
# applied to the whole text because it would also turn Chinese punctuation (，？) into ASCII.
_RADICALS = str.maketrans("⻰⻓⻔⻋⻅⻆⻢⻩⻥⻦⻬⻮⻜⻚⻛⻘⻄⻉⻁⻤⻈⻙⻠⻣⻧⻨⻪⻝⻗⻖⻏",
                          "龙长门车见角马黄鱼鸟齐齿飞页风青西贝虎鬼讠韦饣骨卤麦黾食雨阝阝")
_KANGXI = re.compile(r"[\u2f00-\u2fdf]")


def _fix_radicals(text: str) -> str:
    text = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(_RADICALS)


def _tidy(text: str) -> str:
    text = _fix_radicals(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
