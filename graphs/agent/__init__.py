"""The errand workflow: a one-off task on a site, done by a browser agent under guard."""
from graphs.agent.graph import build

__all__ = ["build"]
