"""Posting one conversation's reply (客服代表): paced, once, read back under the item."""
from graphs.inbound_reply.graph import build

__all__ = ["build"]
