"""Fixtures and the fidelity summary for the contract test."""

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "simulator"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Simulator  # noqa: E402


class Fidelity:
    """Step counts: one per test, added up over the run (from every xdist worker) and printed at the end."""

    def __init__(self):
        self.total = 0
        self.identical = 0
        self.excused = {}

    def add(self, counts):
        self.total += counts["total"]
        self.identical += counts["identical"]
        self.excused.update(counts["excused"])

    def line(self):
        # Every step that is neither identical nor excused fails its transcript's test.
        return (f"replayed {self.identical}/{self.total} steps identical, "
                f"{len(self.excused)} excused (values the server generates), "
                f"{self.total - self.identical - len(self.excused)} different")


FIDELITY = Fidelity()


@pytest.fixture
def fidelity(request):
    counts = Fidelity()
    yield counts
    # Reports carry user_properties from xdist workers to the process that prints the summary.
    request.node.user_properties.append(("fidelity", {"total": counts.total, "identical": counts.identical,
                                                      "excused": counts.excused}))


def pytest_runtest_logreport(report):
    if report.when == "teardown":
        for name, counts in report.user_properties:
            if name == "fidelity":
                FIDELITY.add(counts)


@pytest.fixture
def simulator_factory():
    """Start simulators for a test; all are stopped at its end."""
    started = []

    def start(*args, **kwargs):
        sim = Simulator().start(*args, **kwargs)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def pytest_terminal_summary(terminalreporter):
    if not FIDELITY.total:
        return
    terminalreporter.write_sep("=", "Dokploy contract")
    terminalreporter.write_line(FIDELITY.line())
    for step, reason in sorted(FIDELITY.excused.items()):
        terminalreporter.write_line(f"  excused {step}: {reason}")
