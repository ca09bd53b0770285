"""Replay every recorded Dokploy v0.30.2 transcript against the simulator.

One test case per transcript; each gets a fresh simulator. A failure names
the transcript and lists every step that differs (see replay.py for what is
compared). Steps listed in excused.json ({"file.json#label": "reason"}) may
differ without failing. The run ends with the line
`replayed N/M steps identical, K excused (...), D different` (conftest.py).

How the simulators are started, per transcript:
  * every transcript was recorded on a host without a Docker daemon, so
    every simulator runs with `--fail-deploys` (deployments end in `error`,
    database deploy/start/changePassword answer the recorded 500s) and
    `--deploy-seconds 0` (the recorded deployments had failed before the
    next request was sent);
  * registry.json was recorded against a loopback registry stub
    (`stubs.registry`, its port) accepting one user: the replay starts such a
    stub (harness.LoopbackRegistry) with the same user and maps the recorded
    `127.0.0.1:<port>` to it;
  * multi_org.json also needs a second organization: its simulator gets
    `--second-org-key`, and the project the recording server held in that
    organization ("proj-org2") is created first.
"""

import contextlib
import json
from pathlib import Path

import pytest

from harness import LoopbackRegistry
from replay import Replayer

HERE = Path(__file__).resolve().parent
TRANSCRIPTS = sorted((HERE / "transcripts").glob("*.json"))
EXCUSED = json.loads((HERE / "excused.json").read_text())

API_KEY = "contract-key-org-1"
OTHER_ORG_KEY = "contract-key-org-2"
KEYS = {"<default>": API_KEY, "<wrong>": "not-a-valid-key", "<none>": None,
        "<key of another organization>": OTHER_ORG_KEY}

NO_DOCKER_ARGS = ("--fail-deploys", "--deploy-seconds", "0", "--dokploy-version", "0.30.2")
SECOND_ORG_SEED = {"name": "proj-org2", "description": "project in org 2"}
# The user the recording's registry stub accepted (the transcript's requests log in as it).
REGISTRY_STUB_USER = ("contract-user", "contract-registry-pw-1")


def start_simulator(factory, transcript):
    if transcript.name == "multi_org.json":
        sim = factory(API_KEY, second_org_key=OTHER_ORG_KEY, extra_args=NO_DOCKER_ARGS)
        seed = Replayer(sim.base_url, {"<default>": OTHER_ORG_KEY})
        status = seed.send({"method": "POST", "path": "/api/project.create", "body": SECOND_ORG_SEED})[0]
        assert status == 200
        return sim
    return factory(API_KEY, extra_args=NO_DOCKER_ARGS)


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=[t.name for t in TRANSCRIPTS])
def test_transcript(transcript, simulator_factory, fidelity):
    recording = json.loads(transcript.read_text())
    sim = start_simulator(simulator_factory, transcript)
    replayer = Replayer(sim.base_url, KEYS)
    failures = []
    with contextlib.ExitStack() as stubs:
        if "registry" in recording.get("stubs", {}):
            registry = stubs.enter_context(LoopbackRegistry(*REGISTRY_STUB_USER))
            replayer.mapping[f"127.0.0.1:{recording['stubs']['registry']}"] = registry.address
        replay_steps(transcript, recording, replayer, fidelity, failures)
    assert not failures, f"{transcript.name}: {len(failures)} step(s) differ\n" + "\n".join(failures) + (
        "\nsimulator stderr:\n" + sim.stderr() if sim.stderr() else "")


def replay_steps(transcript, recording, replayer, fidelity, failures):
    for index, step in enumerate(recording["steps"]):
        name = f"{transcript.name}#{step['label']}"
        diffs = replayer.run_step(step)
        fidelity.total += 1
        if not diffs:
            fidelity.identical += 1
        elif name in EXCUSED:
            fidelity.excused[name] = EXCUSED[name]
        else:
            failures.append(f"step {index} {step['label']!r}:\n    " + "\n    ".join(diffs))
