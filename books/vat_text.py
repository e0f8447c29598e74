"""The zh explanation of each figure of the return: which rule produced it, with this quarter's numbers."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from books.periods import Quarter
from books.rules import Dated, Taxpayer


def pct(rate: Decimal) -> str:
    return f"{(Decimal(rate) * 100).normalize():f}%"


def yuan(x: Decimal) -> str:
    return f"{Decimal(x):,.2f}元"


_STATIC = {
    2: "第2栏 = 第1栏中开具增值税专用发票的不含税销售额",
    3: "第3栏 = 第1栏中开具其他增值税发票（普票）的不含税销售额",
    5: "第5栏 = 第4栏中开具增值税专用发票的不含税销售额",
    6: "第6栏 = 第4栏中开具其他增值税发票（普票）的不含税销售额",
    7: "第7栏 = 销售使用过的固定资产：账本不记录此类销售，填0",
    8: "第8栏 = 第7栏中开具其他增值税发票的部分：账本不记录，填0",
    9: "第9栏 = 第10栏 + 第11栏 + 第12栏",
    12: "第12栏 = 其他免税销售额：税率记为“免税”的销售，以及3%征收率销售收入免征增值税期间未开专票的销售",
    13: "第13栏 = 出口免税销售额：账本不记录出口，填0",
    14: "第14栏 = 第13栏中开具其他增值税发票的部分：账本不记录，填0",
    15: "第15栏 = 第1栏 × 3% + 第4栏 × 5%（按法定征收率计算）",
    16: "第16栏 = 按1%征收率征税的销售额 × 2%（3%征收率减按1%征收的减征额）",
    17: "第17栏 = 免税销售额 × 征收率（含第18栏、第19栏）",
    18: "第18栏 = 第10栏 × 征收率",
    19: "第19栏 = 第11栏 × 征收率",
    20: "第20栏 = 第15栏 − 第16栏",
    21: "第21栏 = 本期已预缴的增值税（由您提供，未提供则为0）",
    22: "第22栏 = 第20栏 − 第21栏",
}

_SURCHARGE_NAMES = {23: "城市维护建设税", 24: "教育费附加", 25: "地方教育附加"}


@dataclass(frozen=True)
class LineTexts:
    period: Quarter
    threshold: Dated
    total: Decimal
    under: bool
    taxpayer: Taxpayer

    def _threshold(self) -> str:
        verdict = "未超过" if self.under else "超过"
        return (f"{self.period.label}不含税销售额合计{yuan(self.total)}，{verdict}起征点"
                f"{yuan(self.threshold.value)}（{self.threshold.source}）")

    def line(self, n: int, col: str) -> str:
        if n in _STATIC:
            return _STATIC[n]
        if n in (1, 4):
            rate = "3%征收率（含减按1%征收）" if n == 1 else "5%征收率"
            scope = ("只有开具增值税专用发票的销售额征税" if self.under
                     else "开票和未开票的销售额都征税")
            return f"第{n}栏 = 按{rate}征税的不含税销售额合计：{self._threshold()}，{scope}"
        if n in (10, 11):
            mine = (n == 10) == (self.taxpayer.kind == "enterprise")
            who = "单位（小微企业）" if n == 10 else "个体工商户和其他个人"
            if not mine:
                return f"第{n}栏 = {who}适用；您不是{who}，填0"
            return (f"第{n}栏 = 开具普票和未开票的不含税销售额：{self._threshold()}，"
                    f"{'免征增值税' if self.under else '不享受免税，填0'}")
        raise KeyError(n)

    def surcharge(self, n: int, base: Decimal, rate: Decimal, due: Decimal, cut: Decimal,
                  relief: Dated | None, exempt_reason: str | None) -> str:
        name = _SURCHARGE_NAMES[n]
        text = f"第{n}栏 = 应纳增值税{yuan(base)}（第20栏两列合计）× {name}{pct(rate)} = {yuan(due)}"
        if exempt_reason:
            # The exemption comes first; the 六税两费 halving applies to what is left, here nothing.
            return f"{text}；{exempt_reason}，免征{name}，应补0.00元（免征后没有可再减半的部分）"
        if relief:
            text += f"，减征{pct(relief.value)}（{relief.source}）{yuan(cut)}，应补{yuan(due - cut)}"
        return text
