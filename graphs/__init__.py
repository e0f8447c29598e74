"""Workflows by name. Adding a workflow: one folder under ``graphs/`` and one line here."""
from __future__ import annotations

from graphs import agent, inbound_reply, inbound_sweep, listing, publish, tax_filing

GRAPHS = {
    "publish": publish.build,
    "listing": listing.build,
    "tax_filing": tax_filing.build,
    "inbound_sweep": inbound_sweep.build,
    "inbound_reply": inbound_reply.build,
    "agent": agent.build,
}
