"""The dated VAT policy for small-scale taxpayers, as data the owner (or the lead) can change.

Every policy is a ``Dated`` value with the announcement it comes from; docs/vat-return.md lists them and
says which ones are GUESS. A quarter with no rule in force is refused rather than computed with a
stale number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from core.errors import BusinessError

D = Decimal


@dataclass(frozen=True)
class InForce:
    """A rule in force from ``start`` to ``end`` (both inclusive)."""

    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


R = TypeVar("R", bound=InForce)


@dataclass(frozen=True)
class Dated(InForce):
    """A value in force from ``start`` to ``end``, with the public text it comes from."""

    value: Decimal
    source: str


THRESHOLDS = (
    Dated(date(2019, 1, 1), date(2021, 3, 31), D("300000"), "财税〔2019〕13号（月销售额10万元）"),
    Dated(date(2021, 4, 1), date(2022, 12, 31), D("450000"), "财政部 税务总局公告2021年第11号（月销售额15万元）"),
    Dated(date(2023, 1, 1), date(2027, 12, 31), D("300000"),
          "财政部 税务总局公告2023年第1号、2023年第19号（月销售额10万元，执行至2027年12月31日）"),
)
"""Quarterly sales at or under which a small-scale taxpayer's sales are exempt."""

REDUCED_RATES = (
    Dated(date(2020, 3, 1), date(2021, 12, 31), D("0.01"),
          "财政部 税务总局公告2020年第13号（延续：2020年第24号、2021年第7号）"),
    Dated(date(2022, 1, 1), date(2022, 3, 31), D("0.01"), "财政部 税务总局公告2022年第15号（2021年第7号延至3月31日）"),
    Dated(date(2022, 4, 1), date(2022, 12, 31), D("0"), "财政部 税务总局公告2022年第15号（3%征收率销售收入免征）"),
    Dated(date(2023, 1, 1), date(2027, 12, 31), D("0.01"), "财政部 税务总局公告2023年第1号、2023年第19号"),
)
"""What the 3% rate is reduced to on a day: 0.01, or 0 when 3%-rate sales are exempt outright."""

SURCHARGE_RELIEF = (
    Dated(date(2019, 1, 1), date(2021, 12, 31), D("0.5"), "财税〔2019〕13号（各省在50%幅度内确定，按50%）"),
    Dated(date(2022, 1, 1), date(2022, 12, 31), D("0.5"), "财政部 税务总局公告2022年第10号"),
    Dated(date(2023, 1, 1), date(2027, 12, 31), D("0.5"),
          "财政部 税务总局公告2023年第12号（小规模纳税人“六税两费”减半征收，执行至2027年12月31日）"),
)
"""The "六税两费" cut for small-scale taxpayers on 城建税/教育费附加/地方教育附加. It stacks on other relief
(2022年第10号 and 2023年第12号, 第四条: 可叠加享受): it halves what is left after an exemption, so an exempt
fee stays 0, and it applies in full to the 城建税, which has no sales exemption."""

EDU_EXEMPTION = (
    Dated(date(2016, 2, 1), date.max, D("300000"),
          "财税〔2016〕12号（按季度纳税的季度销售额不超过30万元，免征教育费附加、地方教育附加）"),
)
"""Quarterly sales at or under which 教育费附加 and 地方教育附加 (and 水利建设基金, not on this return) are exempt."""


@dataclass(frozen=True)
class VatRules:
    """The policy used for a return. Defaults are the published rules; pass your own to override."""

    thresholds: tuple[Dated, ...] = THRESHOLDS
    reduced_rates: tuple[Dated, ...] = REDUCED_RATES
    surcharge_relief: tuple[Dated, ...] = SURCHARGE_RELIEF
    education_exemption: tuple[Dated, ...] = EDU_EXEMPTION
    special_counts_to_threshold: bool = True
    """Sales with a special invoice count towards the threshold (they are taxed either way)."""
    exempt_tax_at_statutory_rate: bool = True
    """GUESS: lines 17-19 (exempt tax) = exempt sales × the statutory 3%/5%; False uses the rate charged."""
    surcharge_rates: dict = field(default_factory=lambda: {"education": D("0.03"), "local_education": D("0.02")})

    def threshold(self, day: date) -> Dated:
        found = in_force(self.thresholds, day)
        if found is None:
            raise BusinessError(f"没有 {day} 适用的小规模纳税人免税起征点规定，请先补充规则再计算")
        return found

    def reduced_rate(self, day: date) -> Dated | None:
        """The reduction of the 3% rate in force on ``day``, if any."""
        return in_force(self.reduced_rates, day)

    def relief(self, day: date) -> Dated | None:
        return in_force(self.surcharge_relief, day)

    def edu_exemption(self, day: date) -> Dated | None:
        """The sales limit under which the two education surcharges are exempt on ``day``, if any."""
        return in_force(self.education_exemption, day)


def in_force(rules: tuple[R, ...], day: date) -> R | None:
    """The rule of ``rules`` that covers ``day``, if any."""
    return next((r for r in rules if r.covers(day)), None)


CITY_TAX_RATES = {"city": D("0.07"), "county": D("0.05"), "other": D("0.01")}
"""城市维护建设税 by where the taxpayer is: 市区 7%, 县城/镇 5%, 其他 1%."""


@dataclass(frozen=True)
class Taxpayer:
    """Who files: decides line 10 vs 11 and the city-tax rate."""

    kind: str = "enterprise"
    """enterprise (单位, incl. one-person companies → line 10) | individual (个体工商户和其他个人 → line 11)"""
    location: str = "city"
    """city | county | other (see ``CITY_TAX_RATES``)"""

    def __post_init__(self):
        if self.kind not in ("enterprise", "individual"):
            raise ValueError(f"unknown taxpayer kind {self.kind!r}")
        if self.location not in CITY_TAX_RATES:
            raise ValueError(f"unknown location {self.location!r}")
