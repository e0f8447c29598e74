"""The open browser context of one job, shared by the nodes of the graph while that job runs.

A node that needs the site's page asks the workbench; within one job (an auto-mode run, or the
submit after an approval) fill, submit and read-back reuse one page instead of filling twice. When the
job ends (or the run pauses for the owner) the context is closed: nothing survives between jobs
except the account's session, saved back to the vault. Page-free work the job need not wait for (storing
a screenshot) runs on a thread (``later``) and is finished by the time the workbench closes.
"""
from __future__ import annotations

import logging
import threading
from contextlib import ExitStack
from typing import Callable

from playwright.sync_api import BrowserContext, Page

from rpa.runtime import BrowserRuntime
from rpa.vault import Vault

log = logging.getLogger(__name__)

LATER_JOIN_S = 30
"""How long closing waits for work handed to ``later`` (a screenshot's encode and insert take ms)."""


class Workbench:
    def __init__(self, runtime: BrowserRuntime, vault: Vault):
        self.runtime = runtime
        self.vault = vault
        self._stack = ExitStack()
        self._ctx: BrowserContext | None = None
        self._page: Page | None = None
        self._account: str | None = None
        self.filled_with: str | None = None
        """Fingerprint of the content the open page was filled with (None: not filled)."""
        self._later: list[threading.Thread] = []

    def page(self, account_id: str, allowed_hosts: list[str]) -> Page:
        if self._page is not None and self._account == account_id and not self._page.is_closed():
            return self._page
        self.close()
        state = self.vault.load(account_id)
        self._ctx = self._stack.enter_context(self.runtime.context(allowed_hosts, storage_state=state))
        self._page = self._ctx.new_page()
        self._account = account_id
        return self._page

    def save_session(self) -> None:
        """Store the context's cookies back: sites refresh them as we go."""
        if self._ctx is not None and self._account is not None:
            self.vault.save(self._account, self._ctx.storage_state())

    def later(self, work: Callable[..., object], *args) -> None:
        """Run page-free work (storing a screenshot) on a thread while the job goes on with the page.
        ``close`` waits for it, so whatever the job says next (published …) comes after it is stored."""
        thread = threading.Thread(target=self._logged, args=(work, args), daemon=True, name="workbench-later")
        thread.start()
        self._later.append(thread)

    @staticmethod
    def _logged(work: Callable[..., object], args: tuple) -> None:
        try:
            work(*args)
        except Exception:  # a lost record must not fail the run that made it
            log.exception("background work %s failed", getattr(work, "__name__", work))

    def close(self) -> None:
        self._stack.close()  # the page first: the work handed to ``later`` needs none
        for thread in self._later:
            thread.join(LATER_JOIN_S)
        self._later = []
        self._stack = ExitStack()
        self._ctx = self._page = self._account = None
        self.filled_with = None
