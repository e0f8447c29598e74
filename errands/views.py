"""An errand's run as the phone shows it: the confirmed plan, each step the agent took, and the result."""
from __future__ import annotations

from sqlalchemy.orm import Session

from api import labels
from api.views import artifact_url
from core.models import Run
from errands.models import AgentStep


def errand_view(s: Session, run: Run, tz: str) -> dict:
    c = run.content
    steps = s.query(AgentStep).filter_by(run_id=run.id).order_by(AgentStep.n, AgentStep.at).all()
    result = c.get("result") or {}
    return {"goal": c.get("goal", ""), "done_when": c.get("done_when", ""), "forbidden": c.get("forbidden") or [],
            "instruction": c.get("instruction", ""), "reads_only": bool(c.get("reads_only")),
            "answer": result.get("answer"), "summary": result.get("summary"),
            "steps": [{"n": st.n, "page": st.url, "saw": st.saw, "decided": st.decided, "did": st.did,
                       "shot": artifact_url(st.screenshot_id), "at": labels.local_time(st.at, tz)} for st in steps]}
