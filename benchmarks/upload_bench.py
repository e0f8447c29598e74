"""Upload benchmark: how long /healthz takes to answer while the web server reads uploads made to keep it busy.

    .venv/bin/python benchmarks/upload_bench.py [--probes-every 0.02] [--only income]

For each upload (sent once, on its own), /healthz is asked every 20 ms from another connection until the
upload's answer arrives; printed: the upload's status and time, and /healthz's p50, p99 and max in ms, and
the machine's load average (1/5/15 min) before and after, and the CPU seconds the web server's own process
spent on the upload (from /proc: its parse process not included): unlike the probes' times, that figure
hardly moves with the machine's load. ``--only WORD`` sends only the uploads whose label holds WORD (after
the first one-line upload, which starts the parse process). The first upload is a one-line document: it starts
the web server's parse process (core/offload.py), so the rows after it measure a warm one.
The goal (issue 13): /healthz p99 ≤ 100 ms while any upload is processed.
"""
from __future__ import annotations

import argparse
import io
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from docx import Document  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from core.models import Account, Employee  # noqa: E402
from core.seed import seed_demo  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.db import session_factory  # noqa: E402
from serve import Stack, free_port  # noqa: E402


def _declares_huge(xlsx: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', body)
            dst.writestr(item, body)
    return out.getvalue()


def _sheet(header: list[str], rows: int, row: list) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for _ in range(rows):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return _declares_huge(buf.getvalue())


def _docx(paragraphs: int) -> bytes:
    d = Document()
    for i in range(paragraphs):
        d.add_paragraph(f"第{i}段")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def uploads(ids: dict, only: str = ""):
    """(what, path, files, form data) of each upload, built as they are sent (the first always; the others
    when their label holds ``only``)."""
    text = "\n".join(f"桂花乌龙冷泡茶第{i}批，清香回甘，冰镇后更加清爽，适合夏天送礼。" for i in range(8_000))
    made = [
        ("text, one line (the first upload: starts the parse process)", "/api/knowledge",
         lambda: {"file": ("一行.txt", "桂花乌龙，清香回甘。".encode())}, {}),
        ("Word, 30,840 empty paragraphs", "/api/knowledge", lambda: {"file": ("炸弹.docx", _docx(30_840))}, {}),
        ("text, 27万字 (indexed)", "/api/knowledge", lambda: {"file": ("大文件.txt", text.encode())}, {}),
        ("text, 2.9 MB (refused)", "/api/knowledge",
         lambda: {"file": ("太大.txt", (text * 5).encode()[:2_900_000])}, {}),
        ("income sheet declaring A1:XFD1048576, 2,000 rows", "/api/books/import",
         lambda: {"file": ("收入.xlsx", _sheet(["日期", "金额", "发票类型", "类别", "税率"], 2000,
                                              ["2026-07-01", 100, "普票", "货物", "1%"]))}, {}),
        ("product sheet declaring A1:XFD1048576, 2,000 rows", "/api/listings/import",
         lambda: {"file": ("商品.xlsx", _sheet(["类目", "品牌", "标题", "主图", "价格", "库存"], 2000,
                                              ["茶>茶叶>乌龙茶", "山野", "桂花乌龙", "a.jpg", 39, 10]))},
         {"account_id": ids["taobao"], "employee_id": ids["sales"]}),
    ]
    for i, (what, path, files, form) in enumerate(made):
        if i == 0 or only in what:
            yield what, path, files(), form


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process so far (not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, client: httpx.Client, path: str, files: dict, data: dict, every: float, web_pid: int) -> dict:
    done, answer = threading.Event(), {}
    cpu = cpu_s(web_pid)

    def send():
        t = time.perf_counter()
        answer["r"] = client.post(path, files=files, data=data)
        answer["s"] = time.perf_counter() - t
        done.set()

    probes = []
    with httpx.Client(base_url=url, timeout=60) as probe:
        threading.Thread(target=send, daemon=True).start()
        while not done.is_set():
            t = time.perf_counter()
            probe.get("/healthz")
            probes.append((time.perf_counter() - t) * 1000)
            time.sleep(every)
    probes.sort()
    return {"status": answer["r"].status_code, "upload_s": answer["s"], "n": len(probes),
            "web_cpu_s": cpu_s(web_pid) - cpu,
            "p50": statistics.median(probes), "p99": probes[min(len(probes) - 1, int(len(probes) * 0.99))],
            "max": probes[-1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--probes-every", type=float, default=0.02)
    parser.add_argument("--only", default="", help="send only the uploads whose label holds this word")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        stack = Stack(data, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(),
                      douyin_port=free_port(), taobao_port=free_port(), etax_port=free_port(), workers=0)
        data.mkdir(parents=True)
        settings = Settings(data_dir=data, sandbox=True)
        _user, password = seed_demo(settings)
        db = session_factory(settings.db_url)
        with db() as s:
            ws_id = s.query(Employee).first().workspace_id
            shop = Account(workspace_id=ws_id, site="taobao", name="淘宝小店", status="active")
            s.add(shop)
            s.commit()
            ids = {"taobao": shop.id, "sales": s.query(Employee).filter_by(role="sales").one().id}
        try:
            stack.start_redis()
            stack.start_web()
            with httpx.Client(base_url=stack.web_url, timeout=300) as c:
                r = c.post("/api/session", json={"username": "owner", "password": password})
                c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
                print(f"{platform.node()}, {os.cpu_count()} cores, load average {_load()}; "
                      f"/healthz every {args.probes_every * 1000:.0f} ms")
                print("| upload | answer | upload s | web CPU s | probes | /healthz p50 ms | p99 ms | max ms |")
                print("|---|---|--:|--:|--:|--:|--:|--:|")
                web_pid = stack.procs["web"].pid
                for what, path, files, form in uploads(ids, args.only):
                    m = measure(stack.web_url, c, path, files, form, args.probes_every, web_pid)
                    print(f"| {what} | {m['status']} | {m['upload_s']:.2f} | {m['web_cpu_s']:.2f} | {m['n']} | "
                          f"{m['p50']:.1f} | {m['p99']:.1f} | {m['max']:.1f} |", flush=True)
                print(f"load average after: {_load()}")
        finally:
            stack.stop()


def _load() -> str:
    """The machine's load when measured: with other work on two cores, every figure here moves with it."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
