"""Filed returns, payments and pre-filled invoice data: the replica's tax ledger.

The ledger shares the world's lock (``World.lock``); every method takes it, so a check and the write
that follows it (one filing per taxpayer and quarter, one payment per filing) cannot interleave.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.etax import pit, vat
from sandbox.common.world import SITE_TZ


def now_text() -> str:
    return datetime.now(SITE_TZ).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Filing:
    serial: str             # 申报序号
    credit_code: str
    period: str             # "2026Q3"
    values: dict            # every line value (inputs and computed), as numbers
    tax_due: float
    filed_at: str = field(default_factory=now_text)
    voucher: str | None = None   # 电子缴税凭证号 once paid
    paid_at: str | None = None
    form: str = "vat"            # "vat" | "pit": which return this is (one filing per form and quarter)

    @property
    def title(self) -> str:
        return TITLES[self.form]

    @property
    def pay_status(self) -> str:
        if self.voucher:
            return "已缴款"
        return "未缴款" if self.tax_due > 0 else "无需缴款"

    def public(self) -> dict:
        return {"serial": self.serial, "credit_code": self.credit_code, "period": self.period,
                "period_text": vat.period_text(self.period), "name": self.title, "form": self.form, "values": dict(self.values),
                "tax_due": self.tax_due, "filed_at": self.filed_at, "pay_status": self.pay_status,
                "voucher": self.voucher, "paid_at": self.paid_at}


@dataclass
class Payment:
    voucher: str
    serial: str
    credit_code: str
    amount: float
    bank: str
    account_masked: str
    paid_at: str = field(default_factory=now_text)

    def public(self) -> dict:
        return dict(self.__dict__)


TITLES = {"vat": vat.TITLE, "pit": pit.TITLE}


def digits(n: int, lead: str) -> str:
    return lead + "".join(random.choice("0123456789") for _ in range(n - len(lead)))


class Ledger:
    def __init__(self, lock: threading.RLock):
        self.lock = lock
        self.filings: list[Filing] = []
        self.payments: list[Payment] = []
        self.prefills: dict[tuple[str, str | None], dict] = {}  # (period, credit code or None) -> values

    # -- pre-filled invoice data ---------------------------------------------------------------------
    def set_prefill(self, period: str, values: dict, credit_code: str | None = None) -> None:
        unknown = [k for k in values if k not in vat.input_keys()]
        if unknown:
            raise ValueError(f"not input lines: {unknown}")
        with self.lock:
            self.prefills[(period, credit_code)] = {k: float(v) for k, v in values.items()}

    def prefill_for(self, credit_code: str, period: str) -> dict:
        with self.lock:
            return dict(self.prefills.get((period, credit_code)) or self.prefills.get((period, None)) or {})

    # -- returns -------------------------------------------------------------------------------------
    def filing_of(self, credit_code: str, period: str, form: str = "vat") -> Filing | None:
        with self.lock:
            return next((f for f in self.filings if f.credit_code == credit_code and f.period == period
                         and f.form == form), None)

    def by_serial(self, credit_code: str, serial: str) -> Filing | None:
        with self.lock:
            return next((f for f in self.filings if f.credit_code == credit_code and f.serial == serial), None)

    def filings_of(self, credit_code: str) -> list[Filing]:
        with self.lock:
            return sorted((f for f in self.filings if f.credit_code == credit_code), key=lambda f: f.period,
                          reverse=True)

    def year_before(self, credit_code: str, period: str) -> dict[str, float]:
        """Sums of each line over the taxpayer's filed returns of earlier quarters of the same year."""
        with self.lock:
            earlier = [f for f in self.filings if f.credit_code == credit_code and f.form == "vat"
                       and f.period[:4] == period[:4] and f.period < period]
            return {k: round(sum(f.values[k] for f in earlier), 2) for k in vat.keys()}

    def file(self, credit_code: str, period: str, values: dict,
             edu_exempt_up_to: float = vat.EDU_EXEMPT_UP_TO) -> Filing | None:
        """Record a return (lines 9, 20, 22–25 recomputed here); None when the quarter was already filed."""
        full = vat.compute(values, edu_exempt_up_to)
        with self.lock:
            if self.filing_of(credit_code, period):
                return None
            filing = Filing(digits(20, "1003"), credit_code, period, vat.as_numbers(full),
                            float(vat.tax_due(full)))
            self.filings.append(filing)
            return filing

    def pit_paid(self, credit_code: str, period: str) -> float:
        """已缴税额 of an A表: what the taxpayer's A表 of earlier quarters of the year had to pay."""
        with self.lock:
            return round(sum(f.tax_due for f in self.filings if f.credit_code == credit_code and f.form == "pit"
                             and f.period[:4] == period[:4] and f.period < period), 2)

    def file_pit(self, credit_code: str, period: str, values: dict) -> Filing | None:
        """Record an A表 (every field recomputed here); None when the quarter's A表 was already filed."""
        with self.lock:
            if self.filing_of(credit_code, period, "pit"):
                return None
            full = pit.compute(values, self.pit_paid(credit_code, period))
            filing = Filing(digits(20, "1005"), credit_code, period, pit.as_numbers(full), float(pit.tax_due(full)),
                            form="pit")
            self.filings.append(filing)
            return filing

    # -- payments ------------------------------------------------------------------------------------
    def unpaid(self, credit_code: str) -> list[Filing]:
        return [f for f in self.filings_of(credit_code) if f.pay_status == "未缴款"]

    def pay(self, filing: Filing, bank: str, account_masked: str) -> Payment | None:
        """Debit the agreement account for a filing; None when it is not (or no longer) unpaid."""
        with self.lock:
            if filing.pay_status != "未缴款":
                return None
            payment = Payment(digits(20, "3"), filing.serial, filing.credit_code, filing.tax_due, bank,
                              account_masked)
            filing.voucher, filing.paid_at = payment.voucher, payment.paid_at
            self.payments.append(payment)
            return payment

    def snapshot(self) -> dict:
        with self.lock:
            return {"filings": [f.public() for f in self.filings], "payments": [p.public() for p in self.payments],
                    "prefills": [{"period": p, "credit_code": c, "values": dict(v)}
                                 for (p, c), v in self.prefills.items()]}
