"""The quarterly small-scale VAT return computed from income records, and its comparison with the portal."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from itertools import count

import pytest

from books.compare import compare, differences
from books.models import IncomeRecord
from books.periods import Quarter
from books.rules import Taxpayer, VatRules
from books.vat import compute_return
from core.errors import BusinessError

_ids = count(1)


def sale(day: str, amount: str, invoice: str = "none", category: str = "services", rate: str = "0.01",
         included: bool = True) -> IncomeRecord:
    return IncomeRecord(id=f"r{next(_ids)}", day=date.fromisoformat(day), amount=D(amount),
                        tax_included=included, invoice=invoice, category=category, rate=D(rate))


def test_quarter_under_the_threshold_puts_ordinary_and_uninvoiced_sales_in_line_10_with_no_tax():
    records = [sale("2024-04-02", "101000.00", "ordinary"), sale("2024-05-20", "181800.00", "none"),
               sale("2024-07-01", "500000.00", "ordinary")]  # next quarter: ignored
    ret = compute_return(records, Quarter(2024, 2), VatRules())

    assert ret.under_threshold and ret.sales_total == D("280000.00")
    assert {k: v.value for k, v in ret.nonzero().items()} == {
        (9, "services"): D("280000.00"), (10, "services"): D("280000.00"),
        (17, "services"): D("8400.00"), (18, "services"): D("8400.00")}
    assert ret.tax_due == 0 and ret.check() == []
    assert ret.lines[(10, "services")].sources == [records[0].id, records[1].id]
    assert "未超过起征点300,000.00元" in ret.lines[(10, "services")].rule


def test_individual_business_under_the_threshold_uses_line_11_instead_of_10():
    ret = compute_return([sale("2024-04-02", "10100.00")], Quarter(2024, 2),
                         taxpayer=Taxpayer(kind="individual"))
    assert ret.value(11, "services") == D("10000.00") and ret.value(19, "services") == D("300.00")
    assert ret.value(10, "services") == 0
    at_charged_rate = compute_return([sale("2024-04-02", "10100.00")], Quarter(2024, 2),
                                     VatRules(exempt_tax_at_statutory_rate=False),
                                     taxpayer=Taxpayer(kind="individual"))
    assert at_charged_rate.value(19, "services") == D("100.00")


def test_quarter_over_the_threshold_is_taxed_in_line_1_at_3pct_with_the_1pct_reduction_in_line_16():
    records = [sale("2024-01-05", "101000.00", "none"), sale("2024-02-05", "202000.00", "ordinary"),
               sale("2024-03-31", "50500.00", "special")]
    ret = compute_return(records, Quarter(2024, 1), VatRules(), prepaid={"services": D("500")})

    v = lambda n: ret.value(n, "services")  # noqa: E731
    assert not ret.under_threshold
    assert (v(1), v(2), v(3)) == (D("350000.00"), D("50000.00"), D("200000.00"))
    assert (v(9), v(10)) == (0, 0)
    assert v(15) == D("10500.00")  # 3% of line 1
    assert v(16) == D("7000.00")  # the 2% reduction: taxed at 1%
    assert (v(20), v(21), v(22)) == (D("3500.00"), D("500.00"), D("3000.00"))
    # surcharges on line 20, halved: 7% city tax, 3% education, 2% local education
    assert [ret.value(n, "total") for n in (23, 24, 25)] == [D("122.50"), D("52.50"), D("35.00")]
    assert ret.tax_due == D("3210.00")
    assert ret.check() == [] and ret.warnings == []
    assert "2023年第19号" in ret.lines[(1, "services")].rule


def test_special_invoice_sales_under_the_threshold_stay_taxable():
    records = [sale("2024-04-10", "101000.00", "ordinary"), sale("2024-04-11", "50500.00", "special")]
    ret = compute_return(records, Quarter(2024, 2))

    assert ret.under_threshold
    assert ret.value(10, "services") == D("100000.00")
    assert (ret.value(1, "services"), ret.value(2, "services")) == (D("50000.00"), D("50000.00"))
    assert ret.value(20, "services") == D("500.00")
    # quarterly sales under 300,000: education surcharges exempt, only the (halved) city tax is due
    assert [ret.value(n, "total") for n in (23, 24, 25)] == [D("17.50"), 0, 0]
    assert "财税〔2016〕12号" in ret.lines[(24, "total")].rule
    assert ret.tax_due == D("517.50")


def test_special_invoice_sales_count_towards_the_threshold_unless_the_rules_say_otherwise():
    records = [sale("2024-04-10", "282800.00", "ordinary"), sale("2024-04-11", "40400.00", "special")]
    counted = compute_return(records, Quarter(2024, 2))
    assert counted.sales_total == D("320000.00") and not counted.under_threshold
    assert counted.value(1, "services") == D("320000.00")

    not_counted = compute_return(records, Quarter(2024, 2), VatRules(special_counts_to_threshold=False))
    assert not_counted.under_threshold
    assert not_counted.value(10, "services") == D("280000.00")
    assert not_counted.value(1, "services") == D("40000.00")


def test_goods_and_services_are_computed_in_their_own_columns():
    records = [sale("2024-10-08", "206000.00", "special", "goods", "0.03"),
               sale("2024-11-08", "210000.00", "ordinary", "services", "0.05"),
               sale("2024-12-08", "10300.00", "none", "goods", "0.03")]
    ret = compute_return(records, Quarter(2024, 4))

    assert {k: v.value for k, v in ret.nonzero().items() if k[0] <= 22} == {
        (1, "goods"): D("210000.00"), (2, "goods"): D("200000.00"), (15, "goods"): D("6300.00"),
        (20, "goods"): D("6300.00"), (22, "goods"): D("6300.00"),
        (4, "services"): D("200000.00"), (6, "services"): D("200000.00"), (15, "services"): D("10000.00"),
        (20, "services"): D("10000.00"), (22, "services"): D("10000.00")}
    assert ret.vat_due == D("16300.00")
    # an uninvoiced sale booked at 3% while 1% applies is computed as booked, but flagged
    assert len(ret.warnings) == 1 and "12-08 10300.00元" in ret.warnings[0]


def test_tax_inclusive_amounts_are_converted_per_record_and_rounded_to_cents():
    records = [sale("2024-04-01", "10.05", rate="0.03", invoice="ordinary") for _ in range(3)]
    records.append(sale("2024-04-02", "99.99", rate="0.03", invoice="ordinary", included=False))
    ret = compute_return(records, Quarter(2024, 2))
    # 10.05 / 1.03 = 9.7573 -> 9.76 per record; converting the 30.15 total would give 29.27
    assert ret.value(10, "services") == D("29.28") + D("99.99")


def test_the_threshold_follows_the_rule_in_force_for_the_quarter():
    def year_quarter(year: int):
        return compute_return([sale(f"{year}-02-01", "404000.00", "ordinary")], Quarter(year, 1))

    in_2022 = year_quarter(2022)  # 450,000 per quarter from 2021-04-01 to 2022-12-31
    assert in_2022.threshold.value == D("450000") and in_2022.value(10, "services") == D("400000.00")
    assert in_2022.tax_due == 0
    in_2023 = year_quarter(2023)  # back to 300,000
    assert in_2023.threshold.value == D("300000") and in_2023.value(1, "services") == D("400000.00")
    assert in_2023.value(20, "services") == D("4000.00")


def test_3pct_sales_without_special_invoice_were_exempt_from_april_to_december_2022():
    records = [sale("2022-08-01", "515000.00", "ordinary", rate="0.03"),
               sale("2022-08-02", "10300.00", "special", rate="0.03")]
    ret = compute_return(records, Quarter(2022, 3))
    assert not ret.under_threshold
    assert ret.value(12, "services") == D("500000.00") and ret.value(17, "services") == D("15000.00")
    assert ret.value(1, "services") == D("10000.00") and ret.value(20, "services") == D("300.00")


def test_a_quarter_without_a_rule_in_force_is_refused():
    with pytest.raises(BusinessError, match="起征点"):
        compute_return([sale("2030-01-02", "100.00")], Quarter(2030, 1))


def test_check_reports_relations_an_edit_broke():
    ret = compute_return([sale("2024-04-02", "404000.00", "ordinary")], Quarter(2024, 2))
    assert ret.check() == []
    ret.lines[(9, "services")].value = D("1.00")
    ret.lines[(22, "services")].value = D("0.00")
    assert ret.check() == ["服务、不动产和无形资产：第9栏应等于第10、11、12栏之和",
                           "服务、不动产和无形资产：第22栏应等于第20栏减第21栏"]


def test_compare_marks_the_portal_prefilled_invoice_sales_that_differ_from_the_books():
    records = [sale("2024-04-02", "202000.00", "ordinary"), sale("2024-04-03", "101000.00", "special"),
               sale("2024-04-04", "101000.00", "none")]
    ret = compute_return(records, Quarter(2024, 2))
    prefilled = {(2, "services"): D("100000"), (3, "services"): D("150000.00"), (5, "goods"): D("800.00")}
    rows = compare(ret, prefilled)

    by_key = {(r.line, r.column): r for r in rows}
    line3 = by_key[(3, "services")]
    assert (line3.item, line3.books, line3.portal, line3.submit) == (
        "其他增值税发票不含税销售额", D("200000.00"), D("150000.00"), D("200000.00"))
    assert line3.differs and "普票" in line3.rule
    assert not by_key[(2, "services")].differs
    only_portal = by_key[(5, "goods")]  # shown although the books have nothing there
    assert (only_portal.books, only_portal.submit, only_portal.differs) == (0, 0, True)
    assert (10, "services") not in by_key  # zero everywhere: not shown
    assert [(r.line, r.column) for r in rows][:4] == [(1, "services"), (2, "services"), (3, "services"),
                                                     (5, "goods")]
    assert (1, "services") in {(r.line, r.column) for r in differences(rows)}
    with pytest.raises(KeyError):
        compare(ret, {(23, "goods"): D("1")})


def test_quarter_dates_and_filing_deadline():
    q = Quarter.containing(date(2024, 5, 31))
    assert q == Quarter(2024, 2) == Quarter.parse("2024Q2") == Quarter.parse("2024年第2季度")
    assert (q.start, q.end, q.label) == (date(2024, 4, 1), date(2024, 6, 30), "2024年第2季度")
    assert Quarter(2024, 1).previous() == Quarter(2023, 4) and Quarter(2023, 4).next() == Quarter(2024, 1)
    assert date(2024, 6, 30) in q and date(2024, 7, 1) not in q
    assert Quarter(2024, 2).deadline() == date(2024, 7, 15)  # a Monday
    assert Quarter(2023, 1).deadline() == date(2023, 4, 17)  # the 15th is a Saturday
    assert Quarter(2023, 1).deadline(days_off={date(2023, 4, 17)}) == date(2023, 4, 18)
    with pytest.raises(ValueError):
        Quarter(2024, 5)


def test_each_surcharge_is_rounded_to_cents_then_halved_as_the_portal_does():
    # 346,420 tax-exclusive at 1%: line 20 = 3,464.20. 城建税 242.494 → 242.49, halved 121.245 → 121.25,
    # due 121.24 (one step, 3,464.20 × 3.5% = 121.247 would give 121.25).
    ret = compute_return([sale("2026-07-10", "346420.00", "ordinary", "goods", included=False)], Quarter(2026, 3))
    assert ret.value(20, "goods") == D("3464.20")
    assert [ret.value(n, "total") for n in (23, 24, 25)] == [D("121.24"), D("51.96"), D("34.64")]
    assert "减征50%" in ret.lines[(23, "total")].rule and "2023年第12号" in ret.lines[(23, "total")].rule


def test_the_education_exemption_applies_first_and_the_halving_only_to_what_is_left():
    under = compute_return([sale("2026-07-10", "101000.00", "ordinary"), sale("2026-08-11", "50500.00", "special")],
                           Quarter(2026, 3))
    rule = under.lines[(24, "total")].rule
    assert under.value(24, "total") == 0 and "财税〔2016〕12号" in rule and "免征后没有可再减半" in rule
    assert under.value(23, "total") == D("17.50")  # the city tax has no sales exemption: halved
    # 300,000.01 of sales: not exempt, halved like the city tax
    over = compute_return([sale("2026-07-10", "250000.01", "ordinary", included=False),
                           sale("2026-08-11", "50000.00", "special", included=False)], Quarter(2026, 3))
    assert over.sales_total == D("300000.01")
    assert [over.value(n, "total") for n in (24, 25)] == [D("45.00"), D("30.00")]  # line 20 = 3,000.00


@pytest.mark.parametrize("ordinary", ["150000.00", "295000.00", "300000.00", "812345.67"])
def test_the_books_and_the_replica_compute_the_surcharges_alike(ordinary):
    """The replica's arithmetic (sandbox/etax/vat.py) and the books' follow one rule: for line-20 values over a
    range with every rounding case, exempt or not, lines 23-25 agree to the cent."""
    from sandbox.etax import vat as portal

    for n in range(1, 2001, 3):
        records = [sale("2026-07-10", f"{n}.37", "special", included=False),
                   sale("2026-07-11", ordinary, "ordinary", included=False)]
        ret = compute_return(records, Quarter(2026, 3))
        typed = {f"{line}.{c}": str(ret.value(line, c)) for line in (1, 2, 3, 10, 15, 16) for c in ("goods", "services")}
        shown = portal.compute(typed)
        assert [shown[str(k)] for k in (23, 24, 25)] == [ret.value(k, "total") for k in (23, 24, 25)], n
