"""The content rules (everything but platform limits): each turns one field's text into findings.

Word-list rules are data (``compliance/data``); this module only says how a match is reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from compliance import injection
from compliance.contact import contact_findings
from compliance.context import harmless
from compliance.draft import Finding
from compliance.wordlist import Hit, WordList, fold, load, workspace_list


@dataclass(frozen=True)
class ListRule:
    """A word list reported with one rule name, severity and message."""

    rule: str
    list_name: str
    message: str
    """``{text}`` is the matched words; a rewrite hint is appended when the list gives one."""

    def findings(self, field: str, text: str) -> list[Finding]:
        words = load(self.list_name)
        return [hit_finding(self.rule, "blocking", field, text, hit, self.message, words.source)
                for hit in claims(words, text)]


def claims(words: WordList, text: str) -> list[Hit]:
    """The list's matches in ``text`` that its context does not make harmless (``compliance.context``)."""
    return [h for h in words.find(text) if not harmless(text, h.start, h.end, h.term, words.name)]


LIST_RULES = (
    ListRule("ad_law.absolute", "ad_law_absolute", "「{text}」属于绝对化用语，广告法禁止使用"),
    ListRule("medical_claim", "medical_claims", "「{text}」涉及疾病预防、治疗或保健功效，普通食品和化妆品不能这样宣传"),
    ListRule("financial_claim", "financial_claims", "「{text}」是对收益或风险的保证性承诺，广告法禁止"),
)


def hit_finding(rule: str, severity: str, field: str, text: str, hit: Hit, message: str,
                source: str) -> Finding:
    found = text[hit.start:hit.end]
    message = message.format(text=found)
    suggestion = None
    if hit.rewrites is not None:
        suggestion = hit.rewrites[0] if hit.rewrites else ""
        if hit.rewrites:
            message += "，可改为" + "或".join(f"「{r}」" for r in hit.rewrites)
        else:
            message += "，建议删除"
    return Finding(rule, severity, field, hit.start, hit.end, found, message, suggestion, source, hit.overridable)


# "最" + a Chinese character that neither a term nor an allowed phrase covers (最新, 最美 …).
_ZUI = re.compile(r"最[\u4e00-\u9fff]")


def zui_warnings(field: str, text: str) -> list[Finding]:
    """Other "最" words: a superlative about the product is illegal, but many uses are harmless, so warn."""
    words = load("ad_law_absolute")
    folded = fold(text)
    covered = [(h.start, h.end) for h in words.find(text)] + words.allowed_spans(folded)
    findings = []
    for m in _ZUI.finditer(text):
        if any(a <= m.start() < b for a, b in covered) or harmless(text, m.start(), m.end(), m.group()):
            continue
        findings.append(Finding(
            "ad_law.superlative", "warning", field, m.start(), m.end(), m.group(),
            f"「{m.group()}」含“最”：如果是在说商品或服务“最…”，属于绝对化用语，请改写；只是描述事实可以保留",
            None, words.source))
    return findings


# A stated period: a date (3月8日, 2025-03-08), a clock time (20:00, 8点), or the words that introduce one.
_PERIOD = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[-/.年]\d{1,2}|\d{1,2}\s*[:：]\s*\d{2}"
                     r"|\d{1,2}\s*[点时]|截止|截至|活动时间|活动期间|活动规则|起止")


def promotion_warnings(texts: dict[str, str]) -> list[Finding]:
    """Time-limited promotion words in a draft that nowhere says when the promotion runs."""
    if any(_PERIOD.search(t) for t in texts.values()):
        return []
    words = load("promotion_terms")
    return [hit_finding("promotion.no_terms", "warning", field, text, hit,
                        "「{text}」是限时促销说法，但内容里没有写活动时间，请写明起止时间和活动规则",
                        words.source)
            for field, text in texts.items() for hit in words.find(text)]


def workspace_findings(field: str, text: str, words: WordList) -> list[Finding]:
    return [hit_finding("workspace.banned", "blocking", field, text, hit, "「{text}」是本店设置的禁用词",
                        words.source) for hit in words.find(text)]


# A sentence: up to its end mark or line end (an English sentence keeps its inner full stops).
_SENTENCE = re.compile(r"[^。！？!?；;\n]+?(?:[。！？!?；;]|\.(?=\s)|(?=\n)|$)")
INJECTION_SOURCE = "提示注入防护：资料里的指令不是内容"


def injection_findings(field: str, text: str) -> list[Finding]:
    """Sentences written to an AI, not to the reader (``compliance.injection``): text planted in a document
    that a model obeyed or the writer quoted. Blocks; the owner may keep a sentence she did mean, with a
    reason, but a run holding one never publishes without her seeing it (``compliance.gate``)."""
    findings = []
    for start, end in sentence_spans(text):
        why = injection.reasons(text[start:end])
        if why:
            findings.append(injection_finding(field, text, start, end, why))
    return findings


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Each sentence's (start, end) in ``text``, leading blanks left out."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            spans.append((start, end))
    return spans


def injection_finding(field: str, text: str, start: int, end: int, why: list[str]) -> Finding:
    found = text[start:end]
    return Finding("injection", "blocking", field, start, end, found,
                   f"「{found}」像是写给AI的指令（{'、'.join(why)}），不是写给读者的内容，可能是资料里被人插入的文字，建议删除",
                   "", INJECTION_SOURCE, overridable=True)


def content_findings(texts: dict[str, str], extra_banned, allowed_contacts=()) -> list[Finding]:
    """Every content rule over every text field; contact details the owner allowed are not findings."""
    own = workspace_list(extra_banned)
    findings = []
    for field, text in texts.items():
        for rule in LIST_RULES:
            findings += rule.findings(field, text)
        findings += zui_warnings(field, text)
        findings += workspace_findings(field, text, own)
        findings += contact_findings(field, text, allowed_contacts)
        findings += injection_findings(field, text)
    return findings + promotion_warnings(texts)
