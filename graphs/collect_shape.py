"""The shape of a collection run (运营管家): read the numbers from the site's data pages, store them.

    read ─▶ store ─▶ done
      └─▶ (session dead: the run fails, the account is marked 需要登录) ─▶ end

Read-only: no node writes a ledger entry or presses anything on the site, so a collection that crashes
anywhere is simply run again. Beside ``graphs.shape`` (forms) and ``graphs.inbound_shape`` (inboxes).
"""
from __future__ import annotations

from types import ModuleType

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from graphs.context import RunContext


def collect_workflow(state: type, input_schema: type, nodes: ModuleType,
                     checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(state, context_schema=RunContext, input_schema=input_schema)
    for name in ("read", "store", "done"):
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "read")
    g.add_conditional_edges("read", nodes.after_read)
    g.add_edge("store", "done")
    g.add_edge("done", END)
    return g.compile(checkpointer=checkpointer)
