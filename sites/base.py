"""The shape every site adapter has. The publish graph only talks to this interface.

An adapter is built for one base URL (the real site, or its replica in sandbox mode) and works on
Playwright *sync* pages handed to it by ``rpa.runtime``. Page objects live in ``sites/<site>/pages``;
the adapter composes them into intent methods. Methods raise ``core.errors`` types only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from playwright.sync_api import Page

from core.content import Post
from core.settings import Settings


@dataclass
class Published:
    """What read-back found on the site's own list."""

    external_id: str
    title: str
    url: str | None = None


class Limits(Protocol):
    def validate(self, post: Post, now: datetime) -> list[dict]:
        """Return field errors ``{"field", "limit", "message"}``; empty when the post is fine."""


class SiteAdapter(Protocol):
    name: str
    """Registry key, e.g. ``xiaohongshu``."""
    label: str
    """Shown to the owner, e.g. ``小红书``."""
    workflows: tuple[str, ...]
    """Names in ``graphs.GRAPHS`` the adapter serves (``publish``; ``listing`` for a shop ...)."""
    limits: Limits

    def __init__(self, base_url: str, settings: Settings | None = None) -> None: ...

    def allowed_hosts(self) -> list[str]:
        """Hosts a context for this site may reach; everything else is blocked."""

    # -- login ---------------------------------------------------------------------------------
    def open_login(self, page: Page) -> None:
        """Go to the login page and show the QR login."""

    def login_qr(self, page: Page) -> str | None:
        """The current QR as a ``data:image/png`` URL, refreshing it first if it expired."""

    def logged_in(self, page: Page) -> bool:
        """True once the login page has let us in (after the owner scanned).

        Raises ``CodeRequired`` when the site asks for an SMS code after the scan."""

    def enter_login_code(self, page: Page, code: str) -> None:
        """Type the owner's code into the login's prompt; raises ``CodeRequired`` again when refused.

        Only for sites whose ``logged_in`` raises ``CodeRequired``."""

    def session_alive(self, page: Page) -> bool:
        """Open a page that needs a session and say whether it is still valid."""

    def check_session(self, page: Page) -> str:
        """Read-only look at a cheap logged-in page with the saved session: ``valid``, ``expired`` (login wall,
        redirect to the login page, the site's expired texts) or ``unknown`` (network error, a page that did not
        load): ``sites.common.session_state``."""

    # -- publish -------------------------------------------------------------------------------
    def fill(self, page: Page, post: Post) -> dict[str, str]:
        """Fill the publish form and return the field values read back from the page."""

    def form_holds(self, page: Page, fields: dict[str, str]) -> bool:
        """Optional: whether the open page still shows the form ``fill`` left with these ``fields``, without
        waiting. A site that has it gets its forms kept open across the owner's approval (``rpa.parking``)."""

    def submit(self, page: Page) -> None:
        """Press the irreversible button and wait for the site's success signal."""

    def enter_code(self, page: Page, code: str) -> None:
        """Type the code the owner read from the SMS into the site's prompt and finish the submit.

        Only for sites that raise ``CodeRequired``; raises it again when the site refuses the code."""

    def find_published(self, page: Page, post: Post, since: datetime) -> Published | None:
        """Look the post up in the site's own list; None when it is not there."""
