"""The Taobao listing stack (web, one worker, the Taobao replica) and a shop on it: a workspace with a shop logged in
by QR scan, the sales assistant and its owner; the owner's phone client, a product's form and its main pictures."""
from __future__ import annotations

import itertools

import httpx
import pytest

from tests.stack_fixtures import Env, make_stack, taobao_shop

_n = itertools.count()
PASSWORD = "owner-pass-123"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=1, web=True, sites=("taobao",), OPC_LISTING_PACE_S="1",
                       OPC_CODE_TIMEOUT_S="60")
    yield Env(stack)
    stack.stop()


@pytest.fixture
def shop(env, tmp_path):
    """A workspace with a Taobao shop logged in by QR scan, the sales assistant, and its owner."""
    taobao = env.replicas["taobao"]
    taobao.reset()
    return {**taobao_shop(env, tmp_path, next(_n), PASSWORD), "replica": taobao}


def listing_phone(env: Env, shop) -> httpx.Client:
    """The shop owner's phone, signed in (the caller closes it)."""
    return env.phone(f"owner{shop['workspace']}", PASSWORD, timeout=60)  # a sheet of products takes a while


def product_form(shop, **over) -> dict:
    return {"account_id": shop["account"], "employee_id": shop["employee"], "category_keyword": "手机壳",
            "brand": "倍思/Baseus", "model": "iPhone 15", "title": "倍思手机壳 防摔 透明", "price": "19.90",
            "stock": "50", "shelf": "now", **over}


def product_images(shop, field: str = "main_images") -> list:
    return [(field, (p.name, p.read_bytes(), "image/jpeg")) for p in shop["images"]]


def listed_items(shop) -> list[dict]:
    return shop["replica"].state()["items"]
