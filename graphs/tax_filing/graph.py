"""Wiring of the tax-filing workflow: two approvals, both always asked, whatever the employee's mode.

    compute ─▶ login ─▶ fill ─▶ request_approval ─▶ approval ─▶ submit ─▶ verify_filed ─┬▶ finish
                 ▲        │                            └▶ reject          │             │
                 └────────┴──────── (session gone) ◀──────────────────────┘             ▼
      request_payment ─▶ request_payment_approval ─▶ payment_approval ─▶ pay ─▶ verify_paid ─▶ finish
                                                            └▶ payment_rejected
"""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from graphs import steps
from graphs.context import RunContext
from graphs.tax_filing import nodes
from graphs.tax_filing.state import FilingInput, FilingState


def build(checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(FilingState, context_schema=RunContext, input_schema=FilingInput)
    for name in ("compute", "login", "fill", "submit", "verify_filed", "request_payment", "pay", "verify_paid",
                 "finish", "payment_rejected"):
        g.add_node(name, getattr(nodes, name))
    g.add_node("request_approval", steps.request_approval)
    g.add_node("approval", steps.approval)
    g.add_node("reject", steps.reject)
    g.add_node("request_payment_approval", steps.request_approval)
    g.add_node("payment_approval", steps.approval)
    g.add_edge(START, "compute")
    g.add_edge("compute", "login")
    g.add_conditional_edges("login", nodes.after_login)
    g.add_conditional_edges("fill", nodes.after_fill)
    g.add_edge("request_approval", "approval")
    g.add_conditional_edges("approval", steps.after_approval)
    g.add_conditional_edges("submit", nodes.after_submit)
    g.add_conditional_edges("verify_filed", nodes.after_verify)
    g.add_edge("request_payment", "request_payment_approval")
    g.add_edge("request_payment_approval", "payment_approval")
    g.add_conditional_edges("payment_approval", nodes.after_payment_approval)
    g.add_edge("pay", "verify_paid")
    g.add_edge("verify_paid", "finish")
    for end in ("reject", "payment_rejected", "finish"):
        g.add_edge(end, END)
    return g.compile(checkpointer=checkpointer)
