"""Wiring of the publish workflow (the shared form-workflow shape, see ``graphs.shape``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.publish import nodes
from graphs.publish.state import PublishInput, PublishState
from graphs.shape import form_workflow


def build(checkpointer: BaseCheckpointSaver | None = None):
    return form_workflow(PublishState, PublishInput, nodes, checkpointer)
