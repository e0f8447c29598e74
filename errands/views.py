"""An errand's run as the phone shows it: the confirmed plan, each step the agent took, and the result."""
from __future__ import annotations

from sqlalchemy.orm import Session

from api import labels
from api.views import artifact_url
from core.models import Run
from errands.models import AgentStep, Skill


def errand_view(s: Session, run: Run, tz: str) -> dict:
    c = run.content
    steps = s.query(AgentStep).filter_by(run_id=run.id).order_by(AgentStep.n, AgentStep.at).all()
    result = c.get("result") or {}
    typed = [st["params"]["text"] for st in result.get("recording") or []
             if st["action"] in ("input", "select_dropdown") and "<secret>" not in st["params"].get("text", "")]
    costs = [st.cost for st in steps if st.cost is not None]
    return {"goal": c.get("goal", ""), "done_when": c.get("done_when", ""), "forbidden": c.get("forbidden") or [],
            "instruction": c.get("instruction", ""), "reads_only": bool(c.get("reads_only")),
            "answer": result.get("answer"), "summary": result.get("summary"),
            "typed": list(dict.fromkeys(typed)),
            "cost": f"¥{max(costs):.2f}" if costs else None,  # the model's price unset: nothing about cost "skill": (c.get("skill") or {}).get("name"),
            "can_save": run.status == "published" and bool(result.get("recording")) and not c.get("skill"),
            "steps": [{"n": st.n, "page": st.url, "saw": st.saw, "decided": st.decided, "did": st.did,
                       "shot": artifact_url(st.screenshot_id), "at": labels.local_time(st.at, tz)} for st in steps]}


def skills_view(s: Session, workspace_id: str) -> list[dict]:
    """The workspace's skills, each with its parameters to fill, for the 让员工去做 page."""
    rows = s.query(Skill).filter_by(workspace_id=workspace_id).order_by(Skill.created_at.desc()).all()
    return [{"id": k.id, "name": k.name, "params": k.params, "account_id": k.account_id,
             "goal": k.errand.get("goal", ""), "employee_id": k.employee_id, "site_label": labels.site_label(k.site),
             "example": k.errand.get("instruction", "")} for k in rows]
