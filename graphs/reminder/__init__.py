"""A reminder the owner confirmed fires at its time: told once in the app and to her group bots."""
from graphs.reminder.graph import build

__all__ = ["build"]
