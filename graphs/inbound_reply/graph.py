"""Wiring of the reply run (``graphs.inbound_shape.reply_workflow``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.inbound_reply import nodes
from graphs.inbound_reply.state import ReplyInput, ReplyState
from graphs.inbound_shape import reply_workflow


def build(checkpointer: BaseCheckpointSaver | None = None):
    return reply_workflow(ReplyState, ReplyInput, nodes, checkpointer)
