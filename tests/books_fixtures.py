"""The books on a real database: a workspace with its finance assistant and the owner's tax id (the invoice
samples' own company), for reading invoices into records and computing reports and returns from them."""
from __future__ import annotations

import pytest

from core.db import session_factory, transaction
from core.models import Employee, Workspace
from core.storage import LocalStorage
from tests.invoice_fixtures import OWN_TAX_ID
from tests.pg_fixtures import stack_database_url


@pytest.fixture
def books_db(tmp_path):
    """(session factory, workspace id, the store the uploads go to: a data dir of its own)."""
    factory = session_factory(stack_database_url() or f"sqlite:///{tmp_path / 'books.db'}")
    with transaction(factory) as s:
        ws = Workspace(name="青禾文化")
        s.add(ws)
        s.flush()
        s.add(Employee(workspace_id=ws.id, role="finance", name="财务助手", mode="auto",
                       settings={"tax_id": OWN_TAX_ID}))
        ws_id = ws.id
    return factory, ws_id, LocalStorage(tmp_path / "data")
