"""One post's (note, work, or shop item's) numbers over a period, each with its gain per day, and the run of
ours that published or listed it."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from board.readings import readings_at
from board.trends import SUBJECT_NAMES, Period, Tile, daily_gains, metric_labels, tile
from core.models import Account, Run
from metrics.models import MetricPoint


@dataclass
class PostNumbers:
    subject_id: str
    account: Account
    subject: str
    subject_name: str
    run: Run | None
    tiles: list[Tile] = field(default_factory=list)
    daily: dict[str, list[float]] = field(default_factory=dict)
    """Per metric, its gain on each day of the period."""

    @property
    def title(self) -> str:
        return str((self.run.content or {}).get("title", "")) if self.run else ""


def post_numbers(s: Session, workspace_id: str, subject_id: str, period: Period,
                 account_id: str | None = None) -> PostNumbers | None:
    """None when the workspace has no reading of that post (or not on that account)."""
    where = [MetricPoint.workspace_id == workspace_id, MetricPoint.subject.in_(("post", "item")),
             MetricPoint.subject_id == subject_id]
    if account_id is not None:
        where.append(MetricPoint.account_id == account_id)
    found = s.execute(select(MetricPoint.account_id, MetricPoint.subject).where(*where).limit(1)).first()
    if found is None:
        return None
    account = s.get(Account, found.account_id)
    mine = (*where[:1], MetricPoint.account_id == account.id, MetricPoint.subject == found.subject,
            MetricPoint.subject_id == subject_id)
    metrics = set(s.scalars(select(MetricPoint.metric).where(*mine).distinct()))
    run_id = s.scalar(select(func.max(MetricPoint.post_run_id)).where(*mine))
    run = s.get(Run, run_id) if run_id else None
    post = PostNumbers(subject_id, account, found.subject, SUBJECT_NAMES.get(account.site, ""),
                       run if run is not None and run.workspace_id == workspace_id else None)
    shown = [m for m in metric_labels(account.site) if m in metrics]
    read = readings_at(s, account, found.subject, shown, [period.now, period.since], only=[subject_id],
                       oldest_from=period.since)
    for m in shown:
        if t := tile(m, metric_labels(account.site)[m], read[m]):
            post.tiles.append(t)
            post.daily[m] = daily_gains(s, account, found.subject, m, period, [subject_id])
    return post
