"""The report's chart (a month's or a quarter's) as an SVG drawn here (no script, no CDN): horizontal bars, one
per figure, labels above each bar so it reads on a 390 px phone without rotating text."""
from __future__ import annotations

from decimal import Decimal
from html import escape

WIDTH = 360
BAR = 18
ROW = 46
COLORS = {"income": "#2e7d32", "costs": "#ef6c00", "expenses": "#c62828", "profit": "#1565c0", "category": "#8d6e63"}


def bars_svg(rows: list[tuple[str, Decimal, str]], title: str) -> str:
    """``rows`` are (label, value, kind); negative values (a loss) are drawn in the same scale, labelled 亏损."""
    top = max((abs(Decimal(v)) for _, v, _ in rows), default=Decimal(0)) or Decimal(1)
    height = ROW * len(rows) + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
           f'role="img" aria-label="{escape(title)}" class="chart">', f"<title>{escape(title)}</title>"]
    for i, (label, value, kind) in enumerate(rows):
        value = Decimal(value)
        y = i * ROW
        width = float(abs(value) / top) * (WIDTH - 4)
        shown = f"{label}：¥{value:,.2f}" + ("（亏损）" if value < 0 else "")
        out.append(f'<text x="2" y="{y + 16}" font-size="14" fill="#222">{escape(shown)}</text>')
        color = COLORS["expenses"] if value < 0 else COLORS.get(kind, COLORS["category"])
        out.append(f'<rect x="2" y="{y + 22}" width="{max(width, 1.0):.1f}" height="{BAR}" rx="3" fill="{color}"/>')
    out.append("</svg>")
    return "".join(out)


def report_svg(report) -> str:
    """The report's figures and, below them, the expenses by category."""
    rows = [("收入（不含税）", Decimal(report.income), "income"), ("成本", Decimal(report.costs), "costs"),
            ("费用", Decimal(report.expenses), "expenses"), ("利润", Decimal(report.profit), "profit")]
    rows += [(f"　{r['label']}", Decimal(r["value"]), "category") for r in report.category_rows]
    return bars_svg(rows, f"{report.label}收支图")
