"""The listing workflow: one product into the shop, approved first, verified by its item id."""
from graphs.listing.graph import build

__all__ = ["build"]
