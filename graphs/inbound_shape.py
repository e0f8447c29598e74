"""The shapes of the inbound workflows (客服代表), beside the form shape (``graphs.shape``).

A sweep reads one account's inbox (read-only) and turns what is new into conversations, drafts and cards:

    read ─▶ triage ─▶ done_sweep

A reply posts one conversation's approved reply, once:

    start ─▶ pace ─▶ send ─▶ done_reply
      │       ▲ ⏸     │ └─▶ request_login ─▶ wait_login ⏸ ─▶ pace
      │       └───────┘ (the site's rate limit: paused, then paced again)
      └─▶ reject_reply

``pace`` waits (an interrupt, the run ``scheduled`` at the time it may go) for the account's quiet hours,
its pause after a rate limit, its hourly cap and the random gap between replies; ``send`` reads back first
when its ledger entry says the click may already have happened.
"""
from __future__ import annotations

from types import ModuleType

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from graphs import steps
from graphs.context import RunContext


def sweep_workflow(state: type, input_schema: type, nodes: ModuleType,
                   checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(state, context_schema=RunContext, input_schema=input_schema)
    for name in ("read", "triage", "done_sweep"):
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "read")
    g.add_conditional_edges("read", nodes.after_read)
    g.add_edge("triage", "done_sweep")
    g.add_edge("done_sweep", END)
    return g.compile(checkpointer=checkpointer)


def reply_workflow(state: type, input_schema: type, nodes: ModuleType,
                   checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(state, context_schema=RunContext, input_schema=input_schema)
    for name in ("start", "pace", "send", "done_reply", "reject_reply"):
        g.add_node(name, getattr(nodes, name))
    for name in ("request_login", "wait_login"):
        g.add_node(name, getattr(steps, name))
    g.add_edge(START, "start")
    g.add_conditional_edges("start", nodes.after_start)
    g.add_edge("pace", "send")
    g.add_conditional_edges("send", nodes.after_send)
    g.add_edge("request_login", "wait_login")
    g.add_edge("wait_login", "pace")
    for end in ("done_reply", "reject_reply"):
        g.add_edge(end, END)
    return g.compile(checkpointer=checkpointer)
