"""类目属性 (category properties): the same controls on the category step and on the publish form.

Each property is a ``.sell-catProp-item-common`` block whose label (``.label``) names it; a required
one has ``.label.required``. 品牌 is a custom combobox (``input[role=combobox][aria-label=品牌]``): a click
opens a listbox of ``li[role=option]``, typing filters it, and only a clicked option counts (Enter in it
would submit the publish form, so it is never pressed). Other properties are text boxes labelled with
their name.
"""
from __future__ import annotations

from playwright.sync_api import Page

from core.errors import ContentRejected
from sites.assertions import expect
from sites.taobao.errors import SITE, ValueNotSet
from sites.taobao.pages.locate import settled_value, type_in, visible

ITEM_CSS = ".sell-catProp-item-common"


class Properties:
    def __init__(self, page: Page, scope: str = "body"):
        self.page = page
        self.root = page.locator(scope)
        self.items = visible(self.root.locator(ITEM_CSS))

    def required(self) -> list[str]:
        """Names of the required properties the page shows, in page order."""
        return [t.strip() for t in self.items.locator(".label.required").all_inner_texts()]

    def names(self) -> list[str]:
        return [t.strip() for t in self.items.locator(".label").all_inner_texts()]

    def missing(self, values: dict[str, str]) -> list[str]:
        return [n for n in self.required() if not (values.get(n) or "").strip()]

    def fill(self, values: dict[str, str]) -> dict[str, str]:
        """Set every shown property the product has a value for; return what the page shows after."""
        missing = self.missing(values)
        if missing:
            raise ContentRejected(f"这个类目必须填写类目属性：{'、'.join(missing)}", site=SITE, url=self.page.url)
        shown = {}
        for name in self.names():
            want = (values.get(name) or "").strip()
            if want:
                shown[name] = self.set(name, want)
        return shown

    def set(self, name: str, value: str) -> str:
        combo = self.root.get_by_role("combobox", name=name, exact=True)
        if combo.count():
            return self._pick(name, combo, value)
        box = self.root.get_by_role("textbox", name=name, exact=True)
        if box.input_value() != value:
            type_in(box, value)
        return self._check(name, value, settled_value(box))

    def _pick(self, name: str, combo, value: str) -> str:
        if combo.input_value() == value:
            return value  # prefilled (the form carries the category step's choice)
        combo.click()
        combo.press("ControlOrMeta+A")
        combo.press_sequentially(value)
        listbox = visible(self.root.get_by_role("listbox", name=name))
        expect(listbox).to_be_visible()
        option = listbox.get_by_role("option", name=value, exact=True)
        if not option.count():
            offered = listbox.get_by_role("option").all_inner_texts()
            combo.press("Escape")
            hint = f"，可选：{'、'.join(offered[:8])}" if offered else "（没有匹配的选项）"
            raise ContentRejected(f"{name}「{value}」不在淘宝的{name}列表里{hint}", site=SITE, url=self.page.url)
        option.click()
        return self._check(name, value, settled_value(combo))

    def _check(self, name: str, want: str, shown: str) -> str:
        if shown.strip() != want:
            raise ValueNotSet(f"类目属性「{name}」没有填上：应为「{want}」，页面显示「{shown}」",
                              field=f"properties.{name}", wanted=want, shown=shown, site=SITE, url=self.page.url)
        return shown.strip()
