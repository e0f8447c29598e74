"""Wiring of the inbox sweep (``graphs.inbound_shape.sweep_workflow``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.inbound_shape import sweep_workflow
from graphs.inbound_sweep import nodes
from graphs.inbound_sweep.state import SweepInput, SweepState


def build(checkpointer: BaseCheckpointSaver | None = None):
    return sweep_workflow(SweepState, SweepInput, nodes, checkpointer)
