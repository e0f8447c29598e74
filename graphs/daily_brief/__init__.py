"""The owner's daily brief at the time she picked on 运营管家: once a day, in the app and to her group bots."""
from graphs.daily_brief.graph import build

__all__ = ["build"]
