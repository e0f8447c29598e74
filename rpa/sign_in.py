"""Typing a stored login (the tax bureau's 统一社会信用代码, user and password) through every check the site
adds after 登录: the login job (``rpa.login``) and a filing run (``graphs.tax_filing``) both go through it,
each handing the checks to the owner its own way."""
from __future__ import annotations

from typing import Callable

from core.errors import CodeRequired, NeedsHuman, SliderRequired

LOGIN_STEPS = 6
"""Presses, drags and codes one sign-in may take before it is given up."""


def type_login(adapter, page, credentials: dict, *, drag: Callable[[SliderRequired], None],
               code: Callable[[CodeRequired], str]) -> NeedsHuman | bool:
    """True once the site let us in; False after ``LOGIN_STEPS`` without getting in. A slider goes to
    ``drag`` (then 登录 is pressed again), an SMS code is asked of ``code``; any other check the site puts up
    (the face check's QR) is returned for the caller to hand over."""
    def press_login() -> None:
        adapter.log_in(page, credentials["credit_code"], credentials["user"], credentials["password"])

    step = press_login
    for _ in range(LOGIN_STEPS):
        try:
            step()
            return True
        except SliderRequired as asked:
            drag(asked)
            step = press_login  # after the drag the site wants 登录 pressed again
        except CodeRequired as asked:
            answer = code(asked)
            step = lambda answer=answer: adapter.enter_login_code(page, answer)  # noqa: E731
        except NeedsHuman as asked:
            return asked
    return False
