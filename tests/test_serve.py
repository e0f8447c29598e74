"""How ``serve.Stack`` starts its processes: a server whose port was taken since it was picked starts on
another (tests pick ports that nothing holds until the child binds them), one that cannot start says why at
once instead of after the whole start-up wait, and workers run below the web and the scheduler's priority."""
import os
import socket
import time
from pathlib import Path

import httpx
import pytest

from redis import Redis

from core.settings import Settings
from serve import Stack, StartFailed, free_port
from tests.stack_fixtures import descendants, make_stack
from tests.core_fixtures import wait_until


def _occupied() -> socket.socket:
    """A listening socket on a port ``free_port`` handed out, as another process would hold it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", free_port()))
    sock.listen()
    return sock


def test_free_port_never_hands_out_the_same_port_twice():
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)


def test_a_replica_whose_port_was_taken_meanwhile_starts_on_another(tmp_path):
    taken = _occupied()
    stack = Stack(tmp_path, xhs_port=taken.getsockname()[1], replica_delays=False, repick_ports=True)
    try:
        stack.start_replica("xiaohongshu")
        assert stack.xhs_port != taken.getsockname()[1]
        assert httpx.get(f"{stack.replica_url('xiaohongshu')}/healthz").status_code == 200
        assert "address already in use" in stack.log_path("xiaohongshu").read_text().lower()
    finally:
        stack.stop()
        taken.close()


def test_a_server_on_a_port_the_owner_chose_that_is_taken_fails_at_once_with_its_log(tmp_path):
    taken = _occupied()
    stack = Stack(tmp_path, xhs_port=taken.getsockname()[1], replica_delays=False)  # ports chosen, not picked
    started = time.monotonic()
    try:
        with pytest.raises(StartFailed) as failed:
            stack.start_replica("xiaohongshu")
        # it exits within seconds; the wait for a slow start is 90 s
        assert time.monotonic() - started < 60
        assert "exited" in str(failed.value) and "address already in use" in str(failed.value).lower()
        assert stack.xhs_port == taken.getsockname()[1]
    finally:
        stack.stop()
        taken.close()


def test_a_redis_already_on_the_stacks_port_is_not_taken_for_the_stacks_own(tmp_path, redis_server):
    # Another Redis answering on the port must not pass for the stack's: the stack would queue its jobs
    # into someone else's data (and stop() would leave the child that failed to bind unseen).
    other = Redis.from_url(redis_server)
    other.set("owner", "another program")
    port = other.connection_pool.connection_kwargs["port"]
    stack = Stack(tmp_path, redis_port=port, repick_ports=True)
    try:
        stack.start_redis()
        assert stack.redis_port != port
        assert Redis(port=stack.redis_port).info("server")["process_id"] == stack.procs["redis"].pid
        assert other.get("owner") == b"another program"
    finally:
        stack.stop()
        other.delete("owner")


def test_a_redis_on_a_port_the_owner_chose_that_is_taken_fails_at_once(tmp_path, redis_server):
    port = Redis.from_url(redis_server).connection_pool.connection_kwargs["port"]
    stack = Stack(tmp_path, redis_port=port)
    try:
        with pytest.raises(StartFailed) as failed:
            stack.start_redis()
        assert "address already in use" in str(failed.value).lower()
    finally:
        stack.stop()


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_the_worker_and_its_chromium_yield_the_cpu_to_the_web_and_the_scheduler(tmp_path_factory):
    assert Settings.model_fields["worker_nice"].default == 10  # the tests' own stacks run at 0 (conftest)
    stack = make_stack(tmp_path_factory, workers=1, web=True, OPC_WORKER_NICE="10")
    try:
        worker = stack.procs["worker-1"].pid

        def chromium() -> dict[int, bytes]:
            return {p: cmd for p in descendants(worker) if b"chromium" in (cmd := _cmdline(p))}

        # Chromium (as root, as here) sets its browser and GPU processes to -8 and its helpers to 0 as they
        # start: watched from the GPU process's start for three seconds.
        wait_until(lambda: any(b"--type=gpu-process" in cmd for cmd in chromium().values()), timeout=60,
                   what="the worker's warm Chromium")
        seen, until = set(), time.monotonic() + 3
        while time.monotonic() < until:
            seen |= {_nice(p) for p in chromium()}
            time.sleep(0.1)
        ours = _nice(os.getpid())
        assert _nice(stack.procs["web"].pid) == ours and _nice(stack.procs["scheduler"].pid) == ours
        assert _nice(worker) == min(ours + 10, 19)
        assert seen == {min(ours + 10, 19)}
    finally:
        stack.stop()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
