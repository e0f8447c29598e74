"""The inbox sweep of one account (客服代表): read what is new, store, classify, draft, make cards."""
from graphs.inbound_sweep.graph import build

__all__ = ["build"]
