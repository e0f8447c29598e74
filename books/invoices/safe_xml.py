"""Parsing untrusted XML (an invoice, an OFD's parts): no DTD, no entities, no network, no huge trees.

libxml2 with ``resolve_entities=False`` never expands an entity, but a file that declares any is not an
invoice anyone issued: it is refused outright, so an expansion bomb or an external entity never gets as far
as a field.
"""
from __future__ import annotations

import re

from lxml import etree

from books.invoices.reading import InvoiceRefused

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                       dtd_validation=False, remove_comments=True, remove_pis=True)


def parse(data: bytes, what: str) -> etree._Element:
    """The root element of ``data``; ``what`` names the file or part in the Chinese refusal."""
    if _declares(data):
        raise _dtd(what)
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as e:
        raise InvoiceRefused("file", f"{what}不是完整的XML，第{e.lineno}行无法读取", limit="完整的XML") from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype or _has_entities(root):
        raise _dtd(what)
    return root


def _declares(data: bytes) -> bool:
    """A DOCTYPE or ENTITY declaration anywhere (checked in the bytes, and as UTF-16 when so marked), so
    libxml2 never starts on an expansion bomb."""
    texts = [data]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        texts.append(data.decode("utf-16", "ignore").encode())
    return any(_DECLARATION.search(text) for text in texts)


def _dtd(what: str) -> InvoiceRefused:
    return InvoiceRefused("file", f"{what}含有DTD或实体声明（发票XML不会有），为安全起见拒绝读取",
                          limit="不允许DTD和实体")


def local(element: etree._Element) -> str:
    """The tag without its namespace, lower case, underscores dropped: ``XSF_MC`` and ``Xsfmc`` agree."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return etree.QName(tag).localname.lower().replace("_", "").replace("-", "") if tag else ""


def text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def _has_entities(root: etree._Element) -> bool:
    return any(isinstance(node, etree._Entity) for node in root.iter())
