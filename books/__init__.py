"""The owner's books and the quarterly small-scale VAT return computed from them.

    models.py    IncomeRecord: one sale as the owner recorded it (table ``income_records``)
    importer.py  CSV/XLSX income lists with Chinese headers -> records, or every bad cell at once
    store.py     all-or-nothing storage and reading a quarter back
    periods.py   Quarter: dates and filing deadline
    rules.py     VatRules: the dated policy (threshold, 1% reduction, surcharge halving)
    lines.py     the return's 25 lines and two columns: names as data
    vat.py       compute_return(records, quarter, rules) -> VatReturn with a rule and sources per figure
    compare.py   books vs. the portal's pre-filled values, line by line, for the approval card

Pure computation (vat, compare, periods, rules) never touches the database or the browser.
"""
