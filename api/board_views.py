"""The 数据看板 as the phone shows it: numbers written the way the owner reads them (¥ for money, a sign on a
change), the charts as SVG (``books.chart.columns_svg``), links to each post's page."""
from __future__ import annotations

from urllib.parse import quote, urlencode

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from api import labels
from board.posts import PostNumbers
from board.trends import PERIODS, AccountBoard, Period, Tile, account_board, metric_labels
from board.work import Work, employees_work
from books.chart import columns_svg
from core.accounts import live_accounts
from core.models import Workspace
from employees import EMPLOYEES
from metrics.models import MetricPoint, Order

BOARD_SITES = ("xiaohongshu", "douyin", "taobao")
EMPTY = ("还没有从平台读到数据。请先在「账号」里登录小红书、抖音或淘宝账号：员工每天夜里会从各平台的数据中心读取"
         "观看、点赞、粉丝、订单等数字，读到以后这里就会显示趋势。")


def number(v: float, money: bool = False) -> str:
    if money:
        return f"¥{v:,.2f}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def signed(v: float, money: bool = False) -> str:
    text = number(abs(v), money)
    return f"+{text}" if v > 0 else (f"-{text}" if v < 0 else text)


def post_url(subject_id: str, account_id: str) -> str:
    return f"/board/posts/{quote(subject_id, safe='')}?{urlencode({'account': account_id})}"


def has_numbers(s: Session, workspace_id: str) -> bool:
    return bool(s.scalar(select(exists().where(MetricPoint.workspace_id == workspace_id)))
                or s.scalar(select(exists().where(Order.workspace_id == workspace_id))))


def tile_view(t: Tile, days: int) -> dict:
    return {"metric": t.metric, "label": t.label, "total": number(t.total, t.money),
            "change": signed(t.change, t.money), "running": t.running, "days": days}


def _ranked_view(b: AccountBoard, rows, money: bool) -> list[dict]:
    return [{"id": r.subject_id, "title": r.title, "value": number(r.value, money),
             "url": post_url(r.subject_id, b.account_id)} for r in rows]


def account_view(b: AccountBoard, period: Period) -> dict:
    money = b.site == "taobao"
    points = list(zip(period.day_labels(), b.daily))
    title = f"{b.name}近{period.days}天每天{'的' if money else '新增'}{b.metric_label}"
    return {"id": b.account_id, "site": b.site, "site_label": labels.site_label(b.site), "name": b.name,
            "has_data": b.has_data, "tiles": [tile_view(t, period.days) for t in b.tiles],
            "metric": b.metric, "metric_label": b.metric_label, "subject_name": b.subject_name,
            "id_label": labels.result_id(b.site),
            "metrics": [(m, label) for m, label in metric_labels(b.site).items()
                        if m in {t.metric for t in b.tiles}] if not money else [],
            "chart": columns_svg(points, title, lambda v: number(v, money)) if b.metric else "",
            "chart_title": title, "best": _ranked_view(b, b.best, money), "worst": _ranked_view(b, b.worst, money)}


def work_view(w: Work) -> dict:
    role = EMPLOYEES.get(w.role)
    wait = w.median_wait_min
    return {"id": w.employee_id, "name": w.name, "role": role.name if role else w.name, "done": w.done,
            "failed": w.failed, "rejected": w.rejected, "approvals": w.approvals, "waiting": w.waiting,
            "median_wait": wait_text(wait), "replies": w.replies, "minutes_saved": w.minutes_saved,
            "saved": minutes_text(w.minutes_saved)}


def wait_text(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes:.0f}分钟"
    return f"{minutes / 60:.1f}小时"


def minutes_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分钟" if hours else f"{rest}分钟"


def board_data(s: Session, ws: Workspace, days: int, metric: str | None, now) -> tuple[Period, list, list[Work]]:
    """The period, each board account's numbers and each employee's work (what the page and the API show)."""
    period = Period.last(days if days in PERIODS else PERIODS[0], ws.timezone, now)
    accounts = [a for a in live_accounts(s, ws.id) if a.site in BOARD_SITES]
    boards = [account_board(s, a, period, metric) for a in accounts]
    return period, boards, employees_work(s, ws.id, period.since, now)


def board_view(s: Session, ws: Workspace, days: int, metric: str | None, now) -> dict:
    period, boards, work = board_data(s, ws, days, metric, now)
    rows = [work_view(w) for w in work]
    return {"days": period.days, "periods": PERIODS, "metric": metric or "", "empty": not has_numbers(s, ws.id),
            "empty_text": EMPTY, "accounts": [account_view(b, period) for b in boards], "work": rows,
            "saved": minutes_text(sum(w.minutes_saved for w in work)), "done": sum(w.done for w in work)}


def post_view(p: PostNumbers, period: Period) -> dict:
    days = period.day_labels()
    return {"id": p.subject_id, "id_label": labels.result_id(p.account.site), "subject_name": p.subject_name,
            "title": p.title, "account": p.account.name, "account_id": p.account.id,
            "site_label": labels.site_label(p.account.site), "days": period.days, "periods": PERIODS,
            "run_id": p.run.id if p.run else None,
            "run_status": labels.run_status(p.run.graph, p.run.status) if p.run else "",
            "run_at": labels.local_time(p.run.created_at, period.tz) if p.run else "",
            "tiles": [{**tile_view(t, period.days),
                       "chart": columns_svg(list(zip(days, p.daily[t.metric])),
                                            f"近{period.days}天每天{'的' if t.money else '新增'}{t.label}",
                                            lambda v, money=t.money: number(v, money))} for t in p.tiles]}
