"""Fixtures for tests that drive the tax bureau replica in real Chromium: its control API (the SMS code it
sent, the figures it pre-fills) and a replica process per test module, reset before each test."""
from __future__ import annotations

import httpx
import pytest

from tests.sandbox_fixtures import ReplicaControl, running_replica

CURRENT_PERIOD = "2026Q3"


class EtaxControl(ReplicaControl):
    def sms_code(self) -> str | None:
        return httpx.get(f"{self.url}/__sandbox__/sms-code", timeout=10).json()["code"]

    def prefill(self, period: str, values: dict) -> None:
        self._post("prefill", {"period": period, "values": values}).raise_for_status()


@pytest.fixture(scope="module")
def replica():
    with running_replica("sandbox.etax") as control:
        yield EtaxControl(control.url)


@pytest.fixture
def tx(replica):
    """The replica as it starts: no notice pop-ups, the quarter open for filing."""
    replica.reset()
    replica.faults(notices=0, current_period=CURRENT_PERIOD)
    return replica
