"""The one entry point: every rule over a draft, findings in field and position order."""
from __future__ import annotations

from collections.abc import Iterable

from compliance.draft import TEXT_FIELDS, Draft, Finding
from compliance.platforms import limit_findings
from compliance.rules import content_findings

FIELD_ORDER = {name: i for i, name in enumerate(("kind", *TEXT_FIELDS, "images"))}


def check(content, platform: str | None = None, extra_banned: Iterable[str] = (),
          allowed_contacts: Iterable[str] = ()) -> list[Finding]:
    """Findings for a ``Draft`` (or a ``core.content.Post``) on ``platform`` (None: content rules only).

    ``extra_banned`` is the workspace's own banned words; ``allowed_contacts`` the owner's own WeChat/QQ
    ids, phone numbers, e-mail addresses and domains, which are not contact findings. Blocking findings must be fixed before the
    content is queued; warnings are shown to the owner.
    """
    draft = content if isinstance(content, Draft) else Draft.from_post(content)
    texts = {name: draft.text_of(name) for name in TEXT_FIELDS}
    findings = [*limit_findings(draft, platform), *content_findings(texts, list(extra_banned), list(allowed_contacts))]
    return sorted(findings, key=lambda f: (FIELD_ORDER.get(f.field, 99), f.start, f.severity != "blocking",
                                           f.end))


def has_blocking(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "blocking" for f in findings)
