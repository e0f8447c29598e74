"""A sweep's findings into the inbox: each new item one conversation (idempotent per (site, account, item
id)), classified, drafted and checked, then a reply run with its approval card, or 转人工 / 已忽略.

Two sweeps of one account at once insert each item once: the conversation's unique constraint refuses the
second insert (its savepoint is rolled back and the item skipped), so only one sweep drafts it and makes
its card, in the same transaction as the insert.
"""
from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction

from core.inbox import CATEGORY_LABELS, KIND_LABELS, REPLY_GRAPH, Conversation, ConversationEvent, log
from core.models import Account, Approval, Employee, Run, Workspace, utcnow
from employees import EMPLOYEES
from employees.settings import of_employee
from employees.tasking import persona, secret_values
from graphs.inbound.checks import reply_problems, without_secrets
from graphs.inbound.classify import classify
from graphs.inbound.draft import Drafted, draft_reply, instruction_note
from graphs.inbound.settings import inbox_settings
from graphs.inbound.sites import site_label
from llm.client import LLM



def item_dict(item) -> dict:
    """An ``Inbound`` as the sweep's state keeps it (JSON: the checkpoint stores it)."""
    return {"kind": item.kind, "item_id": str(item.item_id), "author": item.author, "text": item.text,
            "at": item.at.isoformat(), "target_id": item.target_id, "target_title": item.target_title,
            "thread": list(item.thread), "owner_replied": bool(item.owner_replied), "extra": dict(item.extra)}


def store_items(db: sessionmaker[Session], settings, account_id: str, employee_id: str, items: list[dict],
                limit: int, llm: LLM | None = None) -> list[str]:
    """Insert the items not seen yet, each in its own short transaction, then draft each one this sweep
    inserted (outside any transaction: a model call must not hold the database); the new ids."""
    created = [cid for cid in (_insert(db, account_id, item) for item in items) if cid]
    for conv_id in created:
        triage(db, settings, conv_id, employee_id, limit, llm)
    return created


def _insert(db: sessionmaker[Session], account_id: str, item: dict) -> str | None:
    try:
        with transaction(db) as s:
            account = s.get(Account, account_id)
            if s.query(Conversation.id).filter_by(site=account.site, account_id=account.id,
                                                  item_id=item["item_id"]).first():
                return None
            conv = Conversation(workspace_id=account.workspace_id, account_id=account.id, site=account.site,
                                item_id=item["item_id"], kind=item["kind"], author=item["author"], text=item["text"],
                                target_id=item.get("target_id"), target_title=item.get("target_title"),
                                thread=item.get("thread") or [], extra=item.get("extra") or {},
                                at=datetime.fromisoformat(item["at"]))
            s.add(conv)
            s.flush()
            log(s, conv, "received", "system", conv.text, {"thread": conv.thread})
            if item["owner_replied"]:
                conv.status, conv.replied_by, conv.replied_at = "replied", "owner", utcnow()
                log(s, conv, "replied_by_owner", "owner")
                return None  # nothing to draft
            return conv.id
    except IntegrityError:
        return None  # another sweep stored it a moment ago: that sweep drafts it


def examples_for(s: Session, workspace_id: str, category: str, n: int = 3) -> list[dict]:
    """The owner's latest edited replies for this kind of question: the drafts follow them."""
    rows = (s.query(ConversationEvent, Conversation).join(Conversation, Conversation.id == ConversationEvent.conversation_id)
            .filter(Conversation.workspace_id == workspace_id, Conversation.category == category,
                    ConversationEvent.kind == "edited")
            .order_by(ConversationEvent.at.desc()).limit(n))
    return [{"question": c.text, "final": e.text} for e, c in rows]


def triage(db: sessionmaker[Session], settings, conv_id: str, employee_id: str, limit: int,
           llm: LLM | None) -> None:
    with db() as s:
        conv, employee = s.get(Conversation, conv_id), s.get(Employee, employee_id)
        role = EMPLOYEES[employee.role]
        prefs, inbox = of_employee(employee), inbox_settings(employee)
        kind = classify(conv.text, (conv.extra or {}).get("rating"))
        label = site_label(conv.site)
        on = f"「{conv.target_title}」" if conv.target_title else ""
        drafted = draft_reply(s, conv.workspace_id, conv.text, kind, llm=llm, persona=persona(role, prefs),
                              limit=limit, examples=examples_for(s, conv.workspace_id, kind.category),
                              sensitive=inbox.sensitive_words, what=f"{label}{on}下的{KIND_LABELS.get(conv.kind, '留言')}")
    if drafted.text is not None:
        drafted = _checked(drafted, settings, limit, label, prefs)
    with transaction(db) as s:
        conv, employee = s.get(Conversation, conv_id), s.get(Employee, employee_id)
        if conv.status != "new":
            return  # the owner already acted on it (不回复, 转人工)
        conv.category = kind.category
        if drafted.text is None:
            conv.status, conv.note = ("ignored" if kind.category == "spam" else "human"), drafted.note
            log(s, conv, "ignored" if kind.category == "spam" else "handed_over", "employee", drafted.note,
                {"category": CATEGORY_LABELS[kind.category]})
            return
        conv.draft, conv.citations, conv.confidence = drafted.text, drafted.citations, drafted.confidence
        conv.note = instruction_note(conv.text)
        log(s, conv, "drafted", "employee", drafted.text,
            {"citations": drafted.citations, "confidence": drafted.confidence, "author": drafted.author,
             "category": CATEGORY_LABELS[kind.category]})
        make_reply_run(s, conv, employee, inbox.confidence)


def _checked(drafted: Drafted, settings, limit: int, label: str, prefs) -> Drafted:
    text, had_secret = without_secrets(drafted.text, secret_values(settings))
    problems = reply_problems(text, limit, label, prefs.banned_words, prefs.allowed_contacts)
    if had_secret:
        problems.insert(0, "草稿里出现了密钥，已拦下")
    if problems:
        return Drafted(None, note="草稿没有通过检查：" + "；".join(problems))
    drafted.text = text
    return drafted


def make_reply_run(s: Session, conv: Conversation, employee: Employee, threshold: float,
                   text: str | None = None, approved_by_owner: bool = False) -> Run:
    """The conversation's reply run. In auto mode a draft grounded above the owner's threshold goes without
    a card; every other reply waits on one card (``Approval``), in this same transaction."""
    text = text or conv.draft
    auto = employee.mode == "auto" and conv.confidence >= threshold and conv.note is None and not approved_by_owner
    run = Run(workspace_id=conv.workspace_id, account_id=conv.account_id, employee_id=employee.id, graph=REPLY_GRAPH,
              site=conv.site, mode="auto" if auto else "semi_auto", status="queued" if auto else "awaiting_approval",
              content={"conversation_id": conv.id, "title": f"回复{conv.author}的{KIND_LABELS.get(conv.kind, '留言')}",
                       "body": text, "spacing": random.random()})
    s.add(run)
    s.flush()
    if not auto:
        s.add(Approval(run_id=run.id, fields={"body": text},
                       **({"status": "approved", "decided_at": utcnow()} if approved_by_owner else {})))
    conv.reply_run_id = run.id
    conv.draft = text
    conv.status = "awaiting_approval"
    return run


def workspace_tz(s: Session, workspace_id: str) -> str:
    return s.get(Workspace, workspace_id).timezone
