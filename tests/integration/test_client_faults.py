"""The shared client against a simulator that drops, stalls and fails requests like a flaky proxy."""

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient, DokployError
from tests.conftest import API_KEY
from tests.simulator.harness import Simulator

CALLS = 20

pytestmark = pytest.mark.simulator_only("fault injection (--fault-rate) on a simulator of its own")


@pytest.fixture
def flaky():
    with Simulator() as sim:
        sim.start(API_KEY, extra_args=["--fault-rate", "0.3", "--fault-seed", "7", "--stall-seconds", "3"])
        yield sim


def outcomes(call):
    """Run ``call`` CALLS times; every failure must be a DokployError, never another exception."""
    results = []
    for _attempt in range(CALLS):
        try:
            call()
            results.append("ok")
        except DokployError as exc:
            assert API_KEY not in str(exc)
            results.append(str(exc))
    return results


def test_reads_ride_out_transient_faults(flaky):
    client = DokployClient(flaky.base_url, API_KEY, timeout=1, backoff_factor=0)
    results = outcomes(lambda: client.query("project.all"))
    faults = [r for r in flaky.requests() if r["status"] != 200]
    assert faults, "the simulator injected no fault: the test proves nothing"
    assert results.count("ok") >= CALLS - 1, results
    assert len(flaky.requests()) > CALLS  # the faulted reads were retried


def test_writes_are_sent_exactly_once_even_when_they_fault(flaky):
    client = DokployClient(flaky.base_url, API_KEY, timeout=1, backoff_factor=0)
    results = outcomes(lambda: client.mutate("project.create", {"name": "fault-probe"}))
    failed = [r for r in results if r != "ok"]
    assert failed, "no write faulted: the test proves nothing"
    writes = [r for r in flaky.requests() if r["method"] == "POST"]
    assert len(writes) == CALLS
    for message in failed:
        assert message.startswith("project.create: ")
