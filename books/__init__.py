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
    pit_store.py the owner's per-quarter costs and deductions (QuarterFigures), checked field by field

Pure computation (vat, pit, compare, periods, rules, pit_rules) never touches the database or the browser.
"""
