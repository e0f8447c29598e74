"""Wiring of the publish workflow."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from graphs.publish import nodes
from graphs.publish.state import PublishContext, PublishInput, PublishState


def build(checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(PublishState, context_schema=PublishContext, input_schema=PublishInput)
    for name in ("validate", "request_login", "wait_login", "fill", "request_approval", "approval",
                 "reject", "suggest", "submit", "verify", "finish"):
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "validate")
    g.add_conditional_edges("validate", nodes.after_validate)
    g.add_edge("request_login", "wait_login")
    g.add_conditional_edges("wait_login", nodes.after_login)
    g.add_conditional_edges("fill", nodes.after_fill)
    g.add_edge("request_approval", "approval")
    g.add_conditional_edges("approval", nodes.after_approval)
    g.add_conditional_edges("submit", nodes.after_submit)
    g.add_edge("verify", "finish")
    for end in ("reject", "suggest", "finish"):
        g.add_edge(end, END)
    return g.compile(checkpointer=checkpointer)
