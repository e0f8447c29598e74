"""The Taobao seller back-end (千牛 / 卖家中心) adapter: page objects composed into listing intents.

Listing is its own workflow (not ``SiteAdapter`` publishing) but keeps the shape: login intents,
``fill(page, product) -> fields``, ``submit(page)``, ``find_listed(page, product, since)``. The publish
form opens in a NEW TAB: ``fill`` keeps it as ``form_page`` and every later call finds it again in the
page's browser context (``form_tab``), so the caller may keep passing the page it started with.

Playwright's own errors stop here: every public method turns them into ``core.errors`` types.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from playwright.sync_api import Page

from core.errors import PublishFailed
from core.settings import Settings
from sites.common import allowed_hosts, boundary, site_wall_time, session_state
from sites.inbound import Inbound, ReplyProof, check_reply_text, unreplied_first
from sites.taobao.errors import SITE, BaxiaSlider, ValueNotSet
from sites.taobao.limits import limits as taobao_limits
from sites.taobao.pages import guards, login
from sites.taobao.pages.category import CategoryPage
from sites.taobao.pages.inbox import InboxPage
from sites.taobao.pages.items import LISTS, ItemList, Listed
from sites.taobao.pages.publish import PublishForm
from sites.taobao.pages.sku import money
from sites.taobao.pages.submit import Submitted, Submitter
from sites.taobao.pages.trade import RefundList, SoldList
from sites.stats import Reading, Stats, number
from sites.taobao.pages.urls import REAL_DOMAIN, REAL_HOSTS, SiteUrls
from sites.taobao.product import Product

__all__ = ["TaobaoAdapter", "Listed", "Submitted", "REAL_HOSTS"]

# What the real seller pages reach besides the base host (item.upload.taobao.com). The three page hosts
# and the login hosts are from real-sites.md; the static, upload and API hosts are GUESS.
REAL_EXTRA_HOSTS = [
    *(url.split("//", 1)[1] for url in REAL_HOSTS.values() if "item.upload" not in url),
    "login.taobao.com", "passport.taobao.com", "g.alicdn.com", "img.alicdn.com", "gw.alicdn.com",
    "assets.alicdn.com", "at.alicdn.com", "sucai.taobao.com", "stream-upload.taobao.com",
    "h5api.m.taobao.com", "item.taobao.com",
]


class TaobaoAdapter:
    workflows = ("listing", "collect")
    """Names in ``graphs.GRAPHS`` this site's adapter serves."""
    name = "taobao"
    label = "淘宝"
    limits = taobao_limits

    def __init__(self, base_url: str, settings: Settings | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.settings = settings or Settings()
        self.urls = SiteUrls(self.base_url)
        self.form_page: Page | None = None
        """The publish form's tab, opened by ``fill``."""
        self.warnings: list[str] = []
        """Words of the warning dialogs confirmed during the last submit (also in ``Submitted``)."""
        self.allowed: Collection[str] = ()
        """What the last submit may confirm (kept for ``resume_submit`` after a slider)."""

    def allowed_hosts(self) -> list[str]:
        return allowed_hosts(self.base_url, REAL_DOMAIN, REAL_EXTRA_HOSTS)

    # -- login ---------------------------------------------------------------------------------
    def open_login(self, page: Page) -> None:
        with self._boundary(page):
            login.LoginPage(page, self.urls).open()

    def login_qr(self, page: Page) -> str | None:
        with self._boundary(page):
            return login.LoginPage(page, self.urls).qr_data_url()

    def logged_in(self, page: Page) -> bool:
        """True on the seller home; raises CodeRequired (SMS step) or BaxiaSlider (slider)."""
        with self._boundary(page):
            return login.LoginPage(page, self.urls).logged_in()

    def enter_login_code(self, page: Page, code: str) -> None:
        with self._boundary(page):
            login.LoginPage(page, self.urls).enter_code(code)

    def session_alive(self, page: Page) -> bool:
        with self._boundary(page):
            return login.session_alive(page, self.urls)

    # -- numbers (已卖出的宝贝, 退款/售后, 出售中的宝贝; read-only) ---------------------------------------
    def read_stats(self, page: Page, since: datetime | None) -> Stats:
        """Orders placed since ``since`` (None: all the list shows) with their refund status, and each item
        on sale's stock. Totals (orders, revenue, refunds) are summed by the caller over the orders it keeps.
        A slider (baxia) over a data page ends the read there: ``blocked`` names the page, the rest holds what
        the pages before it showed."""
        with self._boundary(page):
            got = Stats()
            try:
                self._read_shop(page, since, got)
            except BaxiaSlider:
                pass  # never dragged: the project does not defeat a site's human check; what was read is kept
            return got

    def _read_shop(self, page: Page, since: datetime | None, got: Stats) -> None:
        """Fills ``got`` page by page, so a slider on a later page leaves the earlier pages' numbers in it;
        ``got.blocked`` names the page under way until the last is read (the page a slider stopped it on)."""
        timeout = self.settings.browser_timeout_ms
        got.blocked, got.pages = "已卖出的宝贝", got.pages + 1
        sold = SoldList(page, self.urls, timeout)
        sold.open()
        got.pages += sold.read(since, got.orders)
        got.blocked, got.pages = "退款/售后", got.pages + 1
        refund_list = RefundList(page, self.urls, timeout)
        refund_list.open()
        refunds: dict[str, tuple[str, str]] = {}
        got.pages += refund_list.read(since, refunds)  # a slider in the list leaves the refunds unused
        for order in got.orders:  # the refund list's word wins: the order list may lag behind it
            if order.order_no in refunds:
                order.refund_status = refunds[order.order_no][0] or order.refund_status
        got.refunds = {no: st for no, (st, _fee) in refunds.items()}
        got.blocked, got.pages = "出售中的宝贝", got.pages + 1
        shelf = ItemList(page, self.urls)
        shelf.open("on_sale")
        guards.raise_if_slider(page, "stats")
        got.readings = [Reading("item", i.item_id, "stock", number(i.quantity)) for i in shelf.items("on_sale")]
        got.blocked = ""

    def check_session(self, page: Page) -> str:
        return session_state(lambda: self.session_alive(page))

    # -- listing -------------------------------------------------------------------------------
    def fill(self, page: Page, product: Product) -> dict[str, str]:
        """Category step, then the publish form in its new tab; returns the fields read back."""
        with self._boundary(page):
            self._close_old_forms(page)
            category = CategoryPage(page, self.urls)
            category.open()
            keyword, wanted = product.category_query()
            category.search(keyword)
            path = category.choose(keyword, wanted)
            category.properties.fill(product.properties)
            self.form_page = category.next()
        with self._boundary(self.form_page):
            return {"category": path, **self._fill_form(PublishForm(self.form_page, self.settings.upload_timeout_ms),
                                                        product)}

    def _fill_form(self, form: PublishForm, product: Product) -> dict[str, str]:
        form.wait_ready()
        props = form.properties.fill(product.properties)
        fields = {"properties": "；".join(f"{k}：{v}" for k, v in props.items()),
                  "title": form.set_title(product.title)}
        if product.skus:
            rows = form.sku.fill(product)
            fields["skus"] = "；".join(f"{r['sku']} ¥{r['price']} ×{r['stock']}" for r in rows)
            self._check_totals(form, product)
        else:
            form.set_price_and_stock(product.price, product.stock)
        fields["price"], fields["stock"] = form.derived_totals()
        if product.outer_id:
            fields["outer_id"] = form.set_outer_id(product.outer_id)
        fields["images"] = str(form.add_main_images(product.main_images))
        if product.desc_images:
            fields["desc_images"] = str(form.add_desc_images(product.desc_images))
        at = site_wall_time(product.shelf_at) if product.shelf == "at" and product.shelf_at else None
        fields["shelf"] = form.set_shelf(product.shelf, at)
        self._check_unchanged(form, fields)
        return fields

    def _check_totals(self, form: PublishForm, product: Product) -> None:
        price, stock = form.derived_totals()
        for what, want, shown in (("一口价（SKU最低价）", money(product.listed_price()), price),
                                  ("总库存（SKU库存之和）", str(product.total_stock()), stock)):
            if shown != want:
                raise ValueNotSet(f"{what}应为{want}，页面显示「{shown}」", field=what, wanted=want, shown=shown,
                                  site=SITE, url=form.page.url)

    def _check_unchanged(self, form: PublishForm, fields: dict[str, str]) -> None:
        """The last look before the screenshot: every later change re-renders the form, so the typed
        values are read once more."""
        now = {"title": form.title.resolve().input_value(), "shelf": form.shelf_shown()}
        now["price"], now["stock"] = form.derived_totals()
        for key, shown in now.items():
            if shown != fields[key]:
                raise ValueNotSet(f"「{key}」填好后又变了：应为「{fields[key]}」，页面显示「{shown}」", field=key,
                                  wanted=fields[key], shown=shown, site=SITE, url=form.page.url)

    def _close_old_forms(self, page: Page) -> None:
        """A refill starts clean: an earlier attempt's form tab (or the success page it became) must not be
        taken for the new one. ``page`` comes to the front: Chromium slows the timers of a background tab,
        and the category step's search and combobox run on them."""
        paths = (self.urls.path("publish"), self.urls.path("success"))
        for tab in page.context.pages:
            if tab is not page and not tab.is_closed() and any(p in tab.url for p in paths):
                tab.close()
        page.bring_to_front()
        self.form_page = None

    def form_tab(self, page: Page) -> Page:
        """The publish form's tab (or the success page it turned into): ``page`` itself, ``form_page``, or
        the newest such tab of ``page``'s context."""
        tabs = [page, *reversed(page.context.pages)] + ([self.form_page] if self.form_page else [])
        paths = (self.urls.path("publish"), self.urls.path("success"))
        for tab in tabs:
            if not tab.is_closed() and any(p in tab.url for p in paths):
                return tab
        raise PublishFailed("发布宝贝的表单已经关闭，需要重新填写", site=SITE, url=page.url)

    def human_page(self, page: Page) -> Page:
        """The tab a human taking over should see: the one with the slider, else the form, else ``page``."""
        found = guards.slider_tab(page)
        if found is not None:
            return found
        try:
            return self.form_tab(page)
        except PublishFailed:
            return page

    def submit(self, page: Page, allowed: Collection[str] = ()) -> Submitted:
        """Press 提交宝贝信息 once; the success page's item id. A warning dialog is confirmed only when
        ``allowed`` holds its kind or its exact words (``sites.taobao.warnings``), else WarningNeedsOwner
        with the dialog left up. BaxiaSlider when the slider holds the submit: after a human passed it,
        call ``resume_submit`` (never ``submit``)."""
        self.warnings = []
        self.allowed = allowed
        form = self.form_tab(page)
        with self._boundary(form):
            return Submitter(form, self.warnings, allowed).press()

    def resume_submit(self, page: Page) -> Submitted:
        """The answer to the submit the slider held; the page re-sends it by itself after a pass."""
        form = self.form_tab(page)
        with self._boundary(form):
            return Submitter(form, self.warnings, self.allowed).outcome()

    # -- the slider (for a human take-over) ------------------------------------------------------
    def slider_box(self, page: Page) -> dict | None:
        """``{"knob": box, "track": box, "url"}`` in the slider tab's viewport coordinates; None if gone."""
        with self._boundary(page):
            return guards.slider_box(page)

    def slider_retry(self, page: Page) -> None:
        """Put a refused slider back to its start (the site's 点击框体重试), for the owner's next drag."""
        with self._boundary(page):
            guards.slider_retry(page)

    def slider_gone(self, page: Page) -> bool:
        with self._boundary(page):
            return guards.slider_tab(page) is None

    # -- 安全验证's SMS code (for the owner's code hand-off) ----------------------------------------------
    def code_prompt(self, page: Page) -> str | None:
        """What to tell the owner when a tab of ``page``'s browser asks for an SMS code (安全验证); None
        when none does. Only looks: safe to call while someone else drives the page."""
        with self._boundary(page):
            tab = guards.code_check_tab(page)
            return guards.CodeCheck(tab).prompt() if tab is not None else None

    def request_code(self, page: Page) -> None:
        """获取验证码 on the asking dialog: the SMS goes to the owner's phone."""
        with self._boundary(page):
            tab = guards.code_check_tab(page)
            if tab is not None:
                guards.CodeCheck(tab).request()

    def enter_code(self, page: Page, code: str) -> None:
        """The owner's code into the asking dialog and 确定: the change it held goes through. ``CodeRequired``
        again when the site refuses the code."""
        with self._boundary(page):
            tab = guards.code_check_tab(page)
            guards.CodeCheck(tab or page).enter(code)

    # -- read-back -----------------------------------------------------------------------------
    def find_listed(self, page: Page, product: Product, since: datetime | None = None,
                    item_id: str | None = None) -> Listed | None:
        """The item in 出售中 / 仓库中: by ``item_id`` when known, else the newest row with the title.

        ``since`` is accepted for the shape of the other adapters; the lists show no creation time."""
        order = list(LISTS) if product.shelf == "now" else list(reversed(LISTS))
        with self._boundary(page):
            items = ItemList(page, self.urls)
            for shelf in order:
                items.open(shelf)
                for row in items.items(shelf):
                    if (row.item_id == item_id) if item_id else row.title == product.title.strip():
                        return row
        return None

    # -- inbound (评价管理, 问大家) -------------------------------------------------------------------
    inbound_kinds = ("review", "question")
    """千牛 接待 (buyer chat) has no web page in public sources: only the Windows client; left out."""
    reply_limit = 500  # GUESS: the limit one public tool applies

    def read_inbox(self, page: Page, since: datetime | None) -> list[Inbound]:
        with self._boundary(page):
            items: list[Inbound] = []
            for kind in self.inbound_kinds:
                listing = InboxPage(page, self.urls, kind)
                listing.open()
                items += listing.read(since)
            return unreplied_first(items)

    def reply(self, page: Page, item: Inbound, text: str) -> None:
        check_reply_text(text, self.reply_limit, self.label)
        with self._boundary(page):
            listing = InboxPage(page, self.urls, item.kind)
            listing.open()
            listing.reply(item, text)

    def find_reply(self, page: Page, item: Inbound, text: str) -> ReplyProof | None:
        with self._boundary(page):
            listing = InboxPage(page, self.urls, item.kind)
            listing.open()
            return listing.find_reply(item, text)

    def _boundary(self, page: Page):
        return boundary(page, SITE, self.label)  # Playwright's errors stop here (sites.common)
