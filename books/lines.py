"""The lines and columns of 增值税及附加税费申报表（小规模纳税人适用）, 本期数 only, as data."""
from __future__ import annotations

COLUMNS = {"goods": "货物及劳务", "services": "服务、不动产和无形资产", "total": "合计"}
"""Lines 1-22 have a goods and a services column; the surcharges 23-25 one figure ("total")."""

LINE_NAMES = {
    1: "应征增值税不含税销售额（3%征收率）",
    2: "增值税专用发票不含税销售额",
    3: "其他增值税发票不含税销售额",
    4: "应征增值税不含税销售额（5%征收率）",
    5: "增值税专用发票不含税销售额",
    6: "其他增值税发票不含税销售额",
    7: "销售使用过的固定资产不含税销售额",
    8: "其中：其他增值税发票不含税销售额",
    9: "免税销售额",
    10: "其中：小微企业免税销售额",
    11: "未达起征点销售额",
    12: "其他免税销售额",
    13: "出口免税销售额",
    14: "其中：其他增值税发票不含税销售额",
    15: "本期应纳税额",
    16: "本期应纳税额减征额",
    17: "本期免税额",
    18: "其中：小微企业免税额",
    19: "未达起征点免税额",
    20: "应纳税额合计",
    21: "本期预缴税额",
    22: "本期应补（退）税额",
    23: "城市维护建设税本期应补（退）税额",
    24: "教育费附加本期应补（退）费额",
    25: "地方教育附加本期应补（退）费额",
}

SURCHARGE_LINES = (23, 24, 25)


def columns_of(line: int) -> tuple[str, ...]:
    return ("total",) if line in SURCHARGE_LINES else ("goods", "services")


def all_keys() -> list[tuple[int, str]]:
    """Every (line, column) cell of the return, in form order."""
    return [(line, col) for line in LINE_NAMES for col in columns_of(line)]


def sort_key(key: tuple[int, str]) -> tuple[int, int]:
    return key[0], list(COLUMNS).index(key[1])
