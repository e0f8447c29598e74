"""Shared-browser benchmark (issue 19 part 1): memory of N concurrent publish sessions under four models.

    .venv/bin/python benchmarks/shared_browser_bench.py [--sizes 1 2 4 8] [--models a b c d] [--write]

Models:
- ``a``: today's model, one worker process per concurrent run, each with its own Chromium
  (``rpa.runtime.BrowserRuntime`` as the worker uses it);
- ``b``: one process, one Chromium launched once by its Playwright (over the pipe, so it dies with the
  process), each run a thread with its own Playwright connection (``connect_over_cdp``) and its own context;
- ``c``: one process, one async Playwright, one Chromium, each run an asyncio task with its own context;
- ``d``: the worker's shared model as built (``rpa.shared``): one process, one Playwright driver and one
  Chromium, each run a thread whose sync calls are carried to the driver's thread (``rpa.bridge``), each
  with its own context and deny proxy.

Every session is the publish flow on the Xiaohongshu replica (the raw script's clicks, as in
``publish_bench.RawScript``) in a context with the account's session and the host fence (a per-context
proxy, ``rpa.fence``). All N sessions stop once their form is filled; the PSS of the host processes'
trees (``/proc/PID/smaps_rollup``, Chromium and Playwright's driver included) is read then; then they all
publish and read back. Each host process first imports what a worker imports (``worker``, ``graphs``), so
its Python is the size of a worker's. Replica delays are off.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VIEWPORT = {"width": 1280, "height": 900}
PUBLISH = "/publish/publish?from=homepage&target=image"
BODY = "桂花乌龙冷泡茶，清香回甘。 "


# -- measuring ----------------------------------------------------------------------------------------

def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def tree(roots: list[int]) -> set[int]:
    """The roots and all their descendants."""
    parents = {int(d.name): _parent(int(d.name)) for d in Path("/proc").iterdir() if d.name.isdigit()}
    out, grew = set(roots), True
    while grew:
        more = {p for p, pp in parents.items() if pp in out} - out
        out |= more
        grew = bool(more)
    return out


def kind(pid: int) -> str:
    """python, node (Playwright's driver), or Chromium's process type (browser, renderer, gpu-process...).
    Chromium's helpers rewrite their command line into one string, so the type is searched for."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    if comm.startswith(("python", "node")):
        return comm.rstrip("0123456789.")
    m = re.search(rb"--type=([a-z-]+)", cmdline)
    return f"chromium {m.group(1).decode() if m else 'browser'}"


def pss_kb(roots: list[int]) -> tuple[int, dict[str, int]]:
    """Total PSS of the trees, and by kind of process."""
    by: dict[str, int] = {}
    for pid in tree(roots):
        try:
            m = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M)
        except OSError:
            continue
        k = kind(pid)
        by[k] = by.get(k, 0) + (int(m.group(1)) if m else 0)
    return sum(by.values()), by


# -- the session, sync and async ----------------------------------------------------------------------

class Job:
    """What a host needs for its sessions; files in ``box`` are the barrier with the measuring parent."""

    def __init__(self, args):
        self.base, self.box = args.base, Path(args.box)
        self.state = json.loads(Path(args.state).read_text())
        self.images = args.images
        self.allowed = [args.allowed]

    def ready(self, k: str) -> None:
        (self.box / f"ready-{k}").touch()

    def wait_go(self) -> None:
        while not (self.box / "go").exists():
            time.sleep(0.05)


def context_options(job: Job, fence_url: str) -> dict:
    from rpa.fence import proxy_settings

    return dict(storage_state=job.state, viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai",
                accept_downloads=False, proxy=proxy_settings(fence_url, job.allowed))


def session(job: Job, ctx, k: str) -> dict:
    from sites.assertions import expect  # also on model d's bridged objects

    t0 = time.monotonic()
    page = ctx.new_page()
    page.goto(job.base + PUBLISH)
    for i, path in enumerate(job.images, 1):
        page.locator("input[type=file][accept*='.jpg']").first.set_input_files(path)
        expect(page.locator(".img-preview-area .pr")).to_have_count(i)
    page.get_by_placeholder("填写标题").fill(f"共享浏览器{k}")
    page.locator("div.tiptap[contenteditable='true']").click()
    page.keyboard.insert_text(BODY)
    page.keyboard.type("#冷泡茶")
    page.locator("#creator-editor-topic-container .item").first.click()
    filled = time.monotonic() - t0
    job.ready(k)
    job.wait_go()
    t1 = time.monotonic()
    page.get_by_role("button", name=re.compile(r"^\s*发布\s*$")).click()
    page.wait_for_url(re.compile("/publish/success"))
    # The success page sends itself back to the form after a moment, which would interrupt a navigation
    # made in it on a loaded machine: the read-back has a tab of its own.
    page = ctx.new_page()
    page.goto(job.base + "/new/note-manager")
    expect(page.get_by_text(f"共享浏览器{k}").first).to_be_visible()
    return {"filled_s": filled, "publish_s": time.monotonic() - t1}


async def session_async(job: Job, ctx, k: str) -> dict:
    from playwright.async_api import expect

    t0 = time.monotonic()
    page = await ctx.new_page()
    await page.goto(job.base + PUBLISH)
    for i, path in enumerate(job.images, 1):
        await page.locator("input[type=file][accept*='.jpg']").first.set_input_files(path)
        await expect(page.locator(".img-preview-area .pr")).to_have_count(i)
    await page.get_by_placeholder("填写标题").fill(f"共享浏览器{k}")
    await page.locator("div.tiptap[contenteditable='true']").click()
    await page.keyboard.insert_text(BODY)
    await page.keyboard.type("#冷泡茶")
    await page.locator("#creator-editor-topic-container .item").first.click()
    filled = time.monotonic() - t0
    job.ready(k)
    await asyncio.to_thread(job.wait_go)
    t1 = time.monotonic()
    await page.get_by_role("button", name=re.compile(r"^\s*发布\s*$")).click()
    await page.wait_for_url(re.compile("/publish/success"))
    page = await ctx.new_page()  # as in session()
    await page.goto(job.base + "/new/note-manager")
    await expect(page.get_by_text(f"共享浏览器{k}").first).to_be_visible()
    return {"filled_s": filled, "publish_s": time.monotonic() - t1}


def fenced(page_goto, fence) -> bool:
    """Whether a host outside the allowlist (the service's own loopback, another port) is refused."""
    before = len(fence.blocked)
    try:
        page_goto()
    except Exception:  # noqa: BLE001 - a refused navigation may raise or show the 403
        pass
    return len(fence.blocked) > before


# -- hosts (child processes) --------------------------------------------------------------------------

def host_a(job: Job, args) -> list[dict]:
    """Today's worker: its own warm Chromium (BrowserRuntime), one context per run."""
    from core.settings import Settings
    from rpa.runtime import BrowserRuntime

    settings = Settings(data_dir=Path(args.box) / f"data-{os.getpid()}", sandbox=True)
    settings.paths.ensure()
    runtime = BrowserRuntime(settings).start()
    try:
        with runtime.context(job.allowed, job.state) as ctx:
            return [session(job, ctx, f"a{os.getpid()}")]
    finally:
        runtime.stop()


def host_b(job: Job, args) -> list[dict]:
    """One Chromium, launched by this process's Playwright; a thread per run with its own connection."""
    import shutil

    from playwright.sync_api import sync_playwright

    from core.settings import Settings
    from rpa.fence import DenyProxy
    from rpa.runtime import browser_env

    settings = Settings(sandbox=True)
    fence = DenyProxy().start()
    profile = Path(tempfile.mkdtemp(prefix="shared-", dir=args.box))
    pw = sync_playwright().start()
    owner = pw.chromium.launch_persistent_context(
        str(profile), executable_path=settings.chromium_path, headless=True, env=browser_env(),
        args=[*settings.chromium_args(), "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"])
    cdp = f"http://127.0.0.1:{(profile / 'DevToolsActivePort').read_text().split()[0]}"
    for page in owner.pages:  # the profile's first tab: a renderer no run uses
        page.close()
    results: list[dict] = []
    errors: list[BaseException] = []
    fence_ok: list[bool] = []

    def run(k: int) -> None:
        try:
            with sync_playwright() as p:
                browser = p.chromium.connect_over_cdp(cdp)
                ctx = browser.new_context(**context_options(job, fence.url))
                try:
                    if k == 0 and args.check_fence:
                        page = ctx.new_page()
                        fence_ok.append(fenced(lambda: page.goto(args.forbidden, timeout=5000), fence))
                        page.close()
                    results.append(session(job, ctx, f"b{k}"))
                finally:
                    ctx.close()
                    browser.close()  # disconnects this thread's connection; the shared Chromium stays
        except BaseException as e:  # noqa: BLE001 - reported by the host
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(args.n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    owner.close()
    pw.stop()
    fence.stop()
    shutil.rmtree(profile, ignore_errors=True)
    if errors:
        raise errors[0]
    if args.check_fence:
        print("FENCE", json.dumps(fence_ok), flush=True)
    return results


def host_c(job: Job, args) -> list[dict]:
    """One async Playwright and one Chromium; a task per run with its own context."""
    from playwright.async_api import async_playwright

    from core.settings import Settings
    from rpa.fence import DenyProxy
    from rpa.runtime import browser_env

    settings = Settings(sandbox=True)
    fence = DenyProxy().start()

    async def main() -> list[dict]:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=settings.chromium_path, headless=True,
                                              env=browser_env(), args=settings.chromium_args())

            async def one(k: int) -> dict:
                ctx = await browser.new_context(**context_options(job, fence.url))
                try:
                    return await session_async(job, ctx, f"c{k}")
                finally:
                    await ctx.close()

            out = await asyncio.gather(*(one(k) for k in range(args.n)))
            await browser.close()
            return list(out)

    try:
        return asyncio.run(main())
    finally:
        fence.stop()


def host_d(job: Job, args) -> list[dict]:
    """The worker's shared model (``rpa.shared``): one driver, one Chromium, a bridged thread per run."""
    from core.settings import Settings
    from rpa.shared import SharedChromium, SharedRuntime

    settings = Settings(data_dir=Path(args.box) / f"data-{os.getpid()}", sandbox=True)
    settings.paths.ensure()
    shared = SharedChromium(settings).start()
    results: list[dict] = []
    errors: list[BaseException] = []

    def run(k: int) -> None:
        runtime = SharedRuntime(settings, shared).start()
        try:
            with runtime.context(job.allowed, job.state) as ctx:
                results.append(session(job, ctx, f"d{k}"))
        except BaseException as e:  # noqa: BLE001 - reported by the host
            errors.append(e)
        finally:
            runtime.stop()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(args.n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared.stop()
    if errors:
        raise errors[0]
    return results


def host(args) -> None:
    import graphs  # noqa: F401 - a worker's imports, so the host's Python is a worker's size
    import worker  # noqa: F401

    job = Job(args)
    out = {"a": host_a, "b": host_b, "c": host_c, "d": host_d}[args.host](job, args)
    print("RESULT", json.dumps(out), flush=True)


# -- the parent ---------------------------------------------------------------------------------------

def measure(model: str, n: int, common: list[str], box: Path) -> dict:
    box.mkdir(parents=True)
    cmd = [sys.executable, __file__, *common, "--box", str(box)]
    if model == "a":
        procs = [subprocess.Popen([*cmd, "--host", "a", "--n", "1"], stdout=subprocess.PIPE, text=True)
                 for _ in range(n)]
    else:
        procs = [subprocess.Popen([*cmd, "--host", model, "--n", str(n)], stdout=subprocess.PIPE, text=True)]
    t0 = time.monotonic()
    while len(list(box.glob("ready-*"))) < n:
        if any(p.poll() not in (None, 0) for p in procs):
            raise RuntimeError(f"a host of model {model} failed")
        if time.monotonic() - t0 > 300:
            raise RuntimeError(f"model {model}, n={n}: sessions not ready in 300 s")
        time.sleep(0.1)
    pss, by = pss_kb([p.pid for p in procs])
    to_ready = time.monotonic() - t0
    (box / "go").touch()
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=300)
        if p.returncode:
            raise RuntimeError(f"a host of model {model} exited {p.returncode}")
        results += json.loads(next(line for line in out.splitlines() if line.startswith("RESULT"))[7:])
    return {"pss_mib": pss / 1024, "by": {k: round(v / 1024) for k, v in sorted(by.items())},
            "wall_s": time.monotonic() - t0, "to_ready_s": to_ready,
            "filled_s": statistics.mean(r["filled_s"] for r in results),
            "publish_s": statistics.mean(r["publish_s"] for r in results)}


def check_fence(common: list[str], box: Path) -> bool:
    box.mkdir(parents=True)
    (box / "go").touch()
    out = subprocess.run([sys.executable, __file__, *common, "--box", str(box), "--host", "b", "--n", "1",
                          "--check-fence"], capture_output=True, text=True, timeout=300)
    line = next((x for x in out.stdout.splitlines() if x.startswith("FENCE")), None)
    if line is None:
        raise RuntimeError(out.stderr[-2000:])
    return all(json.loads(line[6:]))


def prepare(tmp: Path):
    from serve import Stack, free_port
    from tests.factories import make_image
    from tests.stack_fixtures import Env

    from benchmarks.publish_bench import login_accounts
    from rpa.vault import Vault
    from sites.common import fence_entry

    stack = Stack(tmp / "stack", web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), workers=0,
                  replica_delays=False)
    (tmp / "stack").mkdir(parents=True, exist_ok=True)
    stack.start_redis()
    stack.start_replica()
    env = Env(stack)
    stack._spawn("worker-0", [sys.executable, str(ROOT / "worker.py"), "--name", f"sb-{time.time_ns()}"])
    (_, acc), = login_accounts(env, 1)
    stack.stop_proc("worker-0")  # the login's worker is not part of what is measured
    state = tmp / "state.json"
    state.write_text(json.dumps(Vault(env.settings).load(acc)))
    images = [str(make_image(tmp / f"img{i}.jpg")) for i in range(2)]
    common = ["--base", stack.xhs_url, "--state", str(state), "--allowed", fence_entry(stack.xhs_url),
              "--forbidden", f"http://127.0.0.1:{stack.redis_port}/", "--images", *images]
    return stack, common


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--models", nargs="+", default=["a", "b", "c", "d"])
    ap.add_argument("--write", action="store_true", help="append the results to docs/benchmarks.md")
    # host mode (a child process)
    ap.add_argument("--host", choices=["a", "b", "c", "d"])
    ap.add_argument("--n", type=int, default=1)
    ap.add_argument("--box"), ap.add_argument("--base"), ap.add_argument("--state"), ap.add_argument("--allowed")
    ap.add_argument("--forbidden"), ap.add_argument("--images", nargs="+")
    ap.add_argument("--check-fence", action="store_true")
    args = ap.parse_args()
    if args.host:
        return host(args)

    tmp = Path(tempfile.mkdtemp(prefix="opc-shared-"))
    stack, common = prepare(tmp)
    lines = [f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}, "
             f"load average before {os.getloadavg()[0]:.1f}"]
    try:
        lines.append(f"model b: per-context fence holds over connect_over_cdp: {check_fence(common, tmp / 'fence')}")
        for model in args.models:
            first = None
            for n in args.sizes:
                r = measure(model, n, common, tmp / f"{model}{n}")
                first = r if n == args.sizes[0] else first
                extra = ((r["pss_mib"] - first["pss_mib"]) / (n - args.sizes[0])) if n > args.sizes[0] else None
                lines.append(
                    f"model {model}, N={n}: PSS {r['pss_mib']:.0f} MiB"
                    + (f", per extra run {extra:.0f} MiB" if extra is not None else "")
                    + f"; form filled {r['filled_s']:.2f}s, publish+read-back {r['publish_s']:.2f}s (means), "
                    f"all N done {r['wall_s']:.1f}s; load {os.getloadavg()[0]:.1f}\n    PSS MiB by process: {r['by']}")
                print(lines[-1], flush=True)
    finally:
        stack.stop()
    report = "\n".join(lines)
    print(report)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a") as f:
            f.write(f"\n## {time.strftime('%Y-%m-%d (%H:%M UTC)')} shared_browser_bench "
                    f"--sizes {' '.join(map(str, args.sizes))} --models {' '.join(args.models)}\n\n"
                    f"```\n{report}\n```\n")


if __name__ == "__main__":
    main()
