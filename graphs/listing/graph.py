"""Wiring of the listing workflow (the shared form-workflow shape, see ``graphs.shape``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.listing import nodes
from graphs.listing.state import ListingInput, ListingState
from graphs.shape import form_workflow


def build(checkpointer: BaseCheckpointSaver | None = None):
    return form_workflow(ListingState, ListingInput, nodes, checkpointer)
