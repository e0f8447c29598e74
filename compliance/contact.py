"""Contact details and links in a post: WeChat ids, phone numbers, QQ, e-mail addresses, URLs.

Xiaohongshu, Douyin and Taobao punish leading buyers off the platform (站外引流: a post is limited or
removed, the account restricted), and a line such as 「加微信 tea_888 领返现」 is also how text smuggled into
a knowledge document shows up in a draft. Each one blocks; the owner may publish anyway with a reason
(her own shop's customer-service number on a Taobao page, say).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from compliance.draft import Finding

SOURCE = "小红书、抖音、淘宝社区规范（禁止站外引流：联系方式、外部链接）"

# Order matters: an e-mail's domain is not reported again as a link.
PATTERNS = (
    ("微信号", re.compile(r"(?:加|➕|\+)?\s*(?:微信|威信|薇信|V信|v信|vx|VX|Vx|wx|WX|weixin|vχ)\s*(?:号)?\s*[:：]?\s*"
                       r"[A-Za-z][-_A-Za-z0-9]{5,19}")),
    ("微信号", re.compile(r"(?:加|➕|\+)\s*(?:微信|威信|薇信|V信|v信|vx|VX|wx|WX|微|v|V)(?![A-Za-z0-9])")),
    ("QQ号", re.compile(r"(?:QQ|qq|扣扣)\s*(?:号|群)?\s*[:：]?\s*\d{5,11}")),
    ("电子邮箱", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("网址", re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+", re.IGNORECASE)),
    ("电话号码", re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")),
)


def contact_findings(field: str, text: str, allowed: Iterable[str] = ()) -> list[Finding]:
    """Every contact detail and link in ``text`` but the owner's own (``allowed``: ids, numbers, addresses
    and domains she listed in the employee's settings)."""
    allowed = [a.strip().lower() for a in allowed if a.strip()]
    findings, taken = [], []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1] in ".,;:!?":  # the sentence's punctuation, not the link's
                end -= 1
            if any(a < end and start < b for a, b in taken):
                continue
            taken.append((start, end))
            if is_allowed(kind, text[start:end], allowed):
                continue
            findings.append(Finding(
                "contact", "blocking", field, start, end, text[start:end],
                f"「{text[start:end]}」是{kind}，平台会按站外引流处罚（限流、删帖、封号），建议删除",
                "", SOURCE, overridable=True))
    return findings


_ID = re.compile(r"[A-Za-z][-_A-Za-z0-9]{5,19}$|\d{5,11}$")


def is_allowed(kind: str, found: str, allowed: list[str]) -> bool:
    """Whether ``found`` (a match of ``kind``) is one of the owner's: the same WeChat/QQ id, the same phone
    number however it is spaced, the same e-mail address, or a link or address on an allowed domain (or
    one of its subdomains). A bare 「加微」 names nobody, so nothing allows it."""
    low = found.lower()
    if kind in ("网址", "电子邮箱"):
        host = low.rsplit("@", 1)[-1] if kind == "电子邮箱" else urlsplit(
            low if "://" in low else "http://" + low).hostname or ""
        return low in allowed or any(host == a or host.endswith("." + a) for a in allowed)
    if kind == "电话号码":
        digits = re.sub(r"\D", "", low)
        return any(len(d) >= 7 and digits.endswith(d) for d in (re.sub(r"\D", "", a) for a in allowed))
    own = _ID.search(low)
    return bool(own) and own.group() in allowed
