"""Contact details and links in a post: WeChat ids, phone numbers, QQ, e-mail addresses, URLs.

Xiaohongshu, Douyin and Taobao punish leading buyers off the platform (站外引流: a post is limited or
removed, the account restricted), and a line such as 「加微信 tea_888 领返现」 is also how text smuggled into
a knowledge document shows up in a draft. Each one blocks; the owner may publish anyway with a reason
(her own shop's customer-service number on a Taobao page, say).
"""
from __future__ import annotations

import re

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


def contact_findings(field: str, text: str) -> list[Finding]:
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
            findings.append(Finding(
                "contact", "blocking", field, start, end, text[start:end],
                f"「{text[start:end]}」是{kind}，平台会按站外引流处罚（限流、删帖、封号），建议删除",
                "", SOURCE, overridable=True))
    return findings
