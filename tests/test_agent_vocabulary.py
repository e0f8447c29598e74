"""What the errand guard holds on the Xiaohongshu 笔记管理 and Douyin 作品管理 pages, and where the agent may go
there: deleting, a choice of who can see a post and a dialog's 确定 wait for the owner; the buttons that only
open or close a dialog do not; the managers and data pages are inside each site's allowlist, nothing else is."""
from __future__ import annotations

import pytest

import re

from errands.task import Errand
from rpa.agent_guard import Target, leaves_site
from sandbox.douyin import manager as douyin_manager
from sandbox.xiaohongshu import manager as xhs_manager
from sites import SITES

MANAGERS = {"xiaohongshu": xhs_manager.SITE, "douyin": douyin_manager.SITE}


def button(text: str, **attrs) -> Target:
    return Target("button", {"type": "button", **attrs}, text)


def radio(word: str, key: str) -> Target:
    # browser-use names an input by its label: the radio's text is the word next to it
    return Target("input", {"type": "radio", "id": f"visibility-{key}", "name": "visibility", "value": key}, word)


def test_deleting_and_the_dialogs_confirm_are_held_for_the_owner():
    assert button("删除").irreversible()
    assert button("确定").irreversible()  # the permission dialog's and the delete dialog's


@pytest.mark.parametrize("site", MANAGERS)
def test_every_choice_of_who_can_see_a_post_is_held_for_the_owner(site):
    for key, word in MANAGERS[site].visibility.items():
        assert radio(word, key).irreversible(), word
        assert Target("label", {}, word).irreversible(), word


def test_a_one_click_make_private_button_is_held_too():
    assert button("设为私密").irreversible() and button("仅自己可见").irreversible()


@pytest.mark.parametrize("text", ["权限设置", "设置权限", "取消", "刷新"])
def test_the_buttons_that_only_open_or_close_a_dialog_are_not_held(text):
    assert not button(text).irreversible()


def test_the_menu_links_to_the_managers_are_navigation_not_actions():
    assert not Target("a", {"href": "/new/note-manager"}, "笔记管理").irreversible()
    assert not Target("a", {"href": "/creator-micro/content/manage"}, "内容管理").irreversible()
    assert not Target("a", {"href": "/explore/6751a2c3"}, "公开课笔记｜删除线的用法").irreversible()  # a title is a link


@pytest.mark.parametrize("site, base, pages", [
    ("xiaohongshu", "https://creator.xiaohongshu.com",
     [xhs_manager.PATH, "/statistics/data-analysis", "/statistics/note-detail?noteId=1"]),
    ("douyin", "https://creator.douyin.com", [douyin_manager.PATH, "/creator-micro/data-center/content"]),
])
def test_the_managers_and_data_pages_are_inside_the_sites_allowlist_and_other_hosts_are_not(site, base, pages):
    allowed = SITES[site](base).allowed_hosts()
    for path in pages:
        assert not leaves_site(base + path, allowed), path
    assert leaves_site("https://evil.example" + pages[0], allowed)
    replica = SITES[site]("http://127.0.0.1:18080").allowed_hosts()
    assert not leaves_site("http://127.0.0.1:18080" + pages[0], replica)
    assert leaves_site("http://127.0.0.1:18081" + pages[0], replica)  # the same host on another port


@pytest.mark.parametrize("site, base, manager", [("xiaohongshu", "https://creator.xiaohongshu.com", xhs_manager.PATH),
                                                 ("douyin", "https://creator.douyin.com", douyin_manager.PATH)])
def test_the_agents_task_names_the_manager_on_the_accounts_own_site_and_every_page_it_names_is_allowed(site, base, manager):
    errand = Errand(instruction="把标题里有试用的作品设为私密", site=site, goal="设为仅自己可见", done_when="显示仅自己可见")
    brief = errand.brief(base + "/")
    assert f"{base}{manager}" in brief
    urls = re.findall(r"https?://\S+", brief)
    allowed = SITES[site](base).allowed_hosts()
    assert len(urls) == 3 and not [u for u in urls if leaves_site(u, allowed)]
