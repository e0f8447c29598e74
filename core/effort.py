"""How long each workflow's task (``graphs.GRAPHS``, ``Run.graph``) takes the owner by hand, in minutes: the
数据看板 sums it over finished runs as the time her employees saved her (the plan's 「证明ROI价值」). Every name
in ``graphs.GRAPHS`` has one (tests/test_board.py checks). Estimates for a practised owner on a phone."""
from __future__ import annotations

MINUTES_BY_HAND = {
    "publish": 20,  # format the text, upload the pictures, pick topics and declarations, post, check it is live
    "listing": 40,  # a Taobao item: category, properties, SKUs, main and description images
    "tax_filing": 60,  # log in to the tax bureau, copy the books' figures into the return, check, submit, pay
    "inbound_sweep": 10,  # open every site's comments, messages and reviews and read what is new
    "inbound_reply": 3,  # read one comment or message, look up the answer, type and send it
    "collect": 15,  # open the site's data pages, page through the lists, copy the numbers into a sheet
}
