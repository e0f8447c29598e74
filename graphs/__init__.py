"""Workflows by name. Adding a workflow: one folder under ``graphs/`` and one line here."""
from __future__ import annotations

from graphs import inbound_reply, inbound_sweep, listing, publish, tax_filing

GRAPHS = {
    "publish": publish.build,
    "listing": listing.build,
    "tax_filing": tax_filing.build,
    "inbound_sweep": inbound_sweep.build,
    "inbound_reply": inbound_reply.build,
}

MINUTES_BY_HAND = {
    "publish": 20,  # format the text, upload the pictures, pick topics and declarations, post, check it is live
    "listing": 40,  # a Taobao item: category, properties, SKUs, main and description images
    "tax_filing": 60,  # log in to the tax bureau, copy the books' figures into the return, check, submit, pay
    "inbound_sweep": 10,  # open every site's comments, messages and reviews and read what is new
    "inbound_reply": 3,  # read one comment or message, look up the answer, type and send it
}
"""How long each workflow's task takes the owner by hand, in minutes: the board sums it over finished runs
(「节省时间」). Every name in ``GRAPHS`` has one (tests/test_board.py checks)."""
