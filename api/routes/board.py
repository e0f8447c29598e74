"""The 数据看板 as JSON: per account its numbers over the last 7 or 30 days, and each employee's work; one
post's numbers and the run that made it. Numbers are the sites' own (running totals and their change)."""
from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from api.board_views import board_data
from api.deps import DbDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from board.posts import post_numbers
from board.trends import PERIODS, Period, Tile
from core.models import utcnow

router = APIRouter(prefix="/api/board", tags=["board"])

Days = Annotated[int, Query(description="The period: the last 7 or 30 days, today included", ge=7, le=30)]


def _period(days: int, tz: str) -> Period:
    if days not in PERIODS:
        raise FieldErrors([field_error("days", "7|30", "时间范围只能是近7天或近30天")])
    return Period.last(days, tz, utcnow())


class TileOut(BaseModel):
    metric: str = Field(description="views | likes | collects | comments | shares | fans_gained | fans | plays | "
                                    "orders | revenue | refunds | refund_amount | stock")
    label: str = Field(description="The number's name as the site shows it (点赞 ...)")
    total: float = Field(description="The site's count now (for orders, revenue and refunds: in the period)")
    change: float = Field(description="Its change in the period")
    money: bool = Field(description="Yuan")
    running: bool = Field(description="A running total (else counted in the period only)")


class DayOut(BaseModel):
    day: date = Field(description="A day in the workspace's time zone")
    value: float = Field(description="The number's gain that day (a shop's revenue that day)")


class RankedOut(BaseModel):
    subject_id: str = Field(description="The site's id: 笔记ID, 作品ID or 商品ID")
    value: float
    title: str = Field(description="The title our run published it with ('' when not ours)")
    run_id: str | None = Field(description="The run that published or listed it")


class AccountOut(BaseModel):
    account_id: str
    site: str
    name: str
    has_data: bool = Field(description="Any number read from the site yet")
    metric: str = Field(description="The number the days and the rankings are by")
    tiles: list[TileOut]
    days: list[DayOut]
    best: list[RankedOut]
    worst: list[RankedOut]


class WorkOut(BaseModel):
    employee_id: str
    name: str
    role: str
    done: int = Field(description="Runs finished on the site in the period")
    failed: int
    rejected: int
    approvals: int = Field(description="Approvals asked in the period")
    waiting: int = Field(description="Of those, still waiting for the owner")
    median_wait_min: float | None = Field(description="Median minutes from asking to the owner's decision")
    replies: int = Field(description="Replies sent on the sites")
    minutes_saved: int = Field(description="Minutes the finished runs would take the owner by hand")


class BoardOut(BaseModel):
    period_days: int
    accounts: list[AccountOut]
    work: list[WorkOut]


class PostOut(BaseModel):
    subject_id: str
    account_id: str
    site: str
    title: str
    run_id: str | None = Field(description="The run that published or listed it")
    tiles: list[TileOut]
    days: dict[str, list[DayOut]] = Field(description="Per metric, its gain on each day")


def _tile(t: Tile) -> TileOut:
    return TileOut(metric=t.metric, label=t.label, total=t.total, change=t.change, money=t.money, running=t.running)


def _days(period: Period, values: list[float]) -> list[DayOut]:
    zone = ZoneInfo(period.tz)
    return [DayOut(day=start.astimezone(zone).date(), value=v) for start, v in zip(period.starts, values)]


@router.get("")
def board(user: UserDep, ws: WorkspaceDep, s: DbDep, days: Days = 7,
          metric: Annotated[str | None, Query(max_length=32, description="The number the days and rankings are "
                                                                        "by (the site's first when absent)")] = None
          ) -> BoardOut:
    period, boards, work = board_data(s, ws, _period(days, ws.timezone).days, metric, utcnow())
    return BoardOut(period_days=period.days, accounts=[
        AccountOut(account_id=b.account_id, site=b.site, name=b.name, has_data=b.has_data, metric=b.metric,
                   tiles=[_tile(t) for t in b.tiles], days=_days(period, b.daily),
                   best=[RankedOut(**vars(r)) for r in b.best], worst=[RankedOut(**vars(r)) for r in b.worst])
        for b in boards], work=[WorkOut(**{k: v for k, v in vars(w).items() if k != "by_graph"}) for w in work])


@router.get("/posts/{subject_id}")
def post(user: UserDep, ws: WorkspaceDep, s: DbDep,
         subject_id: Annotated[str, Path(max_length=64, description="笔记ID, 作品ID or 商品ID")], days: Days = 7,
         account_id: Annotated[str | None, Query(max_length=32)] = None) -> PostOut:
    period = _period(days, ws.timezone)
    p = post_numbers(s, ws.id, subject_id, period, account_id)
    if p is None:
        raise HTTPException(404, "没有这篇内容的数据")
    return PostOut(subject_id=p.subject_id, account_id=p.account.id, site=p.account.site, title=p.title,
                   run_id=p.run.id if p.run else None, tiles=[_tile(t) for t in p.tiles],
                   days={m: _days(period, v) for m, v in p.daily.items()})
