"""税费缴纳: the unpaid list (未缴款), the payment page under the bank agreement (三方协议), 缴款成功.

The values on the payment page are found by their labels (应缴金额, 开户银行, 缴款账号, 三方协议号, 申报序号 —
GUESS, the replica's), the replica's ids as fallback. ``pay`` checks the amount in the portal's confirm
dialog against the amount the owner approved before it presses 确定.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from playwright.sync_api import Page

from books.periods import Quarter
from core.errors import LoginRequired, PageChanged
from sites.etax.errors import LABEL, SITE, AlreadyPaid, NoPaymentDue, PaymentRefused
from sites.etax.pages.filed import VAT_TITLE
from sites.etax.pages.guards import Prompt, SessionWall, first_shown
from sites.etax.pages.locate import Fallback, labelled, money, period_pattern, quarter, visible
from sites.etax.pages.portal import Portal

REPAID = re.compile("已缴纳|重复缴款")


@dataclass(frozen=True)
class PaymentInfo:
    """What the owner approves before the debit."""

    serial: str
    """申报序号 of the return being paid"""
    amount: Decimal
    bank: str
    account_masked: str
    """As the portal shows it: first and last digits only"""
    agreement_no: str


class UnpaidList:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.portal = Portal(page, base_url)
        self.table = Fallback(page, "未缴款列表", page.get_by_role("table", name="未缴款"),
                              page.locator("table").filter(has_text="应缴金额"))

    def open(self) -> None:
        self.portal.side("税费缴纳")
        self.portal.wait_ready(self.table.any)

    def start_payment(self, period: "str | Quarter", name: str = VAT_TITLE) -> None:
        """Click 立即缴款 on the quarter's row of return ``name``; ``NoPaymentDue`` when it is not on the list."""
        row = (self.table.resolve().locator("tr").filter(has_text=name)
               .filter(has_text=period_pattern(period)))
        if not row.count():
            raise NoPaymentDue(f"未缴款列表里没有{quarter(period).label}的{name}", site=SITE, url=self.page.url)
        row.first.get_by_role("link", name="立即缴款").click()


class PaymentPage:
    def __init__(self, page: Page):
        self.page = page
        self.wall = SessionWall(page)
        self.prompt = Prompt(page)
        self.amount = Fallback(page, "应缴金额", page.locator("#pay-amount"), labelled(page, "应缴金额"))
        self.bank = Fallback(page, "开户银行", page.locator("#agreement-bank"), labelled(page, "开户银行"))
        self.account = Fallback(page, "缴款账号", page.locator("#agreement-account"), labelled(page, "缴款账号"))
        self.agreement = Fallback(page, "三方协议号", page.locator("#agreement-no"), labelled(page, "三方协议号"))
        self.serial = labelled(page, "申报序号")
        self.pay_button = visible(page.get_by_role("button", name="确认缴款"))
        self.success = visible(page.get_by_role("heading", name="缴款成功"))
        self.voucher = Fallback(page, "电子缴税凭证号", page.locator("#pay-voucher"), labelled(page, "电子缴税凭证号"))

    def ready(self) -> None:
        self.pay_button.or_(self.wall.union).first.wait_for()
        self.wall.raise_if_up()

    def info(self) -> PaymentInfo:
        amount = money(self.amount.resolve().inner_text())
        if amount is None:
            raise PageChanged("缴款页上读不到应缴金额", site=SITE, url=self.page.url)
        return PaymentInfo(serial=self.serial.first.inner_text().strip() if self.serial.count() else "",
                           amount=amount, bank=self.bank.resolve().inner_text().strip(),
                           account_masked=self.account.resolve().inner_text().strip(),
                           agreement_no=self.agreement.resolve().inner_text().strip())

    def pay(self, amount: Decimal | None = None) -> str:
        """确认缴款 → confirm → 缴款成功; returns the 电子缴税凭证号.

        With ``amount`` (what the owner approved), a page or confirm dialog naming another amount is
        refused before the debit."""
        if amount is not None and self.info().amount != Decimal(amount).quantize(Decimal("0.01")):
            raise PaymentRefused(f"缴款页的应缴金额{self.info().amount}元和批准的{Decimal(amount):.2f}元不一致",
                                 site=SITE, url=self.page.url)
        self.pay_button.first.click()
        first_shown(self.page, {"wall": self.wall.texts, "prompt": self.prompt.box})
        self.wall.raise_if_up()
        message = self.prompt.message()
        if amount is not None and not _names_amount(message, Decimal(amount)):
            self.prompt.press("取消")
            raise PaymentRefused(f"缴款确认框的金额和批准的{Decimal(amount):.2f}元不一致：{message}", site=SITE,
                                 url=self.page.url)
        self.prompt.press("确定")
        shown = first_shown(self.page, {"wall": self.wall.union, "done": self.success, "prompt": self.prompt.box})
        if shown == "wall":
            raise LoginRequired(f"{LABEL}登录已失效，税款没有缴纳，需要重新登录", site=SITE, url=self.page.url)
        if shown == "prompt":
            message = self.prompt.message()
            self.prompt.dismiss()
            raise (AlreadyPaid if REPAID.search(message) else PaymentRefused)(message, site=SITE, url=self.page.url)
        return self.read_voucher()

    def read_voucher(self) -> str:
        text = self.voucher.resolve().inner_text()
        found = re.search(r"\d{6,}", text)
        if not found:
            raise PageChanged(f"缴款成功页上读不到电子缴税凭证号：{text!r}", site=SITE, url=self.page.url)
        return found.group(0)


def _names_amount(message: str, amount: Decimal) -> bool:
    """Whether the dialog names the amount (GUESS: a dialog naming no amount at all is accepted)."""
    named = [money(m) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", message)]
    return not named or amount.quantize(Decimal("0.01")) in named
