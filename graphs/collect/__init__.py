"""A collection run: one account's numbers read from its site's data pages and stored (``metrics``)."""
from graphs.collect.graph import build

__all__ = ["build"]
