"""The cycle every resource module goes through in the tests, with the promises it must keep."""

MAX_READS_PER_TASK = 3


def assert_no_secret(run, secrets):
    for secret in secrets:
        assert secret not in run.output, "a secret leaked into the output of %r" % run


def check_lifecycle(run_module, module, args, update, result_key, secrets=(), absent_args=None):
    """check mode, create, rerun, update one field, check-mode delete, delete, delete again.

    ``args`` create the object; ``update`` is one option changed on top of them.
    Returns the created object's id.
    """
    absent_args = dict(absent_args or args, state="absent")

    dry = run_module(module, args, check=True)
    assert not dry.failed and dry.changed is True, dry
    assert dry.writes == [], dry
    assert dry.result["diff"]["before"] == {} and dry.result["diff"]["after"], dry

    created = run_module(module, args)
    assert not created.failed and created.changed is True, created
    assert created.writes, created
    assert created.result["id"], created
    object_id = created.result["id"]

    again = run_module(module, args)
    assert not again.failed and again.changed is False, again
    assert again.writes == [], again
    assert len(again.reads) <= MAX_READS_PER_TASK, again
    assert again.result["id"] == object_id

    changed = run_module(module, dict(args, **update))
    assert not changed.failed and changed.changed is True, changed
    diff = changed.result["diff"]
    assert set(diff["after"]) == set(diff["before"]) and len(diff["after"]) == 1, diff
    settled = run_module(module, dict(args, **update))
    assert settled.changed is False and settled.writes == [], settled

    dry_delete = run_module(module, absent_args, check=True)
    assert dry_delete.changed is True and dry_delete.writes == [], dry_delete

    deleted = run_module(module, absent_args)
    assert not deleted.failed and deleted.changed is True, deleted
    assert len(deleted.writes) == 1, deleted

    gone = run_module(module, absent_args)
    assert not gone.failed and gone.changed is False and gone.writes == [], gone

    for run in (dry, created, again, changed, settled, dry_delete, deleted, gone):
        assert_no_secret(run, secrets)
    return object_id


def default_environment(project):
    """The project's default environment (``isDefault``) from a ``project.all``/``project.one`` answer.

    Dokploy lists a project's environments in database row order, not creation order: never take the first one.
    """
    defaults = [e for e in project.get("environments") or [] if e.get("isDefault")]
    assert len(defaults) == 1, "project %r has %d default environments" % (project.get("name"), len(defaults))
    return defaults[0]
