"""Errand benchmark: 「把桂花图案手机壳改价到19.9元」 on the Taobao replica (delays off), done three ways in turns so
all see the same machine load, and the agent's steps taken apart.

    nice -n 10 .venv/bin/python benchmarks/agent_bench.py [--runs 5] [--write]

- agent: browser-use (``rpa.agent_session.run_segment``) with the fake model (``tests/fake_llm.py``, scripted by
  ``tests.agent_fixtures.PriceChange``: it answers at once from the page it is sent) in the run's own fenced
  Chromium (``Workbench.agent_page``), every step recorded as a run records it (``graphs.agent.nodes._record_step``:
  a screenshot file and an ``AgentStep`` row), until the guard holds 保存 for the owner;
- skill: the agent's recorded steps with a new price, replayed by ``rpa.agent_replay`` with no model;
- page object: ``ItemList.open`` and ``ItemList.change_price`` (the baseline: no workflow changes prices).

The three are timed from a fresh page to the new price shown on the list (the page object and the skill in a
fresh fenced context of the warm browser; the agent in its own Chromium, as a run gets it, timed once that is up),
without the owner: the skill and the agent click the held 保存 straight away. Then the agent's errand and the
skill's errand go through the whole stack (queue, worker, workflow, ledger, screenshots, the card, the press after
the approval, the read-back and the judge), timed as the worker spends it: queued → card, approved → 已完成 (her
wait left out). Per agent step: the time inside the model call (``ChatOpenAI.ainvoke``) and the rest, split by
browser-use's phases (the DOM snapshot and the screenshot overlap) and ours (the guard, the step's record).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.agent_fixtures import BROWSER_USE_ENV, ITEM, PriceChange, failing_model, start_errand  # noqa: E402

os.environ.update(BROWSER_USE_ENV)
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="opc-agent-bench-xdg-"))

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from browser_use import ChatOpenAI, Tools  # noqa: E402
from browser_use.agent.service import Agent  # noqa: E402
from browser_use.browser.watchdogs.dom_watchdog import DOMWatchdog  # noqa: E402

import rpa.agent_session as agent_session  # noqa: E402
from core.db import transaction  # noqa: E402
from core.approvals import decide  # noqa: E402
from core.models import Approval, Employee, Run  # noqa: E402
from core.queue import enqueue_resume, enqueue_run  # noqa: E402
from errands.models import Skill  # noqa: E402
from errands import skills  # noqa: E402
from errands.task import Errand  # noqa: E402
from graphs.agent import nodes  # noqa: E402
from rpa.agent_guard import Budget, Guard, GuardedTools  # noqa: E402
from rpa.agent_replay import locate, replay  # noqa: E402
from rpa.runtime import BrowserRuntime  # noqa: E402
from rpa.vault import Vault  # noqa: E402
from rpa.workbench import Workbench  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from sites import adapter_for  # noqa: E402
from sites.taobao.pages.items import ItemList  # noqa: E402
from tests.factories import seed_workspace  # noqa: E402
from tests.fake_llm import serving  # noqa: E402
from tests.stack_fixtures import Env  # noqa: E402

PRICES = ("19.9", "25.5")
PHASES = {  # browser-use's step phases and ours, timed around the methods that do them
    "model": (ChatOpenAI, "ainvoke"),
    "think": (Agent, "_get_next_action"),        # the model call and browser-use's bookkeeping around it
    "state": (Agent, "_prepare_context"),        # page state: DOM snapshot, screenshot, the model's messages
    "dom": (DOMWatchdog, "_build_dom_tree_without_highlights"),
    "screenshot": (DOMWatchdog, "_capture_clean_screenshot"),
    "act": (Agent, "_execute_actions"),
    "guarded": (GuardedTools, "act"),            # the guard and the action
    "action": (Tools, "act"),                    # the action alone
    "post": (Agent, "_post_process"),
    "finalize": (Agent, "_finalize"),            # browser-use's history item
    "record": (agent_session, "_record_step"),   # ours, in the loop: the step handed to the record thread
}


class StepClock:
    """Seconds per agent step and phase: every ``Agent._execute_step`` opens a row the phases add to."""

    def __init__(self):
        self.rows: list[dict] = []
        self._live = False
        self._patch(Agent, "_execute_step", "step", opens=True)
        for key, (owner, name) in PHASES.items():
            self._patch(owner, name, key)

    def _patch(self, owner, name: str, key: str, opens: bool = False) -> None:
        original = getattr(owner, name)
        clock = self

        async def timed(*args, **kwargs):
            if opens and clock._live:
                clock.rows.append(defaultdict(float))
            t0 = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                if clock._live and clock.rows:
                    clock.rows[-1][key] += time.perf_counter() - t0

        setattr(owner, name, timed)

    def add(self, key: str, seconds: float) -> None:
        if self._live and self.rows:
            self.rows[-1][key] += seconds

    def __enter__(self):
        self._live = True
        return self

    def __exit__(self, *exc):
        self._live = False


class Bench:
    def __init__(self, env: Env, fake, acc: str, emp: str, ws: str, item_id: str):
        self.env, self.fake, self.acc, self.item_id = env, fake, acc, item_id
        self.adapter = adapter_for("taobao", env.settings)
        self.hosts = self.adapter.allowed_hosts()
        self.runtime = BrowserRuntime(env.settings).start()
        self.wb = Workbench(self.runtime, Vault(env.settings))
        self.state = Vault(env.settings).load(acc)
        self.shop = {"workspace": ws, "account": acc, "employee": emp}
        self.skill_id: str | None = None
        self.errand = Errand(instruction=f"把{ITEM}改价到19.9元", site="taobao", goal=f"把{ITEM}的价格改成19.9元",
                             done_when=f"出售中的宝贝里{ITEM}的价格显示为19.90元", forbidden=["不改其他商品"])
        with transaction(env.db) as s:  # a row for the steps' records only: never queued
            self.run = Run(workspace_id=ws, account_id=acc, employee_id=emp, graph="agent", site="taobao",
                           mode="semi_auto", status="running", content=self.errand.model_dump())
            s.add(self.run)
        self.run_id = self.run.id
        llm = env.settings.model_copy(update={"llm_base_url": fake.base_url, "llm_model": "fake-qwen",
                                              "llm_api_key": SecretStr("sk-bench"), "llm_timeout_s": 20.0})
        self.ctx = SimpleNamespace(settings=llm, db=env.db)
        self.model = nodes._model(self.ctx)
        self.clock = StepClock()
        self.skill: list[dict] | None = None
        self.save_target: dict | None = None

    # -- the three ways ----------------------------------------------------------------------------
    def page_object(self, price: str) -> float:
        with self.runtime.context(self.hosts, storage_state=self.state) as ctx:
            page = ctx.new_page()
            t0 = time.perf_counter()
            shelf = ItemList(page, self.adapter.urls)
            shelf.open("on_sale")
            shown = shelf.change_price(self.item_id, price)
            took = time.perf_counter() - t0
        assert skills.shows(shown, price), shown
        return took

    def skill_replay(self, price: str) -> float:
        steps = self._skill_steps(price)
        with self.runtime.context(self.hosts, storage_state=self.state) as ctx:
            page = ctx.new_page()
            t0 = time.perf_counter()
            replay(page, steps)
            locate(page, self.save_target).click()
            shown = self._price_after_save(page)
            took = time.perf_counter() - t0
        assert skills.shows(shown, price), shown
        return took

    def agent(self, price: str) -> tuple[float, agent_session.Segment]:
        """The agent's stretch to the held 保存 and the click (seconds from the page), the segment itself."""
        self.fake.responder = PriceChange(price=price, announce=True)
        page = self.wb.agent_page(self.acc, self.hosts)
        try:
            t0 = time.perf_counter()
            page.goto(self.adapter.base_url + "/")
            guard = self._guard(page.url)
            with self.clock:
                segment = agent_session.run_segment(self.wb.cdp_url, self.errand.brief(page.url), self.model, guard,
                                                    self._on_step, nodes._domains(self.hosts))
            assert segment.outcome == "held", (segment.outcome, segment.text)
            locate(page, segment.held["target"]).click()
            shown = self._price_after_save(page)
            took = time.perf_counter() - t0
        finally:
            self.wb.close()
        assert skills.shows(shown, price), shown
        if self.skill is None:
            self.skill, self.save_target = segment.trail, segment.held["target"]
        return took, segment

    # -- as an errand runs ---------------------------------------------------------------------------
    def errand_agent(self, price: str) -> tuple[float, str]:
        self.fake.responder = PriceChange(price=price, announce=True)
        return self._errand(lambda: start_errand(self.env, self.shop, instruction=f"把{ITEM}改价到{price}元",
                                                 goal=f"把{ITEM}的价格改成{price}元",
                                                 done_when=f"出售中的宝贝里{ITEM}的价格显示为{price}元"))

    def errand_skill(self, price: str) -> float:
        self.fake.responder = failing_model  # a replayed skill never asks it

        def start() -> str:
            with transaction(self.env.db) as s:
                run = skills.start(s, s.get(Skill, self.skill_id), s.get(Employee, self.shop["employee"]),
                                   {"价格": price})
            enqueue_run(self.env.settings, run.id)
            return run.id
        return self._errand(start)[0]

    def save_skill(self, run_id: str, price: str) -> None:
        with transaction(self.env.db) as s:
            self.skill_id = skills.save(s, s.get(Run, run_id), "改价", {"价格": price}).id

    def _errand(self, start) -> tuple[float, str]:
        """Seconds the worker spends on one errand, the owner's wait left out: queued → the card, and approved →
        已完成 (the read-back and the judge included)."""
        t0 = time.perf_counter()
        run_id = start()
        card = self._wait(run_id, "awaiting_approval")
        t1 = time.perf_counter()
        with transaction(self.env.db) as s:
            payload = decide(s, s.query(Approval).filter_by(run_id=run_id, status="pending").one(), approve=True,
                             actor="bench")
        t2 = time.perf_counter()
        enqueue_resume(self.env.settings, run_id, payload)
        self._wait(run_id, "published")
        assert card is not None
        return (t1 - t0) + (time.perf_counter() - t2), run_id

    def _wait(self, run_id: str, status: str) -> Run:
        while (run := self.env.run(run_id)).status not in (status, "failed", "rejected"):
            time.sleep(0.02)  # fine polling: the poll must not dominate the figure
        assert run.status == status, (run.status, run.reason)
        return run

    # -- helpers -----------------------------------------------------------------------------------
    def _guard(self, start_url: str) -> Guard:
        guard = Guard(Budget(30, 600, 10**8), self.hosts)
        guard.trail.append({"action": "navigate", "params": {"url": start_url}, "target": None})
        return guard

    def _on_step(self, step: dict, shot: bytes | None) -> None:
        t0 = time.perf_counter()
        nodes._record_step(self.ctx, self.run, step, shot)
        self.clock.add("record: written", time.perf_counter() - t0)  # off the agent's loop (its own thread)

    def _skill_steps(self, price: str) -> list[dict]:
        return [{**st, "params": {**st["params"], "text": price}} if st["action"] == "input" else st
                for st in self.skill]

    def _price_after_save(self, page) -> str:
        """The row's price once the shop closed the editor (the same wait as ``ItemList.change_price``)."""
        row = page.locator(f'tr[data-item-id="{self.item_id}"]')
        row.get_by_role("dialog").wait_for(state="detached")
        return row.locator(".item-price").inner_text()

    def _dest(self) -> Path:
        return self.env.settings.paths.artifacts / self.run_id

    def close(self) -> None:
        self.wb.close()
        self.runtime.stop()


def start(tmp: Path, model_url: str) -> Env:
    stack = Stack(tmp, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), douyin_port=free_port(),
                  taobao_port=free_port(), etax_port=free_port(), workers=1, replica_delays=False,
                  extra_env={"OPC_LLM_BASE_URL": model_url, "OPC_LLM_MODEL": "fake-qwen", "OPC_LLM_API_KEY": "sk-bench",
                             "OPC_LLM_TIMEOUT_S": "20", **BROWSER_USE_ENV})
    tmp.mkdir(parents=True, exist_ok=True)
    stack.start_redis()
    stack.start_replica("taobao")
    stack.start_worker()
    return Env(stack)


def med(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f}s" if xs else "–"


def spread(xs: list[float]) -> str:
    return f"{min(xs):.2f}–{max(xs):.2f}s" if xs else "–"


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(bench: Bench, n: int) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    bench.agent(PRICES[1])  # warm-up, and the recording the skill replays
    bench.page_object(PRICES[0]), bench.skill_replay(PRICES[1])
    _took, first = bench.errand_agent(PRICES[0])  # the worker's warm-up, and the errand saved as 改价
    bench.save_skill(first, PRICES[0])
    bench.errand_skill(PRICES[1])
    bench.clock.rows.clear()
    for i in range(n):
        price = PRICES[i % 2]
        took, _segment = bench.agent(price)
        out["agent"].append(took)
        out["skill"].append(bench.skill_replay(PRICES[(i + 1) % 2]))
        out["page object"].append(bench.page_object(price))
        out["errand: skill"].append(bench.errand_skill(PRICES[(i + 1) % 2]))
        out["errand: agent"].append(bench.errand_agent(price)[0])
    out["steps"] = bench.clock.rows
    return out


def report(out: dict[str, list], n: int, load_before: str) -> str:
    po = statistics.median(out["page object"])
    lines = [f"machine: {os.cpu_count()} cores, load average before {load_before}, after {load()}; "
             f"{n} runs each, in turns, niced; medians (min–max)", "",
             "| 改价 on 出售中的宝贝 | median | min–max | × page object |", "|---|---|---|---|"]
    for key in ("page object", "skill", "agent", "errand: skill", "errand: agent"):
        xs = out[key]
        lines.append(f"| {key} | {med(xs)} | {spread(xs)} | {statistics.median(xs) / po:.2f} |")
    rows = out["steps"]
    per = {k: [r.get(k, 0.0) for r in rows] for k in ("step", "record: written", *PHASES)}
    per["step − model"] = [r.get("step", 0.0) - r.get("model", 0.0) for r in rows]
    per["guard"] = [r.get("guarded", 0.0) - r.get("action", 0.0) for r in rows]
    per["think − model"] = [r.get("think", 0.0) - r.get("model", 0.0) for r in rows]
    lines += ["", f"agent steps: {len(rows)} ({len(rows) / max(1, n):.0f} per run)", "",
              "| per agent step | median | min–max |", "|---|---|---|"]
    for key in ("step", "model", "step − model", "state", "dom", "screenshot", "think − model", "act", "guard",
                "action", "post", "finalize", "record", "record: written"):
        lines.append(f"| {key} | {med(per[key])} | {spread(per[key])} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="append the results to docs/benchmarks.md")
    args = ap.parse_args()
    before = load()
    tmp = Path(tempfile.mkdtemp(prefix="opc-agent-bench-"))
    bench = None
    with serving() as fake:
        env = start(tmp / "stack", fake.base_url)
        try:
            ws, emp, acc = seed_workspace(env.db, site="taobao", account_status="needs_login")
            env.qr_login(acc, user="bench")
            item = httpx.post(f"{env.stack.replica_url('taobao')}/__sandbox__/items",
                              json={"user": "bench", "title": ITEM, "price": "29.90"}, timeout=10).json()
            bench = Bench(env, fake, acc, emp, ws, item["id"])
            out = measure(bench, args.runs)
        finally:
            if bench is not None:
                bench.close()
            env.stack.stop()
    text = report(out, args.runs, before)
    print(text)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a") as f:
            f.write(f"\n## {time.strftime('%Y-%m-%d')} agent_bench --runs {args.runs}\n\n{text}\n")


if __name__ == "__main__":
    main()
