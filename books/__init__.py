"""The owner's books, and the quarterly returns computed from them (small-scale VAT; business-income tax).

    models.py    IncomeRecord: one sale as the owner recorded it (table ``income_records``)
    importer.py  CSV/XLSX income lists with Chinese headers -> records, or every bad cell at once
    store.py     all-or-nothing storage and reading a quarter back
    periods.py   Quarter: dates and filing deadline
    rules.py     VatRules: the dated policy (threshold, 1% reduction, surcharge halving)
    lines.py     the return's 25 lines and two columns: names as data
    vat.py       compute_return(records, quarter, rules) -> VatReturn with a rule and sources per figure
    compare.py   books vs. the portal's pre-filled values, line by line, for the approval card
    pit_rules.py PitRules: the dated 经营所得 table, 投资者减除费用, the individual-business halving
    pit.py       compute_prepayment(records, quarter, figures) -> PitReturn (A表, cumulative)
    pit_store.py the owner's per-quarter deductions (QuarterFigures); 成本费用 from the expense records
    expenses.py  expense records: checked as typed, stored, changed with an audit row
    intake.py    an uploaded invoice → the validation card → an income or expense record; corrections kept
    report.py    the 月度报表 and 季度报表 from the records, cached per period (report_cache.py drops them on a change)
    chart.py     the report's chart as server-side SVG;  export.py  the report as XLSX and PDF
    deadlines.py every deadline reminded of, with its source;  asks.py  book-keeping asked on the 派活 page
    invoices/    reading 数电票 XML/PDF/OFD and photos (its own package)

Pure computation (vat, pit, compare, periods, rules, pit_rules) never touches the database or the browser.
"""
