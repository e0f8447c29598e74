"""The open browser context of one job, shared by the nodes of the graph while that job runs.

A node that needs the site's page asks the workbench; within one job (an auto-mode run, or the
submit after an approval) fill, submit and read-back reuse one page instead of filling twice. When the
job ends the context is closed: nothing survives between jobs except the account's session, saved back
to the vault, and a form filled for the owner's approval, which its worker may keep open for her answer
for a while (``rpa.parking``).
"""
from __future__ import annotations

from contextlib import ExitStack

from playwright.sync_api import BrowserContext, Page

from rpa.runtime import BrowserRuntime
from rpa.vault import Vault


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
        self.fence = None
        """The run's lease (``rpa.lease.Lease``): once it is lost, no node gets the page again."""
        self.cdp_url: str | None = None
        """Where a browser-use agent attaches, while ``agent_page`` holds a browser of its own."""
        self.kept = False
        """This page was kept open across the owner's approval (``rpa.parking``): before a press, what it shows
        is read back, since the site may have reloaded it or ended the session meanwhile."""

    def page(self, account_id: str, allowed_hosts: list[str]) -> Page:
        if self.fence is not None:
            self.fence.ensure_held()
        if self._page is not None and self._account == account_id and not self._page.is_closed():
            return self._page
        self.close()
        state = self.vault.load(account_id)
        self._ctx = self._stack.enter_context(self.runtime.context(allowed_hosts, storage_state=state))
        self._page = self._ctx.new_page()
        self._account = account_id
        return self._page

    def agent_page(self, account_id: str, allowed_hosts: list[str]) -> Page:
        """The page of a browser-use run: a fenced Chromium of its own (``BrowserRuntime.agent_browser``)
        with the account's session; ``cdp_url`` says where the agent attaches."""
        if self.fence is not None:
            self.fence.ensure_held()
        if self._page is not None and self._account == account_id and self.cdp_url and not self._page.is_closed():
            return self._page
        self.close()
        browser = self._stack.enter_context(self.runtime.agent_browser(allowed_hosts, self.vault.load(account_id)))
        self._ctx, self.cdp_url, self._account = browser.context, browser.cdp_url, account_id
        self._page = browser.context.pages[0] if browser.context.pages else browser.context.new_page()
        return self._page

    def live_page(self) -> Page | None:
        """The newest open tab of the job's context (a site may have opened its form in a new one), if any."""
        tabs = [p for p in self._ctx.pages if not p.is_closed()] if self._ctx is not None else []
        return tabs[-1] if tabs else None

    def save_session(self) -> None:
        """Store the context's cookies back: sites refresh them as we go."""
        if self._ctx is not None and self._account is not None:
            self.vault.save(self._account, self._ctx.storage_state())

    def close(self) -> None:
        self._stack.close()
        self._stack = ExitStack()
        self._ctx = self._page = self._account = None
        self.filled_with = self.cdp_url = None
        self.kept = False
