"""What every adapter does the same way: Beijing wall time, the host allowlist, finding a post in the
site's own list, and the boundary where Playwright's errors become ``core.errors`` types."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import LoginRequired, OPCError, PageChanged, SiteTimeout

SITE_TZ = ZoneInfo("Asia/Shanghai")
"""The Chinese back-ends show and take Beijing wall time, whatever the workspace's time zone."""


def site_wall_time(at: datetime) -> str:
    return at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")


TIME_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})"),
)


def parse_site_time(text: str) -> datetime | None:
    """A list row's time shown as Beijing wall time, as an aware datetime; None when it shows none."""
    for pattern in TIME_PATTERNS:
        m = pattern.search(text)
        if m:
            y, mo, d, h, mi = (int(g) for g in m.groups())
            return datetime(y, mo, d, h, mi, tzinfo=SITE_TZ)
    return None


class ListedPost(Protocol):
    title: str
    created_at: datetime | None


Row = TypeVar("Row", bound=ListedPost)


def newest_match(rows: Iterable[Row], title: str, since: datetime | None) -> Row | None:
    """The first (newest) row whose title equals ``title`` and is not older than ``since``."""
    for row in rows:
        if row.title.strip() == title.strip() and not_older(row, since):
            return row
    return None


def not_older(row: ListedPost, since: datetime | None) -> bool:
    """Whether the row is not older than ``since``, compared at minute precision (the lists show no
    seconds); a row that shows no time may be."""
    if since is None or row.created_at is None:
        return True
    return row.created_at >= since.astimezone(SITE_TZ).replace(second=0, microsecond=0)


def form_matches(shown: dict[str, str], filled: dict[str, str]) -> bool:
    """Whether a form's read-back (a page object's ``read_back``) is what ``fill`` read back when it filled it:
    a form kept open across the owner's approval is pressed only then (``graphs.steps.form_ready``)."""
    return all(filled.get(k) == v for k, v in shown.items())


def topics_of(fields: dict[str, str]) -> list[str]:
    """The topics a read-back showed (``"#a #b"``), by name."""
    return [t.lstrip("#") for t in fields.get("topics", "").split()]


def allowed_hosts(base_url: str, real_domain: str, real_extra_hosts: list[str]) -> list[str]:
    """The base URL's host, plus the hosts the real pages load from when it is the real site (a replica
    needs only its own host and port)."""
    host = urlsplit(base_url).hostname or ""
    return [host, *real_extra_hosts] if host.endswith(real_domain) else [fence_entry(base_url)]


def fence_entry(base_url: str) -> str:
    """The fence's entry for a base URL: ``host:port`` when the URL names a port. A replica on loopback
    shares its host with the product's own API and Redis; only the port tells them apart."""
    parts = urlsplit(base_url)
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""


@contextmanager
def boundary(page: Page, site: str, label: str) -> Iterator[None]:
    """Let ``core.errors`` through; turn Playwright's errors into SiteTimeout / PageChanged."""
    try:
        yield
    except OPCError:
        raise
    except (PlaywrightTimeoutError, AssertionError) as e:  # AssertionError: an expect() ran out
        raise SiteTimeout(f"{label}页面没有及时响应：{_first_line(e)}", site=site, url=_url(page)) from e
    except PlaywrightError as e:
        if "strict mode violation" in e.message:
            raise PageChanged(f"{label}页面结构变了：{_first_line(e)}", site=site, url=_url(page)) from e
        raise SiteTimeout(f"浏览器操作失败：{_first_line(e)}", site=site, url=_url(page)) from e


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [""])[0][:200]


def _url(page: Page) -> str | None:
    try:
        return page.url
    except PlaywrightError:
        return None


SESSION_STATES = ("valid", "expired", "unknown")
"""What a session check finds: the site let the saved session in, the site showed its login wall (or sent
the page to its login page, or said its expired words), or nothing could be told (the network or the page
failed: a transient failure never counts as a dead session)."""


def session_state(alive: Callable[[], bool]) -> str:
    """The check's answer from an adapter's ``session_alive`` (which runs inside the adapter's boundary)."""
    try:
        return "valid" if alive() else "expired"
    except LoginRequired:
        return "expired"
    except OPCError:  # SiteTimeout (network, a page that never came), PageChanged, a slider in the way ...
        return "unknown"
