"""How long each workflow's task (``graphs.GRAPHS``, ``Run.graph``) takes the owner by hand, in minutes: the
数据看板 sums it over finished runs as the time her employees saved her (the plan's 「证明ROI价值」). Every name
in ``graphs.GRAPHS`` has one (tests/test_board.py checks). Estimates for a practised owner on a phone."""
from __future__ import annotations

MINUTES_BY_HAND = {
    "publish": 20,  # format the text, upload the pictures, pick topics and declarations, post, check it is live
    "listing": 40,  # a Taobao item: category, properties, SKUs, main and description images
    "tax_filing": 60,  # log in to the tax bureau, copy the books' figures into the return, check, submit, pay
    # A sweep runs every few minutes, far more often than she would look herself: the board leaves sweeps out of
    # its counts (NOT_COUNTED) and her time saved on the inbox shows in the replies instead.
    "inbound_sweep": 0,
    "inbound_reply": 3,  # read one comment or message, look up the answer, type and send it
    "collect": 15,  # open the site's data pages, page through the lists, copy the numbers into a sheet
    "reminder": 1,  # set a reminder in a calendar app
    "daily_brief": 15,
    "agent": 10,  # a one-off errand in a back-end: find the item or post, change or read it, check it took  # open every back-end and the books, note yesterday's numbers and what waits today
}

NOT_COUNTED = ("inbound_sweep",)
"""Background polls the board does not count as work done (one every few minutes per account would swamp 客服代表's
figures and the time saved)."""
