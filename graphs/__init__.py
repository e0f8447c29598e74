"""Workflows by name. Adding a workflow: one folder under ``graphs/`` and one line here."""
from __future__ import annotations

from graphs import collect, inbound_reply, inbound_sweep, listing, publish, tax_filing

GRAPHS = {
    "publish": publish.build,
    "listing": listing.build,
    "tax_filing": tax_filing.build,
    "inbound_sweep": inbound_sweep.build,
    "inbound_reply": inbound_reply.build,
    "collect": collect.build,
}
# How long each workflow's task takes the owner by hand: ``core.effort.MINUTES_BY_HAND``, one line per name here
# (kept out of this package: the board reads it on the home page, which must not load LangGraph).
