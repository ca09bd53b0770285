"""What AWX needs: the execution environment metadata and the documented credential type."""

import re
import subprocess

import yaml

from ansible_collections.community.dokploy.plugins.module_utils._options import CONNECTION_OPTIONS
from tests.conftest import BIN, ROOT, rst_code_blocks


def test_ansible_builder_finds_the_python_requirements():
    completed = subprocess.run(
        [str(BIN / "ansible-builder"), "introspect", "--sanitize", str(ROOT / "collections")],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    python = yaml.safe_load(completed.stdout.split("---", 1)[1])["python"]
    assert any(line.startswith("requests") and "community.dokploy" in line for line in python), python


def test_credential_type_injects_the_modules_environment_variables():
    blocks = rst_code_blocks("awx.rst")
    parsed = [yaml.safe_load(block) for block in blocks]
    inputs = [b for b in parsed if "fields" in b][0]
    injectors = [b for b in parsed if "env" in b][0]
    module_env = set(name for entry in CONNECTION_OPTIONS.values() for name in entry[1])
    assert set(injectors["env"]) <= module_env
    assert {"DOKPLOY_URL", "DOKPLOY_API_KEY"} <= set(injectors["env"])
    secret_fields = [f["id"] for f in inputs["fields"] if f.get("secret")]
    assert secret_fields == ["api_key"]
    for value in injectors["env"].values():
        assert re.sub(r"\{\{ (\w+).*?\}\}", r"\1", value) in [f["id"] for f in inputs["fields"]]
