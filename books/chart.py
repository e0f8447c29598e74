"""Charts as SVG drawn here (no script, no CDN), sized to read on a 390 px phone without rotating text: the
report's figures (a month's or a quarter's) as horizontal bars with labels above each bar, and a series over
days (the board's trends) as columns with the first and last day written under them."""
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
        shown = f"{label}：-¥{-value:,.2f}（亏损）" if value < 0 else f"{label}：¥{value:,.2f}"
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


SERIES_HEIGHT = 120
SERIES_COLOR = "#1565c0"


def columns_svg(points: list[tuple[str, float]], title: str, shown=str) -> str:
    """``points`` are (day label, value) oldest first, one column each; negative values go below the axis.
    ``shown`` writes a value as the owner reads it (the tallest column's value is written at the top); each
    column's own label and value are its tooltip, for reading one day exactly."""
    values = [v for _, v in points]
    top = max((abs(v) for v in values), default=0) or 1
    has_negative = any(v < 0 for v in values)
    axis = SERIES_HEIGHT / 2 if has_negative else SERIES_HEIGHT
    scale = (axis - 4) / top
    slot = (WIDTH - 4) / max(len(points), 1)
    height = SERIES_HEIGHT + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
           f'role="img" aria-label="{escape(title)}" class="chart">', f"<title>{escape(title)}</title>",
           f'<text x="2" y="14" font-size="13" fill="#666">最高 {escape(shown(max(values, default=0)))}</text>',
           f'<g transform="translate(0 20)"><line x1="2" x2="{WIDTH - 2}" y1="{axis}" y2="{axis}" stroke="#bbb"/>']
    for i, (label, value) in enumerate(points):
        h = max(abs(value) * scale, 1.0 if value else 0.0)
        y = axis - h if value >= 0 else axis
        out.append(f'<rect x="{2 + i * slot + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                   f'height="{h:.1f}" fill="{COLORS["expenses"] if value < 0 else SERIES_COLOR}">'
                   f"<title>{escape(label)}：{escape(shown(value))}</title></rect>")
    out.append("</g>")
    if points:
        out.append(f'<text x="2" y="{height - 4}" font-size="13" fill="#666">{escape(points[0][0])}</text>')
        out.append(f'<text x="{WIDTH - 2}" y="{height - 4}" font-size="13" fill="#666" text-anchor="end">'
                   f"{escape(points[-1][0])}</text>")
    out.append("</svg>")
    return "".join(out)
