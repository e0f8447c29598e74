"""Wiring of the errand workflow (its own shape, see ``graphs.agent_shape``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.agent import nodes
from graphs.agent.state import AgentInput, AgentState
from graphs.agent_shape import agent_workflow


def build(checkpointer: BaseCheckpointSaver | None = None):
    return agent_workflow(AgentState, AgentInput, nodes, checkpointer)
