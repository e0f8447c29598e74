"""Uploaded documents and sheets are read in the web server's parse process, never in the process that
answers requests, and a reading that runs past its time limit is killed and refused with the limit named."""
from __future__ import annotations

import io
import os
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.errors import ValidationFailed
from core.offload import Offload
from knowledge.store import read_document
from tests.offload_fixtures import children, cmdline, die, environ, spin
from tests.web_fixtures import Web, start_web_stack, web  # noqa: F401  (module-scoped web server)

LONG_TEXT = "\n".join(f"桂花乌龙冷泡茶第{i}批，清香回甘，冰镇后更加清爽，适合夏天送礼。" for i in range(8_000))
"""27万字: seconds of jieba on any machine, far past the 0.3 s limit of the strict server below."""


@pytest.fixture
def pool():
    p = Offload(workers=1, limit_s=0.5, warm=())
    yield p
    p.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_call_runs_in_another_process_than_the_callers(pool):
    worker = pool.run(os.getpid)
    assert worker != os.getpid()
    assert pool.pids() == [worker]
    assert pool.run(os.getpid) == worker  # the same warm process serves the next call


def test_a_parse_worker_is_started_without_the_services_secrets(monkeypatch):
    canaries = {"OPC_LLM_API_KEY": "sk-canary-51be", "OPC_NOTIFY_WEBHOOK_URL": "https://hook.example/canary-0c3d",
                "OPC_VAULT_KEYS": "canary-vault-7a21"}
    for name, value in canaries.items():
        monkeypatch.setenv(name, value)  # as in the web server: the service's secrets are in its environment
    pool = Offload(workers=1, limit_s=5, warm=())
    try:
        worker = pool.run(os.getpid)
        in_proc = Path(f"/proc/{worker}/environ").read_bytes().decode(errors="replace")
        told = pool.run(environ)  # what the worker's own Python sees
    finally:
        pool.close()
    assert "PATH=" in in_proc  # the file was read: the worker runs with a plain environment
    assert not [v for v in canaries.values() if v in in_proc]
    assert not set(canaries) & set(told)


def test_a_call_past_its_limit_is_killed_and_refused_naming_the_limit(pool):
    first = pool.run(os.getpid)
    with pytest.raises(ValidationFailed) as refused:
        pool.run(spin)
    assert refused.value.errors == [{"field": "file", "limit": "≤ 0.5秒",
                                     "message": "文件处理超过0.5秒，已停止：请拆分成小一些的文件再上传"}]
    assert not _alive(first) and pool.pids() == []
    assert pool.run(os.getpid) not in (first, os.getpid())  # a fresh process takes the next call


def test_a_worker_that_dies_mid_call_is_a_clear_refusal_and_is_replaced(pool):
    first = pool.run(os.getpid)
    with pytest.raises(ValidationFailed) as refused:
        pool.run(die)
    assert refused.value.errors[0]["message"] == "文件无法读取：读取时出错，请确认文件没有损坏"
    assert pool.run(os.getpid) != first


def test_a_refusal_raised_while_reading_arrives_as_the_same_field_error():
    pool = Offload(workers=1, limit_s=60)  # warm: the reading modules are imported before the clock starts
    try:
        with pytest.raises(ValidationFailed) as refused:
            pool.run(read_document, "说明.doc", b"x")
    finally:
        pool.close()
    assert refused.value.errors[0]["field"] == "file"
    assert "不支持这种文件（doc）" in refused.value.errors[0]["message"]


def _parse_processes(web) -> list[int]:  # noqa: F811
    return [p for p in children(web.stack.procs["web"].pid) if "core.offload" in cmdline(p)]


def test_the_web_server_reads_an_uploaded_document_in_its_parse_process(web):  # noqa: F811
    with closing(web.client()) as c:
        r = c.post("/api/knowledge", files={"file": ("品牌手册.txt", "桂花乌龙，清香回甘。".encode())})
        assert r.status_code == 201, r.text
        assert r.json()["passages"] == 1
        [parser] = _parse_processes(web)
        # A sheet of products and an income sheet go to the same process.
        wb = Workbook()
        wb.active.append(["日期", "金额", "发票类型", "类别", "税率"])
        wb.active.append(["2026-07-01", 100, "普票", "货物", "1%"])
        buf = io.BytesIO()
        wb.save(buf)
        os.kill(parser, 9)  # and when it dies between uploads, the next upload starts another
        r = c.post("/api/books/import", files={"file": ("收入.xlsx", buf.getvalue())})
        assert r.status_code == 201, r.text
        assert r.json()["added"] == 1
        assert _parse_processes(web) not in ([], [parser])


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory, env={"OPC_PARSE_LIMIT_S": "0.3"})
    yield Web(stack, password)
    stack.stop()


def test_a_document_whose_reading_passes_the_time_limit_is_refused_naming_it_and_nothing_is_stored(strict):
    with closing(strict.client()) as c:
        r = c.post("/api/knowledge", files={"file": ("大文件.txt", LONG_TEXT.encode())})
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == [{"field": "file", "limit": "≤ 0.3秒",
                                       "message": "文件处理超过0.3秒，已停止：请拆分成小一些的文件再上传"}]
        assert "大文件.txt" not in [d["name"] for d in c.get("/api/knowledge").json()["docs"]]
        assert c.post("/api/knowledge", files={"file": ("小文件.txt", "桂花乌龙。".encode())}).status_code == 201
