"""Workflows by name. Adding a workflow: one folder under ``graphs/`` and one line here."""
from __future__ import annotations

from graphs import (agent, collect, daily_brief, inbound_reply, inbound_sweep, listing, publish, reminder,
                    tax_filing)

GRAPHS = {
    "publish": publish.build,
    "listing": listing.build,
    "tax_filing": tax_filing.build,
    "inbound_sweep": inbound_sweep.build,
    "inbound_reply": inbound_reply.build,
    "collect": collect.build,
    "reminder": reminder.build,
    "daily_brief": daily_brief.build,
    "agent": agent.build,
}
# How long each workflow's task takes the owner by hand: ``core.effort.MINUTES_BY_HAND``, one line per name here
# (kept out of this package: the board reads it on the home page, which must not load LangGraph).
