"""A group bot's webhook on a real local port, for tests of what is pushed to the owner (``core.notify``)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET_PATH = "/cgi-bin/webhook/send?key=5f1c-secret-bot-key"


class Bot:
    """A group bot's webhook on a real local port: records what it is sent; can fail the first posts."""

    def __init__(self):
        self.received: list[dict] = []
        self.fail_next = 0
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if bot.fail_next:
                    bot.fail_next -= 1
                    self.send_response(502)
                else:
                    bot.received.append({"path": self.path, **body})
                    self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"errcode":0}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}{SECRET_PATH}"

    def texts(self) -> list[str]:
        return [m["text"]["content"] for m in self.received]


@pytest.fixture
def bot():
    b = Bot()
    yield b
    b.server.shutdown()
