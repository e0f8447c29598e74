"""The category step (``item.upload.taobao.com/sell/ai/category.htm``).

Search ``input[placeholder*=类目关键词]`` (React-controlled; only Enter searches), results as category
paths ``A>B>C`` (``.sell-component-general-category-result-cate``), the required properties of the chosen
leaf, and ``确认，下一步`` which stays disabled until they are filled and then opens the publish form in
a NEW TAB. ``next`` returns that tab.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import ContentRejected, PageChanged, SiteTimeout
from sites.assertions import expect
from sites.taobao.errors import SITE, CategoryChoice
from sites.taobao.pages.guards import LoginWall, raise_if_slider, slider_frame
from sites.taobao.pages.locate import Fallback, goto, type_in, visible
from sites.taobao.pages.props import Properties
from sites.taobao.pages.urls import SiteUrls

NO_RESULT = "未找到相关类目"
FORM_URL = re.compile(r"/sell/v2/publish\.htm\?catId=\d+")


def same_path(a: str, b: str) -> bool:
    """``手机 > 手机配件>手机壳`` equals ``手机>手机配件>手机壳``."""
    def norm(p: str) -> str:
        return ">".join(part.strip() for part in p.replace("＞", ">").split(">"))
    return norm(a) == norm(b)


class CategoryPage:
    def __init__(self, page: Page, urls: SiteUrls):
        self.page = page
        self.urls = urls
        self.wall = LoginWall(page)
        self.search_box = Fallback(page, "类目搜索框", page.get_by_placeholder(re.compile("类目关键词")),
                                   page.get_by_role("textbox", name="类目搜索"))
        self.results = visible(page.locator(".sell-component-general-category-result-cate"))
        self.result_paths = self.results.locator(".sell-component-general-category-result-cate-path")
        self.no_result = visible(page.get_by_text(NO_RESULT))
        self.chosen = page.locator(".sell-component-general-category-footer-cate .bottom-path")
        self.next_button = Fallback(page, "确认，下一步", page.get_by_role("button", name="确认，下一步"),
                                    page.locator("button").filter(has_text="下一步"))
        self.properties = Properties(page, ".category-props")

    def open(self) -> None:
        goto(self.page, self.urls("category"))
        try:
            self.search_box.any.or_(self.wall.union).or_(slider_frame(self.page)).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise SiteTimeout("类目选择页没有加载出来", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        raise_if_slider(self.page, "page")

    def search(self, keyword: str) -> list[str]:
        """Type the keyword like a person, press Enter, return the result paths shown."""
        box = self.search_box.resolve()
        type_in(box, keyword)
        box.press("Enter")  # only Enter searches; there is no search button
        try:
            self.results.first.or_(self.no_result).or_(self.wall.union).first.wait_for()
        except PlaywrightTimeoutError as e:
            raise SiteTimeout(f"类目搜索「{keyword}」没有返回结果", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        if self.no_result.count():
            raise ContentRejected(f"淘宝找不到与「{keyword}」相关的类目，请换个类目关键词", site=SITE,
                                  url=self.page.url)
        return [p.strip() for p in self.result_paths.all_inner_texts()]

    def choose(self, keyword: str, wanted: str | None) -> str:
        """Click the result whose path is ``wanted``; with no path, the only result. Several results and
        no path: the owner must pick, never the first one by chance (CategoryChoice names them)."""
        paths = [p.strip() for p in self.result_paths.all_inner_texts()]
        if wanted:
            index = next((i for i, p in enumerate(paths) if same_path(p, wanted)), None)
            if index is None:
                raise ContentRejected(f"搜索结果里没有类目「{wanted}」，淘宝给出的是：{'；'.join(paths)}",
                                      site=SITE, url=self.page.url)
        elif len(paths) > 1:
            raise CategoryChoice(keyword, paths, site=SITE, url=self.page.url)
        else:
            index = 0
        self.results.nth(index).click()
        path = paths[index]
        expect(self.chosen).to_contain_text(path)
        return path

    def next(self) -> Page:
        """Press 确认，下一步 and return the publish form's new tab once it has loaded."""
        button = self.next_button.resolve()
        try:
            expect(button).to_be_enabled(timeout=5_000)
        except AssertionError as e:
            raise PageChanged("类目属性都填了，但「确认，下一步」仍不可点", site=SITE, url=self.page.url) from e
        with self.page.context.expect_page() as opened:
            button.click()
        form = opened.value
        try:
            form.wait_for_url(FORM_URL)
            form.wait_for_load_state("domcontentloaded")
        except PlaywrightTimeoutError as e:
            raise SiteTimeout("发布表单的新标签页没有打开", site=SITE, url=form.url) from e
        return form
