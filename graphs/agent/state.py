"""State of the errand workflow (one LangGraph thread per run; thread id = run id)."""
from __future__ import annotations

from typing import TypedDict


class AgentInput(TypedDict):
    run_id: str


class AgentState(TypedDict, total=False):
    run_id: str
    content: dict
    """The errand as the owner confirmed it (``errands.task.Errand`` as JSON)."""
    needs_login: bool
    url: str
    """Where the agent is (or goes on from): the start page, then wherever the last stretch left it."""
    trail: list[dict]
    """The agent's steps since its last approved click (``rpa.agent_guard``), replayed to bring the page back."""
    held: dict | None
    """The irreversible click waiting for the owner: {"target", "action", "announced", "url"}."""
    note: str
    """Told to the agent when it goes on (after an approved click)."""
    presses: int
    """Approved clicks made so far; each has its ledger entry ``agent<n>``."""
    steps: int
    tokens: int
    cost: float
    """... yuan (0 when the model has no price)."""
    seconds: float
    """Budget used by the stretches so far (the owner's wait not counted)."""
    finished: dict
    """The agent's last word: {"text", "success"}."""
    verdict: dict
    """The judge's reading of the final page: {"passed", "reason", "answer"}."""
    recording: list[dict]
    """Every step of the run in order, approved clicks as ``press`` markers: what a 技能 saved from it replays."""
    skill_at: int
    """A 技能's run: the next of its steps to replay."""
    skill_fell_back: bool
    """A 技能's step no longer matched: the model finishes the errand (and the judge is the model's)."""
    taken_over: bool
    """The owner took the page over at a card (接管) and worked it herself: no 技能 is saved from this run."""
    fields: dict
    screenshot_id: str
    decision: dict | None
