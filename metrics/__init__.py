"""Numbers read back from the sites (views, likes, orders ...), stored as time series.

Written by the collection workflow (``graphs/collect``); the board and 运营管家 read them through
``metrics.query``.
"""
