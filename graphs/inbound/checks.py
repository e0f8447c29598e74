"""Checks on a reply before it is put on a card or posted: the site's reply limit, contact diversion
(加微信/vx, phone numbers, links: ``compliance.contact``), the owner's banned words, the content rules, and
instruction-like text. Used for drafts and for the owner's edits alike."""
from __future__ import annotations

from compliance import Draft, check
from compliance.injection import instruction_like
from planning.safety import scrub


def reply_problems(text: str, limit: int, site_label: str, banned: list[str], allowed: list[str]) -> list[str]:
    """What is wrong with ``text`` as a reply, each in the owner's words; empty when it may be posted."""
    stripped = (text or "").strip()
    if not stripped:
        return [f"{site_label}回复内容不能为空"]
    problems = []
    if len(stripped) > limit:
        problems.append(f"{site_label}回复最多{limit}个字，现在{len(stripped)}个字")
    problems += [f.message for f in check(Draft(body=stripped), None, banned, allowed) if f.severity == "blocking"]
    if instruction_like(stripped):
        problems.append("回复里有像是给助手的指令，不能发出")
    return list(dict.fromkeys(problems))


def without_secrets(text: str, secrets: list[str]) -> tuple[str, bool]:
    return scrub(text, secrets)
