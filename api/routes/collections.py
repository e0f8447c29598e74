"""Collections (运营管家 reads the numbers): start one for an account now. Nightly ones start by themselves."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DbDep, OwnerDep, SettingsDep, WorkspaceDep
from api.scoped import owned
from api.views import run_view
from core.models import Account
from core.queue import enqueue_run
from graphs.collect.schedule import start_collection

router = APIRouter(prefix="/api/collections", tags=["collections"])


class CollectionAsk(BaseModel):
    account_id: str = Field(max_length=32)
    full: bool = Field(False, description="全部重读: read every post, order and refund the lists show, not only "
                                          "the ones since the last collection")


@router.post("", status_code=201)
def start(body: CollectionAsk, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Read one account's numbers from its site now (read-only: nothing on the site changes). 404 for an
    account not in the workspace; 422 for a site without data pages or a collection still running."""
    account = owned(s, Account, body.account_id, ws.id)
    run = start_collection(s, account, full=body.full)
    s.commit()
    enqueue_run(settings, run.id)
    return {"run": run_view(s, run, ws.timezone)}
