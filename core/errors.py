"""The one error tree of the project.

    OPCError                       base; carries site, account and url where known
    ├── BusinessError              never retried: the run fails with the reason shown to the owner
    │   ├── ValidationFailed       content breaks a site's limits (field + limit in .errors)
    │   ├── ContentRejected        the site refused the content
    │   ├── AccountRestricted      the account is banned or limited
    │   ├── ApprovalRejected       the owner said no
    │   ├── HumanTimeout           the owner did not answer a hand-off (code) in time
    │   ├── PageChanged            a locator found nothing: the real page changed, a human must look
    │   ├── RateLimited            the site said 操作过于频繁 (its words in .site_message): pause the account
    │   └── TargetGone             what a reply was for is gone or closed (comment deleted, 私密作品无法评论)
    ├── TransientError             retried with limits (``Settings.transient_retries``)
    │   ├── SiteTimeout            the page did not get ready in time
    │   ├── PublishFailed          the site said "publish failed"; safe to retry after a read-back
    │   └── ReadBackFailed         after a press that may have happened, the site's list could not be read
    └── NeedsHuman                 the run pauses until the owner acts on the phone
        ├── LoginRequired          the saved session is dead: QR login on the phone
        ├── CodeRequired           the site asks for an SMS code
        └── SliderRequired         a captcha/slider/face check: never solved by us
    LeaseLost                      this worker no longer holds the run (its lease ran out, another worker
                                   took it): it stops touching the page and changes nothing

Playwright's own errors are wrapped at the adapter boundary; HTTP errors exist only in ``api/``.
"""
from __future__ import annotations


class OPCError(Exception):
    retryable = False

    def __init__(self, message: str, *, site: str | None = None, account: str | None = None,
                 url: str | None = None):
        super().__init__(message)
        self.message = message
        self.site = site
        self.account = account
        self.url = url

    def __str__(self) -> str:
        return self.message


class BusinessError(OPCError):
    pass


class FieldError(dict):
    """One rejected field: ``{"field": "title", "limit": "≤ 20", "message": "..."}``."""


class ValidationFailed(BusinessError):
    def __init__(self, errors: list[dict], **kw):
        self.errors = errors
        super().__init__("; ".join(e["message"] for e in errors), **kw)


class ContentRejected(BusinessError):
    pass


class AccountRestricted(BusinessError):
    pass


class ApprovalRejected(BusinessError):
    pass


class PageChanged(BusinessError):
    pass


class RateLimited(BusinessError):
    """The site refused an action as too frequent. Not retried by the run: the account's replies pause
    (the caller decides how long) and the owner is told the site's own words."""

    def __init__(self, message: str, *, site_message: str = "", **kw):
        self.site_message = site_message
        super().__init__(message, **kw)


class TargetGone(BusinessError):
    """The comment/work a reply was for is gone or closed to replies; ``reason`` is the site's words."""

    def __init__(self, message: str, *, reason: str = "", **kw):
        self.reason = reason
        super().__init__(message, **kw)


class TransientError(OPCError):
    retryable = True


class SiteTimeout(TransientError):
    pass


class PublishFailed(TransientError):
    pass


class ReadBackFailed(TransientError):
    """The site's own list, the only word on what a press did, could not be read (it did not show, or
    looked changed). No verdict on the run: a read changes nothing, so it is retried, and the last try
    fails saying the outcome is unknown (never as if nothing had been sent)."""


class NeedsHuman(OPCError):
    pass


class LoginRequired(NeedsHuman):
    pass


class CodeRequired(NeedsHuman):
    pass


class SliderRequired(NeedsHuman):
    pass


class HumanTimeout(BusinessError):
    pass


class LeaseLost(OPCError):
    """Not the run's failure: the run goes on in the worker that holds it now. Never retried, never recorded."""
