"""Start the whole service on one machine: Redis, the replicas (sandbox mode), the web/API server, workers
and the scheduler. Used by ``scripts/run.sh`` and by the end-to-end tests.

Every child runs in its own process group and is stopped with its children when the stack stops. While
the stack runs, a ``Supervisor`` starts a child that died again (with backoff), so one crashed worker
never takes the service down. Redis keeps its data in an append-only file (fsync every second) and never
evicts a job (docs/reliability.md).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from redis import Redis
from redis.exceptions import RedisError

from core.private import UMASK, private_dir, restrict_process
from core.queue import RedisMisconfigured, check_redis

ROOT = Path(__file__).resolve().parent
PY = sys.executable
log = logging.getLogger("serve")


_ports_given: set[int] = set()


def free_port() -> int:
    # The kernel may hand the same free port to two calls in a row (nothing holds it in between), and a
    # stack asks for six at once: never give one twice in this process.
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _ports_given:
            _ports_given.add(port)
            return port


class StartFailed(RuntimeError):
    """A child server exited, or did not answer, before it was up."""


def _wait_up(what: str, up, errors: tuple[type[Exception], ...], timeout: float, every: float,
             proc: subprocess.Popen | None, log_path: Path | None) -> None:
    """Until ``up()`` (its ``errors`` meaning not yet). A child that exits is reported at once, with the end
    of its log, rather than waited on to the end."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise StartFailed(f"{what} exited with {proc.returncode} before it was up{_log_tail(log_path)}")
        try:
            if up():
                return
        except errors:
            pass
        time.sleep(every)
    raise StartFailed(f"{what} did not come up in {timeout}s{_log_tail(log_path)}")


def wait_http(url: str, timeout: float = 90, proc: subprocess.Popen | None = None,
              log_path: Path | None = None) -> None:
    # Generous: importing the web app alone took 24-36 s on a 2-core box at load 26 (a busy CI machine).
    _wait_up(f"{url}: the server", lambda: httpx.get(url, timeout=2).status_code < 500, (httpx.HTTPError,),
             timeout, 0.2, proc, log_path)


def wait_redis(port: int, proc: subprocess.Popen, log_path: Path | None = None, timeout: float = 20) -> None:
    # An open port is not enough: another Redis (or any program) already on it would answer, and the
    # stack would run on someone else's data. Up means the Redis that answers is this child.
    _wait_up(f"redis on port {port}",
             lambda: Redis(port=port, socket_timeout=2).info("server")["process_id"] == proc.pid, (RedisError,),
             timeout, 0.1, proc, log_path)


def _log_tail(path: Path | None, lines: int = 20) -> str:
    if path is None or not path.exists():
        return ""
    return "; its log ends:\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} did not open in {timeout}s")


REPLICA_PORT_ATTR = {"xiaohongshu": "xhs_port", "douyin": "douyin_port", "taobao": "taobao_port",
                     "etax": "etax_port"}


@dataclass
class Stack:
    data_dir: Path
    web_port: int = 8600
    web_host: str = "127.0.0.1"
    """0.0.0.0 lets the owner's phone on the same network reach the server."""
    redis_port: int = 6379
    xhs_port: int = 8601
    douyin_port: int = 8602
    taobao_port: int = 8603
    etax_port: int = 8604
    workers: int = 1
    replica_delays: bool = True
    redis_persist: bool = True
    """Append-only file with fsync every second; False only for tests of a Redis that loses everything."""
    extra_env: dict = field(default_factory=dict)
    stop_grace_s: float = 15
    """How long a child gets after SIGTERM (a worker finishes the run in hand) before SIGKILL."""
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    cmds: dict[str, list[str]] = field(default_factory=dict)
    """How each child was started, so the supervisor can start it again."""
    homes: dict[str, Path] = field(default_factory=dict)
    """A child's own data dir when it is not ``data_dir`` (a process "on another host": nothing shared on
    disk, only Redis, the database and the object store)."""
    repick_ports: bool = False
    """The ports came from ``free_port`` (tests): a server that finds its port taken in the meantime (by
    another test process, or an outgoing connection given it as its local port) starts again on another."""
    _workers_started: int = 0

    @property
    def env(self) -> dict:
        return self.env_for(self.data_dir)

    def env_for(self, data_dir: Path) -> dict:
        env = dict(os.environ)
        env.update({
            "OPC_DATA_DIR": str(data_dir),
            "OPC_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "OPC_SANDBOX": "true",
            "OPC_SANDBOX_PORTS": json.dumps(self.replica_ports),
            "XDG_CONFIG_HOME": str(data_dir / "browser" / "xdg"),
            "PYTHONPATH": str(ROOT),
        })
        env.update(self.extra_env)
        return env

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def xhs_url(self) -> str:
        return f"http://127.0.0.1:{self.xhs_port}"

    def _spawn(self, name: str, cmd: list[str], home: Path | None = None) -> subprocess.Popen:
        if home is not None:
            self.homes[name] = private_dir(home)
        home = self.homes.get(name, self.data_dir)
        log = os.fdopen(os.open(self.log_path(name), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        # umask: whatever the child writes (databases, screenshots, Chromium's profile) is owner-only.
        proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env_for(home), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, umask=UMASK)
        self.procs[name], self.cmds[name] = proc, cmd
        return proc

    def restart(self, name: str) -> subprocess.Popen:
        proc = self._spawn(name, self.cmds[name])
        if name == "redis":
            wait_redis(self.redis_port, proc, self.log_path(name))
        return proc

    def start_redis(self) -> None:
        # Jobs survive a Redis restart only if they are on disk (AOF, at most a second lost), and are never
        # dropped for memory (noeviction: a full Redis refuses new jobs, which the API survives).
        persist = ["--dir", str(private_dir(self.data_dir / "redis")), "--appendonly", "yes",
                   "--appendfsync", "everysec"] if self.redis_persist else ["--appendonly", "no"]
        self._serve("redis", "redis_port", lambda: [
            shutil.which("redis-server") or "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
            "--save", "", "--maxmemory-policy", "noeviction", *persist],
            lambda proc, log_path: wait_redis(self.redis_port, proc, log_path))
        check_redis(Redis(port=self.redis_port))

    @property
    def replica_ports(self) -> dict[str, int]:
        return {site: getattr(self, attr) for site, attr in REPLICA_PORT_ATTR.items()}

    def replica_url(self, site: str) -> str:
        return f"http://127.0.0.1:{self.replica_ports[site]}"

    def start_replica(self, site: str = "xiaohongshu") -> None:
        attr = REPLICA_PORT_ATTR[site]
        self._serve(site, attr, lambda: [PY, "-m", f"sandbox.{site}", "--host", "127.0.0.1", "--port",
                                         str(getattr(self, attr)), *([] if self.replica_delays else ["--no-delays"])],
                    lambda proc, log_path: wait_http(f"{self.replica_url(site)}/healthz", proc=proc, log_path=log_path))

    def start_web(self, home: Path | None = None) -> None:
        self._serve("web", "web_port", lambda: [PY, "-m", "uvicorn", "api.app:app_from_env", "--factory", "--host",
                                                self.web_host, "--port", str(self.web_port)],
                    lambda proc, log_path: wait_http(f"{self.web_url}/healthz", proc=proc, log_path=log_path), home)

    def _serve(self, name: str, port_attr: str, cmd, wait_up, home: Path | None = None) -> None:
        """Start a server; ``wait_up(proc, log_path)`` returns once it answers. With ``repick_ports`` a port
        taken since it was picked is picked again (children started later are given the new one)."""
        for attempt in range(3):
            proc = self._spawn(name, cmd(), home)
            try:
                return wait_up(proc, self.log_path(name))
            except StartFailed as e:
                if not (self.repick_ports and attempt < 2 and "address already in use" in str(e).lower()):
                    raise
                log.warning("%s: port %s was taken, starting it on another", name, getattr(self, port_attr))
                self.procs.pop(name, None)
                setattr(self, port_attr, free_port())

    def log_path(self, name: str) -> Path:
        return self.homes.get(name, self.data_dir) / f"{name}.log"

    def start_worker(self, name: str | None = None, home: Path | None = None) -> subprocess.Popen:
        # A counter, not a count of live workers: a restarted worker must never take (and so hide) the
        # name of one still running, or stop() would leave that one behind.
        self._workers_started += 1
        name = name or f"worker-{self._workers_started}"
        return self._spawn(name, [PY, str(ROOT / "worker.py"), "--name", f"{name}-{os.getpid()}-{time.time_ns()}"],
                           home)

    def start_scheduler(self, name: str = "scheduler", home: Path | None = None) -> subprocess.Popen:
        return self._spawn(name, [PY, str(ROOT / "scheduler.py")], home)

    def start(self, redis: bool = True) -> "Stack":
        private_dir(self.data_dir)
        if redis:
            self.start_redis()
        for site in self.replica_ports:
            self.start_replica(site)
        self.start_web()
        for _ in range(self.workers):
            self.start_worker()
        self.start_scheduler()
        return self

    def stop_proc(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=self.stop_grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        for name in list(self.procs)[::-1]:
            self.stop_proc(name)


@dataclass
class Supervisor:
    """Starts a child of the stack again when it exits, instead of stopping the whole stack.

    The wait before a restart doubles with each exit in a row (``backoff_s``) so a child that cannot start
    (a broken config, a port taken) does not spin; a child that ran ``stable_s`` starts from the first step."""
    stack: Stack
    backoff_s: tuple[float, ...] = (1, 2, 4, 8, 16, 30)
    stable_s: float = 60
    restarts: dict[str, int] = field(default_factory=dict)
    """Restarts per child since the supervisor began (for benchmarks and the log)."""
    _exits: dict[str, int] = field(default_factory=dict)
    _started: dict[str, float] = field(default_factory=dict)
    _due: dict[str, tuple[float, subprocess.Popen]] = field(default_factory=dict)

    def check(self) -> list[str]:
        """One look at every child: schedule the restart of a dead one, restart those due. Returns their names."""
        now, restarted = time.monotonic(), []
        for name, proc in list(self.stack.procs.items()):
            self._started.setdefault(name, now)
            if proc.poll() is None:
                continue
            if name not in self._due:
                ran = now - self._started[name]
                exits = 0 if ran >= self.stable_s else self._exits.get(name, 0)
                delay = self.backoff_s[min(exits, len(self.backoff_s) - 1)]
                self._exits[name] = exits + 1
                self._due[name] = (now + delay, proc)
                log.warning("%s exited with code %s after %.0f s; starting it again in %g s (see %s.log)",
                            name, proc.returncode, ran, delay, name)
            due, seen = self._due[name]
            if now >= due and self.stack.procs.get(name) is seen:  # not stopped meanwhile on purpose
                del self._due[name]
                new = self.stack.restart(name)
                self._started[name] = time.monotonic()
                self.restarts[name] = self.restarts.get(name, 0) + 1
                log.warning("%s started again (pid %d, restart %d in a row)", name, new.pid, self._exits[name])
                restarted.append(name)
        return restarted

    def run(self, stop: threading.Event, every_s: float = 0.5) -> None:
        while not stop.wait(every_s):
            try:
                self.check()
            except Exception:  # a restart that failed (a port still taken) is tried again at the next look
                log.exception("supervisor: restart failed")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run OPC Digital Staff with a demo workspace on the replicas")
    parser.add_argument("--data-dir", default=os.environ.get("OPC_DATA_DIR", str(ROOT / "data")))
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--host", default="0.0.0.0", help="address the web server listens on")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    stack = Stack(Path(args.data_dir).resolve(), web_port=args.port, web_host=args.host,
                  redis_port=args.redis_port, workers=args.workers)
    restrict_process()
    private_dir(stack.data_dir)
    os.environ.update(stack.env)
    from core.seed import seed_demo  # after env: seeding reads the same settings as the services
    from core.settings import get_settings

    redis_running = _port_open(args.redis_port)
    try:
        if redis_running:  # the owner's own Redis: it must not evict jobs either
            check_redis(Redis(port=args.redis_port))
    except RedisMisconfigured as e:
        sys.exit(f"OPC: {e}")
    stack.start(redis=not redis_running)
    username, password = seed_demo(get_settings())
    print(f"\nOPC 数字员工已启动: {stack.web_url}")
    if args.host == "0.0.0.0":
        print(f"手机（同一网络）打开: http://{_lan_ip()}:{args.port}")
    print(f"用户名: {username}")
    print(f"一次性密码: {password}" if password else "密码: 沿用首次启动时打印的密码（重置: python -m core.seed --reset-password）")
    print(f"日志: {stack.data_dir}/*.log   按 Ctrl+C 停止\n", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        Supervisor(stack).run(threading.Event())
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


def _lan_ip() -> str:
    """The address other devices on the network reach this machine by (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


if __name__ == "__main__":
    main()
