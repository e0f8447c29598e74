"""Compliance checks run on every piece of content before it is queued.

    check(draft, platform, extra_banned) -> [Finding]     (compliance.check)

Rules: platform limits (reusing each site's ``limits`` validator), Advertising Law absolute terms,
medical and financial claims, time-limited promotions without terms, and the workspace's own banned
words. Word lists live in ``compliance/data/*.txt`` (see docs/compliance.md for how to maintain them).
"""
from compliance.check import check, has_blocking
from compliance.draft import Draft, Finding

__all__ = ["check", "has_blocking", "Draft", "Finding"]
