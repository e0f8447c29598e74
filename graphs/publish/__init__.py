"""The site-agnostic publish workflow: validate → session → fill → approval → submit → verify."""
from graphs.publish.graph import build

__all__ = ["build"]
