"""Taobao listing benchmark: one product listed through the whole stack against a raw Playwright script on the
same replica (delays off), taken in turns so both see the same machine load.

    .venv/bin/python benchmarks/listing_bench.py [--runs 5] [--write]

Both sides start from a warm browser and a fresh context with the shop's session, search the category
(Enter), pick the brand from its combobox, type 型号, open the publish form in its new tab, type title,
price and stock, add two main images through the material picker, submit, confirm the 描述中未添加图片
warning, wait for the success page and find the item in 出售中. The stack side adds everything the product
does around those clicks (queue, workflow, ledger, host fence, read-back of every field, screenshot).
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from core.db import transaction  # noqa: E402
from core.models import Account, Employee  # noqa: E402
from core.queue import enqueue_run  # noqa: E402
from core.runs import create_listing_run  # noqa: E402
from publish_bench import fmt  # noqa: E402
from rpa.vault import Vault  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from sites.taobao.product import Product  # noqa: E402
from tests.factories import make_image, seed_workspace  # noqa: E402
from tests.stack_fixtures import Env  # noqa: E402

KEYWORD, LEAF, BRAND, MODEL = "手机壳", "手机>手机配件>手机壳", "倍思/Baseus", "BS-01"


def start(tmp: Path) -> Env:
    stack = Stack(tmp, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), douyin_port=free_port(),
                  taobao_port=free_port(), etax_port=free_port(), workers=1, replica_delays=False,
                  extra_env={"OPC_SCHEDULER_TICK_S": "0.5"})
    tmp.mkdir(parents=True, exist_ok=True)
    stack.start_redis()
    stack.start_replica("taobao")
    stack.start_worker()
    stack.start_scheduler()
    return Env(stack)


def stack_run(env: Env, emp: str, acc: str, images: list[str], i: int) -> float:
    """Seconds for one auto-mode listing, run created → published (read-back included)."""
    product = Product(category_keyword=KEYWORD, properties={"品牌": BRAND, "型号": MODEL}, title=f"基准手机壳{i}",
                      main_images=images, price=Decimal("19.90"), stock=50)
    t0 = time.monotonic()
    with transaction(env.db) as s:
        run = create_listing_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp), product=product,
                                 mode="auto")
    enqueue_run(env.settings, run.id)
    while (run := env.run(run.id)).status not in ("published", "failed"):
        time.sleep(0.02)  # fine polling: the poll must not dominate the figure
    assert run.status == "published", run.reason
    return time.monotonic() - t0


class RawScript:
    """The same clicks with plain Playwright: warm browser, fresh context with the session per run."""

    def __init__(self, env: Env, account_id: str, images: list[str]):
        self.state = Vault(env.settings).load(account_id)
        self.base, self.images = env.stack.replica_url("taobao"), images
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=env.settings.chromium_path,
                                                args=env.settings.chromium_args())

    def run(self, i: int) -> float:
        t0 = time.monotonic()
        ctx = self.browser.new_context(storage_state=self.state)
        page = ctx.new_page()
        page.goto(self.base + "/sell/ai/category.htm")
        search = page.get_by_placeholder("类目关键词", exact=False)
        search.fill(KEYWORD)
        search.press("Enter")
        page.get_by_role("button", name=LEAF).click()
        page.get_by_role("combobox", name="品牌").click()
        page.get_by_role("option", name=BRAND).click()
        page.get_by_role("textbox", name="型号").fill(MODEL)
        with ctx.expect_page() as tab:
            page.get_by_role("button", name="确认，下一步").click()
        form = tab.value
        form.locator("input#title").fill(f"原生手机壳{i}")
        form.locator("input#price").fill("19.90")
        form.locator("input#quantity").fill("50")
        self._add_images(form)
        form.get_by_role("button", name="提交宝贝信息").click()
        form.get_by_role("dialog").get_by_role("button", name="确认提交").click()
        form.wait_for_url(re.compile(r"/sell/v2/success\.htm\?(?:.*&)?primaryId=\d+"))
        form.goto(self.base + "/home.htm/SellManage/on_sale")
        expect(form.get_by_text(f"原生手机壳{i}").first).to_be_visible()
        ctx.close()
        return time.monotonic() - t0

    def _add_images(self, form) -> None:
        form.locator("#struct-mainImagesGroup .image-empty").click()
        picker = form.frame_locator("iframe#mainImagesGroup")
        with form.expect_file_chooser() as chooser:
            picker.get_by_role("button", name="本地上传").click()
        chooser.value.set_files(self.images)
        expect(picker.locator(".sucai-status")).to_have_text("上传完成")
        picker.get_by_role("button", name="完成").click()
        expect(form.locator("#struct-mainImagesGroup .image-list img")).to_have_count(len(self.images))

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()


def interleaved(env: Env, emp: str, acc: str, images: list[str], n: int) -> tuple[list[float], list[float]]:
    raw = RawScript(env, acc, images)
    try:
        stack_run(env, emp, acc, images, -1), raw.run(-1)  # warm-up: imports, first context
        pairs = [(stack_run(env, emp, acc, images, i), raw.run(i)) for i in range(n)]
    finally:
        raw.close()
    return [s for s, _ in pairs], [r for _, r in pairs]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="append the results to docs/benchmarks.md")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="opc-tb-bench-"))
    images = [str(make_image(tmp / f"main{i}.jpg", size=(800, 800), text=str(i))) for i in range(2)]
    env = start(tmp / "stack")
    try:
        _, emp, acc = seed_workspace(env.db, site="taobao", account_status="needs_login")
        with transaction(env.db) as s:  # as the raw script does, the employee confirms 描述中未添加图片 itself
            s.get(Employee, emp).settings = {"allowed_warnings": ["no_desc_images"]}
        env.qr_login(acc, user="bench")
        stack, raw = interleaved(env, emp, acc, images, args.runs)
    finally:
        env.stack.stop()
    report = "\n".join([f"taobao listing, stack, 1 run at a time: {fmt(stack)}", f"taobao listing, raw script: {fmt(raw)}",
                        f"ratio stack/raw (mean): {statistics.mean(stack) / statistics.mean(raw):.2f}"])
    print(report)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a") as f:
            f.write(f"\n## {time.strftime('%Y-%m-%d')} listing_bench --runs {args.runs}\n\n```\n{report}\n```\n")


if __name__ == "__main__":
    main()
