# Two commands for a newcomer: `make demo` and `make test`. CI runs `make test` (.ci/run).
PYTHON ?= $(or $(shell hacking/find-python.sh 3.11),$(shell command -v python3))
# A newer ansible-core is tested too where an interpreter for it exists on the machine.
NEXT_PYTHON ?= $(shell hacking/find-python.sh 3.12 3.13)
VENV ?= .venv
NEXT_VENV ?= .venv-next
BIN := $(VENV)/bin

.PHONY: help venv demo test test-remote pytest contract changelog lint sanity next next-run clean

help:
	@echo "make demo   run playbooks/demo.yml twice against the bundled Dokploy simulator"
	@echo "make test   everything CI runs"
	@echo "make docs   the docs site (plugin reference and guides) into .build/docs, and its lint"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

demo: venv
	VENV=$(VENV) bash hacking/demo.sh

test: pytest contract changelog lint sanity next
	@echo "make test: all checks passed"

# The reference env parser, dotenv 16.4.5, for the differential tests of ours.
DOTENV := .build/node/node_modules/dotenv/package.json
$(DOTENV):
	npm install --prefix .build/node --no-save --no-audit --no-fund --silent dotenv@16.4.5

# Unit and integration tests (the integration tests run ansible-playbook against the simulator).
pytest: venv $(DOTENV)
	$(BIN)/python -m pytest -n 2 tests/unit tests/integration tests/test_collection.py tests/test_awx.py

# The integration tests against a real Dokploy (tests/README.md): they create and remove projects in the organization
# of DOKPLOY_TEST_API_KEY. Simulator-only tests, and without DOKPLOY_TEST_SECOND_ORG_KEY the second organization's,
# are skipped with their reason.
test-remote: venv
	@test -n "$$DOKPLOY_TEST_URL" -a -n "$$DOKPLOY_TEST_API_KEY" || \
	  { echo "test-remote: set DOKPLOY_TEST_URL and DOKPLOY_TEST_API_KEY (see tests/README.md)"; exit 2; }
	$(BIN)/python -m pytest -n 2 -rs tests/integration

# The simulator: its own behaviours, then the replay of the real server's transcripts (prints the fidelity line).
contract: venv
	$(BIN)/python -m pytest tests/simulator tests/contract

changelog: venv
	$(BIN)/antsibull-changelog lint

lint: venv
	$(BIN)/ansible-lint playbooks roles

sanity: venv
	$(BIN)/python hacking/ansible_test_offline_pip.py
	hacking/ansible-test.sh $(abspath $(BIN)) sanity --venv --python 3.11

next:
ifeq ($(NEXT_PYTHON),)
	@echo "next: no Python 3.12 or 3.13 on this machine, newer ansible-core not tested"
else
	$(MAKE) VENV=$(NEXT_VENV) PYTHON=$(NEXT_PYTHON) next-run
endif

# Same checks on the newest ansible-core (needs Python 3.12+).
next-run: $(DOTENV)
	test -f $(VENV)/.installed || { $(PYTHON) -m venv $(VENV) && \
	  $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/python -m pip install --quiet -r requirements.txt "ansible-core>=2.20" pytest pytest-ansible pytest-xdist hypothesis ansible-builder && \
	  touch $(VENV)/.installed; }
	$(BIN)/python -m pytest -n 2 tests/unit tests/integration tests/test_collection.py tests/test_awx.py
	$(BIN)/python hacking/ansible_test_offline_pip.py
	hacking/ansible-test.sh $(abspath $(BIN)) sanity --venv --python "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

# Its own venv, .venv-docs, from requirements-docs.txt; no network needed once that is installed.
.PHONY: docs
docs:
	PYTHON=$(PYTHON) hacking/build-docs.sh

clean:
	rm -rf .build collections tests/output .pytest_cache
