"""Income-import benchmark: the CPU time the web server's own thread spends storing a 2,000-row income
sheet (reading it runs in the parse process, ``core/offload.py``, and is not counted).

    .venv/bin/python benchmarks/import_cpu_bench.py [--runs 3]

Why CPU time and not /healthz's latency: every CPU second of pure Python in that thread is a second in which
the event loop waits for the GIL in turns, and unlike a latency on a shared, loaded machine it hardly moves
with the load. Each run imports the sheet again into the same books (``duplicates=import``), so later runs
also meet the earlier rows when repeats are looked for.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.upload_bench import _load, _sheet  # noqa: E402
from books.store import import_file, read_plain  # noqa: E402
from core.db import session_factory  # noqa: E402
from core.models import Employee  # noqa: E402
from core.offload import Offload  # noqa: E402
from core.seed import seed_demo  # noqa: E402
from core.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = _sheet(["日期", "金额", "发票类型", "类别", "税率"], 2000, ["2026-07-01", 100, "普票", "货物", "1%"])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), sandbox=True)
        seed_demo(settings)
        db = session_factory(settings.db_url)
        with db() as s:
            ws = s.query(Employee).first().workspace_id
        pool = Offload(workers=1, limit_s=120)
        pool.run(len, "")  # started and warm before the first measured import
        print(f"load average {_load()}")
        try:
            for i in range(args.runs):
                with db() as s:
                    cpu, wall = time.thread_time(), time.perf_counter()
                    done = import_file(s, ws, f"收入{i}.xlsx", data, "Asia/Shanghai", "import",
                                       read=partial(pool.run, read_plain))
                    s.commit()
                    print(f"run {i + 1}: {len(done.added)} rows, web thread CPU {time.thread_time() - cpu:.3f} s, "
                          f"wall {time.perf_counter() - wall:.2f} s")
        finally:
            pool.close()


if __name__ == "__main__":
    main()
