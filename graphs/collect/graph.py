"""Wiring of a collection run (``graphs.collect_shape.collect_workflow``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.collect import nodes
from graphs.collect.state import CollectInput, CollectState
from graphs.collect_shape import collect_workflow


def build(checkpointer: BaseCheckpointSaver | None = None):
    return collect_workflow(CollectState, CollectInput, nodes, checkpointer)
