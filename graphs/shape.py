"""The shape publishing and listing share: fill a form, maybe ask the owner, submit once, read back.

    validate ─▶ fill ─▶ (approval) ─▶ submit ─▶ verify ─▶ finish
        └─▶ request_login ─▶ wait_login ─┘        └─▶ reject / suggest

A workflow of this shape brings its own ``validate``, ``fill``, ``submit`` and ``verify`` nodes; the
rest comes from ``graphs.steps``.
"""
from __future__ import annotations

from types import ModuleType

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from graphs import steps
from graphs.context import RunContext

OWN = ("validate", "fill", "submit", "verify")
SHARED = ("request_login", "wait_login", "request_approval", "approval", "reject", "suggest", "finish")


def form_workflow(state: type, input_schema: type, nodes: ModuleType,
                  checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(state, context_schema=RunContext, input_schema=input_schema)
    for name in OWN:
        g.add_node(name, getattr(nodes, name))
    for name in SHARED:
        g.add_node(name, getattr(steps, name))
    g.add_edge(START, "validate")
    g.add_conditional_edges("validate", steps.after_validate)
    g.add_edge("request_login", "wait_login")
    g.add_conditional_edges("wait_login", steps.after_login)
    g.add_conditional_edges("fill", steps.after_fill)
    g.add_edge("request_approval", "approval")
    g.add_conditional_edges("approval", steps.after_approval)
    g.add_conditional_edges("submit", steps.after_submit)
    g.add_edge("verify", "finish")
    for end in ("reject", "suggest", "finish"):
        g.add_edge(end, END)
    return g.compile(checkpointer=checkpointer)
