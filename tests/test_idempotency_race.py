"""Two taps' retries that arrive at the same moment with the same Idempotency-Key make one run (or one
decision), and the second request answers the first one's answer: never a 500, never a second run."""
from __future__ import annotations

import io
import random
import threading

from PIL import Image

from core.models import Run
from tests.web_fixtures import ids, pending_approval, web  # noqa: F401  (module-scoped web server, the demo's ids)

ROUNDS = 4
"""Pairs sent per test: each pair races on its own key, so one lucky ordering cannot hide the race."""


def _phone_photo() -> bytes:
    """A JPEG of a few MB, as a phone takes them: large enough that the server reads it from disk, not memory."""
    rnd = random.Random(13)
    buf = io.BytesIO()
    Image.frombytes("RGB", (1200, 1500), rnd.randbytes(1200 * 1500 * 3)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _at_once(web, send) -> list:
    """``send(client)`` from two threads released together, each with its own logged-in client."""
    clients = [web.client(), web.client()]
    start, answers = threading.Barrier(2), [None, None]

    def go(i):
        start.wait()
        answers[i] = send(clients[i])

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for c in clients:
        c.close()
    return answers


def test_two_posts_with_the_same_key_at_once_make_one_run_and_both_answer_it(web, ids):  # noqa: F811
    image = _phone_photo()
    for n in range(ROUNDS):
        title = f"同时重试{n}"

        def send(c, title=title, n=n):
            return c.post("/api/runs", headers={"Idempotency-Key": f"race-{n}"},
                          data={"account_id": ids["account"], "employee_id": ids["employee"], "title": title,
                                "body": "清香回甘", "topics": "冷泡茶", "timing": "now"},
                          files=[("images", ("a.jpg", image, "image/jpeg"))])

        first, second = _at_once(web, send)
        assert [first.status_code, second.status_code] == [201, 201], (first.text, second.text)
        assert first.json()["runs"][0]["id"] == second.json()["runs"][0]["id"]
        with web.db() as s:
            assert sum(1 for r in s.query(Run).all() if r.content.get("title") == title) == 1


def test_two_approvals_with_the_same_key_at_once_record_one_decision_and_both_answer_it(web, ids):  # noqa: F811
    for n in range(ROUNDS):
        url = f"/api/approvals/{pending_approval(web, ids)}/decision"

        def send(c, url=url, n=n):
            return c.post(url, json={"approve": True}, headers={"Idempotency-Key": f"approve-race-{n}"})

        first, second = _at_once(web, send)
        assert [first.status_code, second.status_code] == [200, 200], (first.text, second.text)
        assert first.json()["status_label"] == second.json()["status_label"] == "已批准"
