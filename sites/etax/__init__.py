"""The electronic tax bureau (电子税务局) adapter: page objects composed into the tax-filing intents.

Login (tpass: credit code + user + password; slider, SMS code and face check are the owner's), the
quarterly small-scale VAT return (申报清册 → read the pre-filled figures → fill → 提交申报), the filed
list read-back, and payment under the bank agreement (三方协议). Playwright's own errors stop here:
every public method runs inside ``sites.common.boundary``. A page object never decides a business
outcome; it reports what the portal said, in the portal's words, as a typed error.
"""
from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from playwright.sync_api import Page

from books.periods import Quarter
from core.errors import LoginRequired, PageChanged
from core.settings import Settings
from sites.common import boundary, fence_entry, session_state
from sites.etax.errors import LABEL, SITE
from sites.etax.pages.declare import DeclareList
from sites.etax.pages.filed import VAT_TITLE, Filed, FiledList
from sites.etax.pages.locate import period_pattern, quarter, visible
from sites.etax.pages.login import LoginPage
from sites.etax.pages.payment import PaymentInfo, PaymentPage, UnpaidList
from sites.etax.pages.pit_form import PIT_TITLE, PitForm
from sites.etax.pages.portal import Portal
from sites.etax.pages.vat_form import Key, VatForm

Period = str | Quarter
"""``2026Q3``, ``2026年第3季度``, a ``books.periods.Quarter`` or the portal's ``2026-07-01 至 2026-09-30``."""


class EtaxAdapter:
    workflows = ("tax_filing",)
    """Names in ``graphs.GRAPHS`` this site's adapter serves."""
    login_kind = "password"
    """Signs in with the taxpayer's stored login (credit code, user, password), not with a QR scan."""
    limits = None
    """No content rules: what is filed is computed from the books (``books.vat``)."""
    name = SITE
    label = LABEL

    def __init__(self, base_url: str, settings: Settings | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.settings = settings or Settings()

    def allowed_hosts(self) -> list[str]:
        """The base URL's host; on the real portal also its tpass twin (GUESS: ``etax.<province>`` ↔
        ``tpass.<province>.chinatax.gov.cn``, the pair real-sites.md §4 names)."""
        host = urlsplit(self.base_url).hostname or ""
        if not host.endswith("chinatax.gov.cn"):
            return [fence_entry(self.base_url)]
        first, _, rest = host.partition(".")
        return [host, *(f"{twin}.{rest}" for twin in ("tpass", "etax") if twin != first)]

    # -- login ---------------------------------------------------------------------------------
    def open_login(self, page: Page) -> None:
        with self._boundary(page):
            LoginPage(page, self.base_url).open()

    def log_in(self, page: Page, credit_code: str, user: str, password: str) -> None:
        """Raises SliderRequired / CodeRequired / FaceCheckRequired when the portal asks; call again after
        the owner's slider drag, ``enter_login_code`` after a code, ``logged_in`` after the face check."""
        with self._boundary(page):
            LoginPage(page, self.base_url).log_in(credit_code, user, password)

    def logged_in(self, page: Page) -> bool:
        with self._boundary(page):
            return LoginPage(page, self.base_url).logged_in()

    def enter_login_code(self, page: Page, code: str) -> None:
        with self._boundary(page):
            LoginPage(page, self.base_url).enter_code(code)

    def login_qr(self, page: Page) -> str | None:
        """The face-check QR shown now (refreshed when expired); None when none is shown."""
        with self._boundary(page):
            return LoginPage(page, self.base_url).qr_data_url()

    def slider_box(self, page: Page) -> dict:
        """``{"knob": box, "track": box, "travel": px}`` in page coordinates, for replaying the owner's drag."""
        with self._boundary(page):
            return LoginPage(page, self.base_url).slider_box()

    def human_page(self, page: Page) -> Page:
        """The tab the owner must see for a slider: the login page itself."""
        return page

    def slider_gone(self, page: Page) -> bool:
        """The portal accepted the drag (``验证通过``); it resets a refused slider by itself."""
        with self._boundary(page):
            return LoginPage(page, self.base_url).slider_passed.count() > 0

    def slider_retry(self, page: Page) -> None:
        """Nothing to press: a refused slider goes back to its start by itself."""

    def close_notices(self, page: Page) -> int:
        with self._boundary(page):
            return Portal(page, self.base_url).close_notices()

    def session_alive(self, page: Page) -> bool:
        with self._boundary(page):
            try:
                Portal(page, self.base_url).ensure()
            except LoginRequired:
                return False
            return True

    def check_session(self, page: Page) -> str:
        return session_state(lambda: self.session_alive(page))

    # -- the VAT return ----------------------------------------------------------------------------
    def open_vat_return(self, page: Page, period: Period) -> None:
        """申报清册 → the quarter's return. ``AlreadyFiled`` (with the filed row) when it shows 已申报."""
        self._open_form(page, period, VAT_TITLE, VatForm(page), "申报表")

    def read_prefilled(self, page: Page) -> dict[Key, Decimal]:
        """Every cell as the portal shows it now (call right after ``open_vat_return``)."""
        with self._boundary(page):
            return VatForm(page).read()

    def fill_return(self, page: Page, values: dict[Key, Decimal]) -> dict[Key, Decimal]:
        """Type ``values`` into the editable cells (others set to 0), read every cell back; the read-back."""
        with self._boundary(page):
            return VatForm(page).fill(values)

    def submit_return(self, page: Page) -> str:  # the VAT return or the A表: the same 提交申报
        """提交申报 → 确定 → 申报成功; the 申报序号. Refusals: ContentRejected with the portal's words."""
        with self._boundary(page):
            return VatForm(page).submit()

    def find_filed(self, page: Page, period: Period, name: str = VAT_TITLE) -> Filed | None:
        """The quarter's return ``name`` in 申报信息查询; None when it is not listed."""
        with self._boundary(page):
            listing = FiledList(page, self.base_url)
            listing.open()
            return listing.find(period, name)

    # -- the business-income prepayment (经营所得 A表) ---------------------------------------------------
    def open_pit_return(self, page: Page, period: Period) -> None:
        """申报清册 → the quarter's A表. ``AlreadyFiled`` (with the filed row) when it shows 已申报."""
        self._open_form(page, period, PIT_TITLE, PitForm(page), "A表")

    def _open_form(self, page: Page, period: Period, title: str, form: VatForm, what: str) -> None:
        """申报清册 → the return ``title`` of the quarter, ready, and showing that quarter."""
        with self._boundary(page):
            listing = DeclareList(page, self.base_url)
            listing.open()
            listing.open_return(period, title)
            form.ready()
            if not visible(page.get_by_text(period_pattern(period))).count():
                raise PageChanged(f"打开的{what}不是{quarter(period).label}的", site=SITE, url=page.url)

    def read_pit_prefilled(self, page: Page) -> dict[str, Decimal]:
        """Every A表 field as the portal shows it now (已缴税额 is the portal's own record)."""
        with self._boundary(page):
            return PitForm(page).read()

    def fill_pit_return(self, page: Page, values: dict[str, Decimal]) -> dict[str, Decimal]:
        """Type the A表's editable fields; every field of ``values`` must read back as given."""
        with self._boundary(page):
            return PitForm(page).fill(values)

    # -- payment -------------------------------------------------------------------------------
    def open_payment(self, page: Page, period: Period, name: str = VAT_TITLE) -> PaymentInfo:
        """未缴款 → 立即缴款 for the quarter's return ``name``; what the debit will be. ``NoPaymentDue`` when not listed."""
        with self._boundary(page):
            unpaid = UnpaidList(page, self.base_url)
            unpaid.open()
            unpaid.start_payment(period, name)
            pay_page = PaymentPage(page)
            pay_page.ready()
            return pay_page.info()

    def pay(self, page: Page, amount: Decimal | None = None) -> str:
        """确认缴款 → 确定 → 缴款成功; the 电子缴税凭证号. With ``amount``, any other amount is refused."""
        with self._boundary(page):
            return PaymentPage(page).pay(amount)

    def find_payment(self, page: Page, period: Period, name: str = VAT_TITLE) -> Filed | None:
        """The quarter's row in the filed list; its ``pay_status`` / ``paid`` is the payment read-back."""
        return self.find_filed(page, period, name)

    def _boundary(self, page: Page):
        return boundary(page, SITE, LABEL)  # Playwright's errors stop here (sites.common)
