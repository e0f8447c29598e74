"""Invoice reading benchmark: invoices per minute for XML, PDF and OFD; seconds per photo; OCR memory.

    .venv/bin/python benchmarks/invoice_bench.py [--seconds 20] [--procs 2] [--photos 5]

XML/PDF/OFD: ``--procs`` processes each read the test set's files of that format in a loop for
``--seconds``; the sum of their rates is the throughput on that many cores. Photos: a fresh process
imports the reader (resident memory then, and whether onnxruntime is loaded), reads the first photo (the
OCR model loads on it), then the rest; printed: seconds per photo (wall and CPU) and the peak resident
memory (ru_maxrss). Field accuracy per source is printed as the accuracy test measures it.
Goals (issue 17): XML/PDF ≥ 300 per minute, a photo ≤ 3 s, OCR resident memory ≤ 500 MiB and loaded
only when a photo comes. The machine's load average is printed: the figures mean little on a busy one.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from books.invoices import KEY_FIELDS, LABELS, read_invoice  # noqa: E402
from tests.invoice_fixtures import OWN_TAX_ID, field_accuracy, invoice_set, read_all  # noqa: E402

PHOTO_SCRIPT = """
import json, pathlib, resource, sys, time
sys.path.insert(0, {root!r})
from books.invoices import read_invoice
def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
photos = [(p.name, p.read_bytes()) for p in sorted(pathlib.Path({folder!r}).iterdir())]
out = {{"rss_before": rss(), "onnx_before": "onnxruntime" in sys.modules, "seconds": [], "cpu": []}}
for name, data in photos:
    start, cpu = time.perf_counter(), time.process_time()
    read_invoice(data, name, own_tax_id={own!r})
    out["seconds"].append(time.perf_counter() - start)
    out["cpu"].append(time.process_time() - cpu)
out["rss_peak"] = rss()
out["onnx_after"] = "onnxruntime" in sys.modules
print(json.dumps(out))
"""


def _loop(files: list[tuple[str, bytes]], seconds: float, queue) -> None:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        name, data = files[count % len(files)]
        read_invoice(data, name, own_tax_id=OWN_TAX_ID)
        count += 1
    queue.put(count / (time.perf_counter() - start) * 60)


def throughput(files, seconds: float, procs: int) -> float:
    queue = multiprocessing.get_context("fork").Queue()
    workers = [multiprocessing.get_context("fork").Process(target=_loop, args=(files, seconds, queue))
               for _ in range(procs)]
    for w in workers:
        w.start()
    rates = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    return sum(rates)


def photos(rows, count: int) -> dict:
    """Read in a fresh process that holds nothing but the reader, so its memory is the reader's and OCR's."""
    with tempfile.TemporaryDirectory() as folder:
        for _, name, data, _ in [row for row in rows if row[0] == "photo"][:count]:
            Path(folder, name).write_bytes(data)
        out = subprocess.run([sys.executable, "-c", PHOTO_SCRIPT.format(root=str(ROOT), folder=folder, own=OWN_TAX_ID)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--only-photos", action="store_true")
    args = parser.parse_args()
    rows = invoice_set()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for source in () if args.only_photos else ("xml", "pdf", "ofd"):
        files = [(name, data) for s, name, data, _ in rows if s == source]
        print(f"{source}: {throughput(files, args.seconds, args.procs):.0f} invoices/min "
              f"on {args.procs} processes ({len(files)} files in turn)")
    result = photos(rows, args.photos)
    seconds = result["seconds"]
    print(f"photo: first {seconds[0]:.2f}s (model load included), then median "
          f"{statistics.median(seconds[1:]):.2f}s, max {max(seconds[1:]):.2f}s (n={len(seconds) - 1})")
    print(f"photo: CPU seconds (both threads) first {result['cpu'][0]:.2f}, then median "
          f"{statistics.median(result['cpu'][1:]):.2f}, max {max(result['cpu'][1:]):.2f}")
    print(f"photo: resident memory {result['rss_before']:.0f} MiB after importing the reader "
          f"(onnxruntime loaded: {'yes' if result['onnx_before'] else 'no'}), peak "
          f"{result['rss_peak']:.0f} MiB after {len(seconds)} photos")
    if args.only_photos:
        return
    readings = read_all(rows, read_invoice)
    every = field_accuracy(readings, lambda s: LABELS)
    key = field_accuracy(readings, lambda s: KEY_FIELDS)
    for source in ("xml", "pdf", "ofd", "photo"):
        print(f"accuracy {source}: all fields {every[source][0]}/{every[source][1]}, "
              f"key fields {key[source][0]}/{key[source][1]}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
