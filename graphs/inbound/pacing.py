"""When an account may post its next reply: not while its replies are paused (a site's rate limit), not in
the owner's quiet hours, at most ``replies_per_hour`` in any hour, and a random gap after the last one."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.inbox import Conversation, ConversationEvent, InboxAccount
from graphs.inbound.settings import InboxSettings

HOUR = timedelta(hours=1)


def quiet_until(inbox: InboxSettings, tz: str, now: datetime) -> datetime | None:
    """The end of the quiet hours ``now`` is in (UTC), or None."""
    if not inbox.quiet_at(now, tz):
        return None
    end = datetime.strptime(inbox.quiet_hours.split("-")[1], "%H:%M").time()
    local = now.astimezone(ZoneInfo(tz))
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += timedelta(days=1)
    return until.astimezone(ZoneInfo("UTC"))


def posted_times(s: Session, account_id: str, since: datetime) -> list[datetime]:
    rows = (s.query(ConversationEvent.at).join(Conversation, Conversation.id == ConversationEvent.conversation_id)
            .filter(Conversation.account_id == account_id, ConversationEvent.kind == "posted",
                    ConversationEvent.at >= since).order_by(ConversationEvent.at))
    return [at for (at,) in rows]


def next_allowed(s: Session, account_id: str, inbox: InboxSettings, tz: str, now: datetime,
                 spacing_share: float = 0.5) -> tuple[datetime | None, str | None]:
    """(when, why) the next reply must wait for, or (None, None) when it may go now. ``spacing_share`` (0..1,
    drawn once per reply run) picks the gap inside the owner's range, so a retried check waits the same."""
    state = s.get(InboxAccount, account_id)
    if state is not None and state.paused_until is not None and state.paused_until > now:
        return state.paused_until, state.pause_reason or "平台提示操作过于频繁，回复已暂停"
    quiet = quiet_until(inbox, tz, now)
    if quiet:
        return quiet, f"免打扰时段（{inbox.quiet_hours}）不回复，之后再发"
    recent = posted_times(s, account_id, now - HOUR)
    if len(recent) >= inbox.replies_per_hour:
        return recent[-inbox.replies_per_hour] + HOUR, f"每小时最多回复{inbox.replies_per_hour}条，稍后再发"
    if recent:
        lo, hi = inbox.spacing_s
        gap = timedelta(seconds=lo + (hi - lo) * spacing_share)
        if recent[-1] + gap > now:
            return recent[-1] + gap, "两条回复之间隔一会儿再发"
    return None, None
