"""Heavy parsing of uploads (documents, spreadsheets) in a few worker processes owned by the web server.

Why processes: reading a 27万字 document and cutting it into words with jieba is pure Python; in a thread
of the web process it holds the GIL for seconds, and every other request (``/healthz`` included) waits
for its turns (p99 0.75 s, docs/reliability.md). In another process it costs the web process nothing but
the pickling of the bytes in and the result out. The callers keep every database write in the web process.

Why not ``ProcessPoolExecutor``: a parse past its time limit must be stopped, and an executor can neither
cancel a running call nor lose one worker without breaking every other call in flight. Each worker here
is one process with its own pipe, used by one call at a time: the caller's thread waits on the pipe (the
GIL is free meanwhile); past the limit the worker is killed, and a fresh one is started for the next
call. Workers are started as a fresh interpreter (never ``fork``: the web process has threads, whose locks
a fork would copy) on first use, and warm themselves (imports, jieba's dictionary) before the limit's
clock starts.

Why not ``multiprocessing``'s ``spawn``: its child inherits the web server's whole environment, the
model's key, the webhook URL and the vault keys among it, readable in ``/proc/<pid>/environ`` by whatever a
crafted file makes the reader do. A worker gets ``core.private.plain_env`` only, like Chromium.

Why not an RQ job: the run workers' queue holds browser runs of minutes, and an upload answered in seconds
would wait behind them, or need a queue and worker of its own; an upload would also fail while Redis is
away, which the web server otherwise survives (docs/reliability.md).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import resource
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Callable

from core.errors import ValidationFailed
from core.private import plain_env

log = logging.getLogger(__name__)

WARM_MODULES = ("knowledge.store", "core.product_import", "books.store")
"""Imported by each worker as it starts, so a call pays none of it within its limit."""
START_TIMEOUT_S = 120.0
"""For a worker to start and warm up (seconds on a loaded machine): not part of any call's limit."""
MEMORY_BYTES = 2 * 1024**3
"""Address space of a worker: a file made to exhaust memory fails its parse, not the machine."""


class OffloadFailed(RuntimeError):
    """The pool cannot run a call (closed, or a worker that does not start): not the file's fault."""


CHILD = "import sys; sys.path[:0] = sys.argv[2:]; from core.offload import serve_fd; serve_fd(int(sys.argv[1]))"
"""A worker's program: the caller's import path first (the worktree or install the web server runs from,
so the functions it sends are found by the same names), then the loop on the inherited end of the pipe."""


def serve_fd(fd: int) -> None:
    conn = Connection(fd)
    try:
        warm, memory = conn.recv()
    except (EOFError, OSError):
        return
    _serve(conn, warm, memory)


def _serve(conn: Connection, warm: tuple[str, ...], memory: int) -> None:
    """A worker's loop: warm up, say ready, then run one call at a time until the pipe closes."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):  # a lower hard limit set by the service manager stays
        pass
    for module in warm:
        __import__(module)
    if "knowledge.store" in warm:
        import jieba

        jieba.initialize()  # the dictionary (~1 s): once per worker, not once per document
    conn.send(("ready", os.getpid()))
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", fn(*args, **kwargs)))
        except ValidationFailed as e:  # the file's own fault, with the owner's message
            conn.send(("invalid", e.errors))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as e:  # noqa: BLE001 (sent to the caller, which raises it in the web process)
            conn.send(("error", _portable(e)))


def _portable(e: Exception) -> Exception:
    """The exception itself when it survives pickling, else its traceback as text."""
    try:
        return pickle.loads(pickle.dumps(e))
    except Exception:  # noqa: BLE001
        return OffloadFailed("".join(traceback.format_exception(e)))


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    conn: Connection
    pid: int = 0


@dataclass
class Offload:
    """A small pool of parse processes. ``run`` blocks the calling thread (call it from a thread pool in an
    ``async`` route); ``close`` stops the workers (the web app's lifespan calls it)."""

    workers: int = 1
    limit_s: float = 30.0
    """Wall time of one call; past it the worker is killed and the call refused (``ValidationFailed``)."""
    warm: tuple[str, ...] = WARM_MODULES
    memory: int = MEMORY_BYTES
    _idle: list[_Worker] = field(default_factory=list, repr=False)
    _lock: threading.Condition = field(default_factory=threading.Condition, repr=False)
    """Guards the lists; notified when a worker is given back or killed."""
    _started: list[_Worker] = field(default_factory=list, repr=False)
    """Every worker alive or starting (idle or busy): at most ``workers``."""
    _closed: bool = False

    def run(self, fn: Callable, *args, field: str = "file", limit_s: float | None = None, **kwargs) -> Any:
        """``fn(*args, **kwargs)`` in a worker process (``fn`` and its arguments must pickle: a module-level
        function). Its ``ValidationFailed`` and any other exception that pickles are raised here; past the
        limit, or when the worker dies or runs out of memory, a ``ValidationFailed`` on ``field`` saying so.

        A worker that dies during the call may have been dying already (killed from outside just before):
        the call is tried once more on a fresh worker, and only a second death is the file's fault."""
        limit = self.limit_s if limit_s is None else limit_s
        for attempt in (1, 2):
            try:
                kind, value = self._call(self._take(), (fn, args, kwargs), limit, field)
                break
            except EOFError as e:
                if attempt == 2:
                    raise ValidationFailed([{"field": field, "limit": "可读取",
                                             "message": "文件无法读取：读取时出错，请确认文件没有损坏"}]) from e
        if kind == "ok":
            return value
        if kind == "invalid":
            raise ValidationFailed(value)
        if kind == "memory":
            raise ValidationFailed([{"field": field, "limit": f"≤ {self.memory // 1024**3} GB内存",
                                     "message": "文件内容太多，读取时内存不够：请拆分成小一些的文件再上传"}])
        raise value

    def _call(self, worker: _Worker, call: tuple, limit: float, field: str) -> tuple[str, Any]:
        """One call on one worker: its answer, or EOFError when the worker died (it is then gone)."""
        try:
            worker.conn.send(call)
            if not worker.conn.poll(limit):
                self._kill(worker)
                worker = None
                raise ValidationFailed([{"field": field, "limit": f"≤ {limit:g}秒",
                                         "message": f"文件处理超过{limit:g}秒，已停止：请拆分成小一些的文件再上传"}])
            return worker.conn.recv()
        except (EOFError, OSError) as e:  # BrokenPipeError on send, EOF on recv
            self._kill(worker)
            worker = None
            raise EOFError(str(e)) from e
        finally:
            if worker is not None:
                self._give(worker)

    def _give(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)
            self._lock.notify()

    def pids(self) -> list[int]:
        """The workers' process ids (started ones only)."""
        with self._lock:
            return [w.pid for w in self._started if w.pid]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._started, self._idle = [w for w in self._started if w.process], [], []
            self._lock.notify_all()
        for w in workers:
            w.conn.close()  # the worker's recv sees EOF and returns
            try:
                w.process.wait(2)
            except subprocess.TimeoutExpired:
                w.process.kill()
                w.process.wait()

    def _take(self) -> _Worker:
        with self._lock:
            while True:
                if self._closed:
                    raise OffloadFailed("the parse pool is closed")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.process.poll() is None:
                        return worker
                    self._started.remove(worker)  # died while idle (killed from outside): start another
                    worker.conn.close()
                if len(self._started) < self.workers:
                    placeholder = _Worker(process=None, conn=None)  # type: ignore[arg-type]
                    self._started.append(placeholder)  # counts against the size while it starts
                    break
                self._lock.wait()  # every worker is busy: each call is bounded by its limit
        try:
            worker = self._start()
        except BaseException:
            with self._lock:
                self._started.remove(placeholder)
                self._lock.notify()
            raise
        with self._lock:
            self._started[self._started.index(placeholder)] = worker
        return worker

    def _start(self) -> _Worker:
        mine, theirs = multiprocessing.Pipe()
        fd = theirs.fileno()
        process = subprocess.Popen([sys.executable, "-c", CHILD, str(fd), *sys.path], pass_fds=(fd,),
                                   stdin=subprocess.DEVNULL, env=plain_env())
        theirs.close()
        try:
            mine.send((self.warm, self.memory))
            if not mine.poll(START_TIMEOUT_S):
                raise OffloadFailed("parse worker did not start")
            _ready, pid = mine.recv()
        except (EOFError, OSError) as e:
            process.kill()
            process.wait()
            raise OffloadFailed(f"parse worker exited at start ({process.returncode})") from e
        except OffloadFailed:
            process.kill()
            process.wait()
            raise
        log.info("parse worker %s started", pid)
        return _Worker(process, mine, pid)

    def _kill(self, worker: _Worker) -> None:
        """Stop a worker mid-call (past its limit, or broken); the next call starts a fresh one."""
        worker.process.kill()
        worker.process.wait()
        worker.conn.close()
        with self._lock:
            if worker in self._started:
                self._started.remove(worker)
            self._lock.notify()
        log.warning("parse worker %s killed", worker.pid)
