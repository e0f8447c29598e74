"""The owner's login resists guessing: throttled with backoff, no timing tell, sessions that really end."""
from __future__ import annotations

import statistics
import time
from contextlib import closing

import httpx
import pytest

from core.models import LoginFailure
from core.seed import seed_demo
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server)


@pytest.fixture(autouse=True)
def no_earlier_failures(web):  # noqa: F811
    with web.db() as s:
        s.query(LoginFailure).delete()
        s.commit()


def _try(c: httpx.Client, user: str, password: str) -> httpx.Response:
    return c.post("/api/session", json={"username": user, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_waits_and_the_wait_doubles(web):  # noqa: F811
    with closing(web.client(login=False)) as c:
        assert [_try(c, "owner", f"guess{i}").status_code for i in range(5)] == [401] * 5
        held = _try(c, "owner", web.password)
        assert held.status_code == 429
        assert held.headers["retry-after"] == "1"
        assert "登录失败次数过多" in held.json()["detail"][0]["message"]
        time.sleep(1.1)
        assert _try(c, "owner", "guess5").status_code == 401  # allowed through once the wait is over
        again = _try(c, "owner", web.password)
        assert again.status_code == 429 and again.headers["retry-after"] == "2"
        time.sleep(2.1)
        assert _try(c, "owner", web.password).status_code == 200
        # a success clears the user's count: the next mistake is answered, not held
        assert _try(c, "owner", "oops").status_code == 401


def test_one_address_guessing_many_names_is_held_too(web):  # noqa: F811
    with closing(web.client(login=False)) as c:
        for i in range(20):
            assert _try(c, f"user{i}", "x").status_code == 401
        held = _try(c, "someone-else", "x")
        assert held.status_code == 429 and int(held.headers["retry-after"]) >= 1


def test_a_missing_user_takes_as_long_as_a_wrong_password(web):  # noqa: F811
    def timed(user: str) -> float:
        t = time.perf_counter()
        assert _try(c, user, "wrong").status_code == 401
        return time.perf_counter() - t

    with closing(web.client(login=False)) as c:
        real, missing = [], []
        for i in range(4):  # interleaved, so a busy moment of the machine hits both alike
            real.append(timed("owner"))
            missing.append(timed(f"nobody{i}"))
    ratio = statistics.median(missing) / statistics.median(real)
    assert 0.5 < ratio < 2, (real, missing)


def test_logout_needs_the_csrf_token_and_kills_a_copied_cookie(web):  # noqa: F811
    with closing(web.client()) as c:
        cookie = c.cookies["opc_session"]
        csrf = c.headers.pop("X-CSRF-Token")
        assert c.delete("/api/session").status_code == 403
        c.headers["X-CSRF-Token"] = csrf
        assert c.delete("/api/session").status_code == 200
    with closing(httpx.Client(base_url=web.url, cookies={"opc_session": cookie})) as thief:
        assert thief.get("/api/runs").status_code == 401


def test_a_password_change_logs_every_other_browser_out(web):  # noqa: F811
    with closing(web.client()) as phone, closing(web.client()) as laptop:
        short = phone.put("/api/session/password", json={"old_password": web.password, "new_password": "short"})
        assert short.status_code == 422 and short.json()["detail"][0]["field"] == "new_password"
        wrong = phone.put("/api/session/password", json={"old_password": "nope", "new_password": "a-long-new-pass"})
        assert wrong.status_code == 422 and wrong.json()["detail"][0]["message"] == "当前密码不对"
        r = phone.put("/api/session/password", json={"old_password": web.password, "new_password": "a-long-new-pass"})
        assert r.status_code == 200
        phone.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        assert laptop.get("/api/runs").status_code == 401
        assert phone.get("/api/runs").status_code == 200
        assert _try(phone, "owner", web.password).status_code == 401
        # the demo's reset (python -m core.seed --reset-password) ends sessions the same way
        _user, web.password = seed_demo(web.settings, reset_password=True)
        assert phone.get("/api/runs").status_code == 401
        assert _try(phone, "owner", web.password).status_code == 200
