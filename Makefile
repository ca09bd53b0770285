# Two commands for a newcomer: `make demo` and `make test`. CI runs `make test` (.ci/run).
#
# The range of ansible-core that meta/runtime.yml declares is tested at both ends: the oldest release on
# Python 3.11 (.venv-oldest) and the newest on Python 3.12 or 3.13 (.venv, which also runs the demo and the
# linters). Each stage of `make test` writes its output to .build/logs/STAGE.log and prints one line; a failed
# stage prints the end of its log.
NEWEST_PYTHON ?= $(shell hacking/find-python.sh 3.13 3.12)
OLDEST_PYTHON ?= $(shell hacking/find-python.sh 3.11)
NEWEST_CORE ?= 2.21
OLDEST_CORE ?= 2.16
VENV ?= .venv
OLDEST_VENV ?= .venv-oldest
BIN := $(VENV)/bin
OLDEST_BIN := $(OLDEST_VENV)/bin
STAGE := hacking/stage.sh
# The reference env parser, dotenv 16.4.5, for the differential tests of ours (needs node and npm).
DOTENV := .build/node/node_modules/dotenv/package.json
TESTS := tests/unit tests/integration tests/test_collection.py tests/test_awx.py tests/test_docs.py tests/test_build.py
# On the oldest ansible-core: everything that meets ansible-core's interfaces (argument specs, the action and inventory
# plugins, the lookup, roles, playbooks, check and diff mode, warnings, handlers, ansible-doc, the built tarball), one
# lifecycle of each kind of object and one refused input of each module; the other per-resource lifecycles and the
# rest of the bad-input matrix run the same code through the same interfaces, on the newest only, to keep
# `make test` short. The docs' own checks (tests/test_docs.py) read files only and run once; the README's install path
# (the tarball into a new virtualenv with pip's newest ansible-core) runs on the newest.
OLDEST_TESTS := tests/unit tests/test_collection.py tests/test_awx.py tests/test_build.py::test_tarball_holds_what_runs_and_nothing_for_developers \
	$(addprefix tests/integration/,test_action_plugin.py test_inventory.py test_dokploy_info.py test_roles_playbooks.py \
	  test_check_mode_empty.py test_demo.py test_guards_and_messages.py test_connection_options.py \
	  test_stack.py test_env.py test_deploy.py test_client_faults.py) \
	$(addprefix tests/integration/test_bad_input.py::,test_bad_input_is_refused_in_check_mode \
	  test_an_app_refused_with_create_project_leaves_no_project) \
	$(addprefix tests/integration/test_app_db_domain.py::,test_app_lifecycle test_app_values_are_converted_and_secrets_masked \
	  test_app_diff_shows_only_the_changed_option test_app_bad_input_is_refused_before_any_request test_db_lifecycle \
	  test_idle_database_password_change_warns test_domain_lifecycle)

# Python caches the bytecode of what it imports (a fresh compile of the simulator, the tests and the plugins costs
# every process that imports them), in .build rather than beside the sources; some shells turn that cache off.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/.build/pycache

.PHONY: help venv venvs demo docs test test-remote pytest pytest-oldest contract changelog lint sanity sanity-oldest \
        test-stages clean

help:
	@echo "make demo   run playbooks/demo.yml twice against the bundled Dokploy simulator"
	@echo "make test   everything CI runs (about 9 minutes on 2 cores once the virtualenvs exist)"
	@echo "make docs   the docs site (plugin reference and guides) into .build/docs, and its lint"

# A virtualenv per end of the range; the stamp names the ansible-core series, so changing it rebuilds the venv.
$(VENV)/.installed-$(NEWEST_CORE): requirements.txt requirements-dev.txt
	@test -n "$(NEWEST_PYTHON)" || { echo "Python 3.12 or 3.13 is needed for ansible-core $(NEWEST_CORE) (see README)"; exit 2; }
	rm -rf $(VENV) && $(NEWEST_PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt "ansible-core==$(NEWEST_CORE).*"
	touch $@

$(OLDEST_VENV)/.installed-$(OLDEST_CORE): requirements.txt requirements-test.txt
	@test -n "$(OLDEST_PYTHON)" || { echo "Python 3.11 is needed for ansible-core $(OLDEST_CORE) (see README)"; exit 2; }
	rm -rf $(OLDEST_VENV) && $(OLDEST_PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_BIN)/python -m pip install --quiet --upgrade pip
	$(OLDEST_BIN)/python -m pip install --quiet -r requirements-test.txt "ansible-core==$(OLDEST_CORE).*"
	touch $@

venv: $(VENV)/.installed-$(NEWEST_CORE)

venvs: venv $(OLDEST_VENV)/.installed-$(OLDEST_CORE) $(DOTENV)

demo: venv
	VENV=$(VENV) bash hacking/demo.sh

# Its own venv, .venv-docs, from requirements-docs.txt; no network needed once that is installed.
docs:
	PYTHON=$(OLDEST_PYTHON) hacking/build-docs.sh

$(DOTENV):
	npm install --prefix .build/node --no-save --no-audit --no-fund --silent dotenv@16.4.5

# Two stages at a time: the newest pytest run (three workers, often waiting on the simulator) beside the others in
# turn, single-threaded sanity first, so that both cores stay busy to the end. Each stage prints its line when done.
test:
	@$(STAGE) venvs $(MAKE) --no-print-directory -j3 venvs
	@$(MAKE) --no-print-directory -k -j2 test-stages || { echo "make test: FAILED (logs in .build/logs)"; exit 1; }
	@echo "make test: all checks passed"

test-stages: pytest sanity sanity-oldest changelog lint pytest-oldest contract

# Unit and integration tests (the integration tests run ansible and ansible-playbook against the simulator).
pytest: venvs
	@$(STAGE) pytest-$(NEWEST_CORE) $(BIN)/python -m pytest -n 3 -q -p no:cacheprovider $(TESTS)

pytest-oldest: venvs
	@$(STAGE) pytest-$(OLDEST_CORE) $(OLDEST_BIN)/python -m pytest -n 3 -q -p no:cacheprovider $(OLDEST_TESTS)

# The integration tests against a real Dokploy (tests/README.md): they create and remove projects in the organization
# of DOKPLOY_TEST_API_KEY. Simulator-only tests, and without DOKPLOY_TEST_SECOND_ORG_KEY the second organization's,
# are skipped with their reason.
test-remote: venv
	@test -n "$$DOKPLOY_TEST_URL" -a -n "$$DOKPLOY_TEST_API_KEY" || \
	  { echo "test-remote: set DOKPLOY_TEST_URL and DOKPLOY_TEST_API_KEY (see tests/README.md)"; exit 2; }
	$(BIN)/python -m pytest -n 2 -rs tests/integration

# The simulator: its own behaviours, then the replay of the real server's transcripts (prints the fidelity line).
contract: venv
	@$(STAGE) contract $(BIN)/python -m pytest -n 2 -q -p no:cacheprovider tests/simulator tests/contract

changelog: venv
	@$(STAGE) changelog $(BIN)/antsibull-changelog lint

lint: venv
	@$(STAGE) ansible-lint $(BIN)/ansible-lint playbooks roles

sanity: venv
	@$(STAGE) sanity-$(NEWEST_CORE) hacking/sanity.sh $(BIN)

# On the oldest ansible-core, what the tarball ships (tests/ is not shipped: the newest's sanity checks it all).
SHIPPED := plugins/ roles/ playbooks/ meta/ docs/ extensions/ changelogs/ README.md LICENSE galaxy.yml requirements.txt

sanity-oldest: venvs
	@$(STAGE) sanity-$(OLDEST_CORE) hacking/sanity.sh $(OLDEST_BIN) $(SHIPPED)


clean:
	rm -rf .build collections tests/output .pytest_cache
