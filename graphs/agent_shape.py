"""The shape of an errand: a browser agent works towards the owner's goal, stops before anything
irreversible, and a judge reads the result back before the run is done.

    start ─▶ act ─▶ judge ─▶ finish
      │      │ ▲
      │      │ └──────────── press ◀─ approval ⏸ ◀─ request_approval ◀─┐
      │      └──────────────────────────────────────────────────────────┘ (an irreversible click held)
      │      ▲                            ├─▶ reject
      │      └─────── 接管 ────────────────┘ (the owner works the page, then hands it back)
      └─▶ request_login ─▶ wait_login ⏸ ─▶ act

``act`` runs browser-use until it is done or holds a click (``rpa.agent_guard``); the click waits outside
browser-use, in ``approval`` (an interrupt and nothing else), and ``press`` makes it after the ledger's
intent, on the page brought back by replaying the agent's steps (``rpa.agent_replay``). The agent then
goes on from the page the click left. 接管 on the card sends the run back to ``act``: the page is brought
back in the agent's browser and handed to the owner (``graphs.steps.owner_takes_over``); the held click is
never made; she hands the page back (the agent goes on from it) or says she is done (the judge reads it).
A slider the site puts up while the agent works is dragged by the owner the same way the form workflows'
is (``graphs.steps.owner_drags_slider``), inside ``act``.
"""
from __future__ import annotations

from types import ModuleType

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from graphs import steps
from graphs.context import RunContext

OWN = ("start", "act", "press", "judge", "finish")
SHARED = ("request_login", "wait_login", "request_approval", "approval", "reject")


def agent_workflow(state: type, input_schema: type, nodes: ModuleType,
                   checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(state, context_schema=RunContext, input_schema=input_schema)
    for name in OWN:
        g.add_node(name, getattr(nodes, name))
    for name in SHARED:
        g.add_node(name, getattr(steps, name))
    g.add_edge(START, "start")
    g.add_conditional_edges("start", nodes.after_start)
    g.add_edge("request_login", "wait_login")
    g.add_edge("wait_login", "act")
    g.add_conditional_edges("act", nodes.after_act)
    g.add_edge("request_approval", "approval")
    g.add_conditional_edges("approval", nodes.after_approval)
    g.add_edge("press", "act")
    g.add_edge("judge", "finish")
    for end in ("reject", "finish"):
        g.add_edge(end, END)
    return g.compile(checkpointer=checkpointer)
