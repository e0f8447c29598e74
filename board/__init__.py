"""The 数据看板: the numbers read back from the sites (``metrics``) and the employees' own work, per period,
as the home page and ``/api/board`` show them.

    readings.py  each subject's newest reading at given times, by index seeks (cost: posts × times, not history)
    work.py      runs, approvals, replies and minutes saved per employee
    trends.py    per account: totals and changes, daily gains, best and worst posts, orders and refunds
    posts.py     one post's (or item's) numbers and the run that made it
"""
