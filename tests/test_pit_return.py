"""The quarterly business-income prepayment (经营所得 A表) from the books, with hand-checked figures."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from books.models import IncomeRecord
from books.periods import Quarter
from books.pit import Figures, compute_prepayment, with_paid
from books.pit_rules import PitRules
from books.pit_store import figures_of_year, set_figures
from core.db import session_factory, transaction
from core.errors import BusinessError, ValidationFailed
from core.models import Workspace

_ids = iter(range(10**6))


def sale(day: date, amount: str) -> IncomeRecord:
    """A tax-exclusive sale, so the income figure is the amount itself."""
    return IncomeRecord(id=f"r{next(_ids)}", day=day, amount=D(amount), tax_included=False, invoice="none",
                        category="services", rate=D("0.01"))


def values(ret) -> dict:
    return {k: line.value for k, line in ret.lines.items()}


def test_a_loss_quarter_owes_nothing():
    ret = compute_prepayment([sale(date(2026, 2, 1), "10000")], Quarter(2026, 1), {1: Figures(costs=D("30000"))})
    assert ret.value("profit") == D("-20000.00")
    assert (ret.value("taxable"), ret.value("tax"), ret.value("due"), ret.tax_due) == (0, 0, 0, 0)
    assert ret.check() == []


def test_a_mid_band_quarter_uses_the_annual_table_on_the_cumulative_income():
    # 100,000 − 40,000 = 60,000 profit; − 15,000 (3 months × 5,000) − 5,000 = 40,000 → 10% − 1,500 = 2,500.
    ret = compute_prepayment([sale(date(2026, 3, 31), "100000")], Quarter(2026, 1),
                             {1: Figures(costs=D("40000"), special_deductions=D("5000"))}, individual_business=False)
    assert ret.value("investor_deduction") == D("15000.00")
    assert ret.value("taxable") == D("40000.00")
    assert (ret.value("rate"), ret.value("quick"), ret.value("tax")) == (D("0.10"), D("1500.00"), D("2500.00"))
    assert ret.value("relief") == 0 and ret.value("due") == D("2500.00")
    assert "个人所得税法" in ret.lines["rate"].rule
    assert ret.check() == []


def test_the_band_edge_30000_is_taxed_at_5_percent_and_one_cent_more_at_10_percent_without_a_jump():
    at_edge = compute_prepayment([sale(date(2026, 1, 5), "45000")], Quarter(2026, 1), {}, individual_business=False)
    assert (at_edge.value("taxable"), at_edge.value("tax")) == (D("30000.00"), D("1500.00"))
    over = compute_prepayment([sale(date(2026, 1, 5), "45000.01")], Quarter(2026, 1), {}, individual_business=False)
    assert (over.value("rate"), over.value("tax")) == (D("0.10"), D("1500.00"))  # 3000.001 − 1500


def test_an_individual_business_halves_and_a_later_quarter_crossing_a_band_subtracts_what_q1_paid():
    records = [sale(date(2026, 2, 1), "100000"), sale(date(2026, 5, 1), "150000")]
    figures = {1: Figures(costs=D("40000"), special_deductions=D("5000")),
               2: Figures(costs=D("60000"), special_deductions=D("5000"))}
    q1 = compute_prepayment(records, Quarter(2026, 1), figures)
    assert (q1.value("tax"), q1.value("relief"), q1.value("due")) == (D("2500.00"), D("1250.00"), D("1250.00"))
    assert "2023年第12号" in q1.lines["relief"].rule
    # Q2 cumulative: 250,000 − 100,000 = 150,000; − 30,000 − 10,000 = 110,000 → 20% − 10,500 = 11,500.
    q2 = compute_prepayment(records, Quarter(2026, 2), figures)
    assert q2.value("income") == D("250000.00") and q2.value("taxable") == D("110000.00")
    assert (q2.value("rate"), q2.value("tax"), q2.value("relief")) == (D("0.20"), D("11500.00"), D("5750.00"))
    assert q2.value("paid") == D("1250.00") and q2.value("due") == D("4500.00")
    told = compute_prepayment(records, Quarter(2026, 2), figures, paid=D("3000"))  # the portal's own record
    assert told.value("due") == D("2750.00") and told.check() == []
    assert values(with_paid(q2, D("3000"))) == values(told)
    overpaid = with_paid(q2, D("6000"))  # 11,500 − 5,750 − 6,000 < 0: nothing now, and the owner is told why
    assert overpaid.value("due") == D("-250.00") and overpaid.tax_due == 0
    assert any("不退税" in w for w in overpaid.warnings) and overpaid.check() == []


def test_the_halving_stops_at_two_million_of_taxable_income():
    # 3,000,000 − 440,000 − 60,000 = 2,500,000 → 35% − 65,500 = 809,500;
    # relief = (2,000,000 × 35% − 65,500) × 50% = 317,250.
    ret = compute_prepayment([sale(date(2026, 11, 1), "3000000")], Quarter(2026, 4), {4: Figures(costs=D("440000"))})
    assert ret.value("taxable") == D("2500000.00")
    assert (ret.value("tax"), ret.value("relief"), ret.value("paid")) == (D("809500.00"), D("317250.00"), 0)
    assert ret.value("due") == D("492250.00")


def test_no_halving_before_2021_and_a_year_with_no_table_is_refused():
    old = compute_prepayment([sale(date(2020, 2, 1), "100000")], Quarter(2020, 1), {})
    assert old.value("tax") == D("7000.00") and old.value("relief") == 0  # 85,000 × 10% − 1,500
    with pytest.raises(BusinessError, match="税率表"):
        compute_prepayment([], Quarter(2026, 1), {}, PitRules(tables=()))


def test_a_loss_carried_forward_is_used_only_up_to_the_profit_and_the_owner_is_told():
    ret = compute_prepayment([sale(date(2026, 1, 9), "50000")], Quarter(2026, 1),
                             {1: Figures(costs=D("20000"), loss_offset=D("50000"))})
    assert ret.value("loss_offset") == D("30000.00") and ret.value("taxable") == 0
    assert any("只弥补了30000.00元" in w for w in ret.warnings)


@pytest.fixture
def db(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path / 'pit.db'}")
    with transaction(factory) as s:
        ws = Workspace(name="个体户")
        s.add(ws)
        s.flush()
        return factory, ws.id


def test_figures_typed_by_the_owner_are_checked_field_by_field_then_stored_and_replaced(db):
    factory, ws = db
    with transaction(factory) as s, pytest.raises(ValidationFailed) as bad:
        set_figures(s, ws, Quarter(2026, 1), {"costs": "-5", "loss_offset": "abc", "special_deductions": "1.234"})
    assert [e["field"] for e in bad.value.errors] == ["costs", "loss_offset", "special_deductions"]
    assert "成本费用" in bad.value.errors[0]["message"] and bad.value.errors[0]["limit"]
    with transaction(factory) as s:
        set_figures(s, ws, Quarter(2026, 1), {"costs": "1,000.50"})
        set_figures(s, ws, Quarter(2026, 2), {"costs": "10", "special_deductions": "2"})
    with transaction(factory) as s:
        set_figures(s, ws, Quarter(2026, 1), {"costs": "2000"})
    with factory() as s:
        assert figures_of_year(s, ws, 2026) == {1: Figures(D("2000.00"), D("0.00"), D("0.00")),
                                               2: Figures(D("10.00"), D("0.00"), D("2.00"))}
        assert figures_of_year(s, ws, 2025) == {}


def test_every_form_the_api_accepts_has_a_workflow_entry():
    import re

    from api.routes.books import NewFiling
    from graphs.tax_filing.forms import FORMS

    pattern = NewFiling.model_fields["form"].metadata[0].pattern
    assert set(re.fullmatch(r"\^\((.*)\)\$", pattern)[1].split("|")) == set(FORMS)
