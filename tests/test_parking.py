"""The bounds on kept forms (``rpa.parking``): how many, how long, and only in a worker that serves its own
queue. The worker's part end to end is tests/test_kept_form.py."""
from __future__ import annotations

import time

from core.queue import kept_key
from rpa.parking import Parking
from tests.core_fixtures import core_settings, redis_conn, redis_server  # noqa: F401


class Page:
    """Stands in for a workbench: what the bounds do to it is whether it was closed."""

    def __init__(self):
        self.closed = False
        self.kept = False

    def close(self):
        self.closed = True


def _parking(core_settings, redis_conn, **settings) -> Parking:  # noqa: F811
    parking = Parking(core_settings.model_copy(update=settings), redis_conn)
    parking.serve()
    return parking


def test_a_worker_that_serves_no_queue_of_its_own_keeps_nothing(core_settings, redis_conn):  # noqa: F811
    parking = Parking(core_settings, redis_conn)
    assert parking.keep("r1", Page()) is False
    assert redis_conn.get(kept_key(core_settings, "r1")) is None


def test_a_kept_form_is_named_in_redis_and_handed_over_once(core_settings, redis_conn):  # noqa: F811
    parking = _parking(core_settings, redis_conn)
    page = Page()
    assert parking.keep("r1", page)
    assert redis_conn.get(kept_key(core_settings, "r1")).decode() == parking.queue
    assert 0 < redis_conn.ttl(kept_key(core_settings, "r1")) <= core_settings.keep_filled_s
    assert parking.take("r1") is page and page.kept and not page.closed
    assert parking.take("r1") is None
    assert redis_conn.get(kept_key(core_settings, "r1")) is None


def test_beyond_the_most_the_oldest_form_is_closed(core_settings, redis_conn):  # noqa: F811
    parking = _parking(core_settings, redis_conn, keep_filled_max=2)
    pages = [Page() for _ in range(3)]
    for i, page in enumerate(pages):
        parking.keep(f"r{i}", page)
    assert [p.closed for p in pages] == [True, False, False]
    assert redis_conn.get(kept_key(core_settings, "r0")) is None  # its resume goes to the shared queue
    assert parking.take("r0") is None and len(parking) == 2


def test_a_form_kept_past_its_time_is_closed_not_handed_over(core_settings, redis_conn):  # noqa: F811
    parking = _parking(core_settings, redis_conn, keep_filled_s=0.2)
    page = Page()
    parking.keep("r1", page)
    time.sleep(0.3)
    assert parking.take("r1") is None
    assert page.closed and len(parking) == 0


def test_closing_the_worker_closes_every_kept_form(core_settings, redis_conn):  # noqa: F811
    parking = _parking(core_settings, redis_conn)
    pages = [Page(), Page()]
    for i, page in enumerate(pages):
        parking.keep(f"r{i}", page)
    parking.close()
    assert all(p.closed for p in pages)
    assert not redis_conn.keys(kept_key(core_settings, "*"))
