"""Book-keeping asked for in the owner's words on the 派活 page: 「把这个月的发票录一下」 points her to the invoice
upload and its validation cards (she checks every card, so nothing is recorded behind her back);
「出一下上个月的报表」 opens the month's report, computed from the records. Filing a return
(「把上季度增值税报了」) is a workflow and stays with the planner (``planning.filing``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from books.report import Month

INVOICES = re.compile(r"发票.{0,6}(?:录|记|入账|上传|整理|登记)|(?:录|记|整理|登记|上传).{0,6}发票")
REPORT = re.compile(r"报表|利润表|收支表|账单汇总")
MONTH = re.compile(r"(?P<rel>上个?|这个?|本|当)月|(?P<n>[一二三四五六七八九十]{1,3}|1[0-2]|[1-9])\s*月")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}


@dataclass(frozen=True)
class BookAsk:
    kind: str
    """invoices | report"""
    note: str
    """What the plan says (zh)."""
    href: str
    label: str
    """The link's text."""


def month_of(text: str, today: date) -> Month:
    """The month named (上个月, 这个月, 3月 — a month still to come is last year's), this month when none."""
    m = MONTH.search(text)
    this = Month.of(today)
    if m is None or (m.group("rel") and not m.group("rel").startswith("上")):
        return this
    if m.group("rel"):
        return this.previous()
    n = int(m.group("n")) if m.group("n").isdigit() else _CN.get(m.group("n"), this.month)
    return Month(today.year if n <= today.month else today.year - 1, n)


def book_ask(text: str, today: date) -> BookAsk | None:
    if INVOICES.search(text):
        month = month_of(text, today)
        return BookAsk("invoices", f"请在「上传发票」页上传{month.label}的发票（数电票文件或拍照）：财务助手逐张读出，"
                                   "你核对后保存才记入账本，重复的发票号码不会记两次", "/books/invoice", "上传发票")
    if REPORT.search(text):
        month = month_of(text, today)
        return BookAsk("report", f"{month.label}的月度报表按账本里的收支记录算好了，可以查看图表、导出表格或PDF",
                       f"/books/report?month={month}", f"查看{month.label}报表")
    return None
