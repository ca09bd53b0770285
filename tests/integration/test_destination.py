"""dokploy_destination against the simulator.

The simulator models Dokploy's destination.testConnection: a ``simulator-fail`` word in the destination's name
makes it fail, with rclone's command line (the secret key in clear, shell-quoted) in Dokploy's message.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from ansible_collections.community.dokploy.plugins.module_utils._secrets import shell_quoted
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle

SECRET = "dest-Secret-key-4821"
OTHER_SECRET = "dest-Other-key-9315"
# shell-quote escapes =, @ and : with backslashes: Dokploy's rclone error shows it that way.
QUOTED_SECRET = "Dest=Secret@Key:42/x+y"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def destination_args(**extra):
    return dict({"name": unique("dest"), "provider": "Minio", "access_key": "backup-bot", "secret_key": SECRET,
                 "bucket": "backups", "region": "us-east-1", "endpoint": "http://minio.internal:9000"}, **extra)


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


def stored(sim, destination_id):
    return next((d for d in client(sim).query_list("destination.all") if d["destinationId"] == destination_id), None)


def named(sim, name):
    return [d for d in client(sim).query_list("destination.all") if d["name"] == name]


def test_destination_lifecycle(run_module):
    check_lifecycle(run_module, "dokploy_destination", destination_args(), {"region": "eu-west-1"}, "destination",
                    secrets=[SECRET])


def test_create_update_result_and_diff(sim, run_module):
    args = destination_args(additional_flags=["--s3-sign-accept-encoding=false"])
    dry = run_module("dokploy_destination", args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"]["after"]["secret_key"] == "********", dry

    created = run_module("dokploy_destination", args)
    assert created.changed is True and created.writes == ["destination.create"], created
    destination = created.result["destination"]
    assert destination["name"] == args["name"] and destination["provider"] == "Minio"
    assert destination["secretAccessKey"] == "********" and destination["accessKey"] == "backup-bot"
    assert destination["additionalFlags"] == ["--s3-sign-accept-encoding=false"]
    assert created.result["diff"]["after"]["secret_key"] == "********"
    assert stored(sim, created.result["id"])["secretAccessKey"] == SECRET

    again = run_module("dokploy_destination", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again

    # destination.update writes every field (a missing additionalFlags as []): the flags are sent back as read.
    changed = run_module("dokploy_destination", dict(args, region="eu-west-1", additional_flags=None))
    assert changed.changed is True and changed.writes == ["destination.update"], changed
    assert changed.result["diff"] == {"before": {"region": "us-east-1"}, "after": {"region": "eu-west-1"}}, changed
    record = stored(sim, created.result["id"])
    assert record["region"] == "eu-west-1" and record["additionalFlags"] == ["--s3-sign-accept-encoding=false"]
    assert record["secretAccessKey"] == SECRET

    cleared = run_module("dokploy_destination", {"name": created.result["id"], "additional_flags": []})
    assert cleared.changed is True and cleared.writes == ["destination.update"], cleared
    assert cleared.result["destination"]["name"] == args["name"]  # named by its id: not renamed
    assert stored(sim, created.result["id"])["additionalFlags"] == []
    for run in (dry, created, again, changed, cleared):
        assert_no_secret(run, [SECRET])


def test_secret_key_compared_and_update_secret_key(sim, run_module):
    args = destination_args()
    created = run_module("dokploy_destination", args)
    rotated = run_module("dokploy_destination", dict(args, secret_key=OTHER_SECRET))
    assert rotated.changed is True and rotated.writes == ["destination.update"], rotated
    assert rotated.result["diff"] == {"before": {"secret_key": "********"}, "after": {"secret_key": "********"}}
    assert stored(sim, created.result["id"])["secretAccessKey"] == OTHER_SECRET

    kept = run_module("dokploy_destination", dict(args, update_secret_key="on_create"))
    assert kept.changed is False and kept.writes == [], kept
    other = run_module("dokploy_destination", dict(args, update_secret_key="on_create", bucket="other"))
    assert other.changed is True and other.writes == ["destination.update"], other
    assert "secret_key" not in other.result["diff"]["after"]
    record = stored(sim, created.result["id"])
    assert record["secretAccessKey"] == OTHER_SECRET and record["bucket"] == "other"
    for run in (created, rotated, kept, other):
        assert_no_secret(run, [SECRET, OTHER_SECRET])


def test_connection_tested_before_create_and_change(sim, run_module):
    args = destination_args(test=True)
    created = run_module("dokploy_destination", args)
    assert created.changed is True and created.writes == ["destination.testConnection", "destination.create"], created

    unchanged = run_module("dokploy_destination", args)
    assert unchanged.changed is False and unchanged.writes == [], unchanged
    dry = run_module("dokploy_destination", dict(args, bucket="other"), check=True)
    assert dry.changed is True and dry.writes == [], dry

    changed = run_module("dokploy_destination", dict(args, bucket="other"))
    assert changed.writes == ["destination.testConnection", "destination.update"], changed
    assert stored(sim, changed.result["id"])["bucket"] == "other"
    for run in (created, unchanged, dry, changed):
        assert_no_secret(run, [SECRET])


@pytest.mark.simulator_only("a simulator-fail word in the name makes the simulated rclone test fail")
def test_failed_test_stores_nothing_and_hides_the_secret(sim, run_module):
    args = destination_args(name=unique("simulator-fail-dest"), secret_key=QUOTED_SECRET, test=True)
    failed = run_module("dokploy_destination", args)
    assert failed.failed and failed.writes == ["destination.testConnection"], failed
    msg = failed.result["msg"]
    assert "destination %r was not created" % args["name"] in msg and "nothing was stored" in msg, msg
    assert "rclone ls" in msg and "--s3-secret-access-key=********" in msg, msg
    assert named(sim, args["name"]) == []
    # Dokploy's message holds the secret key shell-quoted (Dest\=Secret\@Key\:42/x+y): neither form may show.
    assert shell_quoted(QUOTED_SECRET) != QUOTED_SECRET
    assert_no_secret(failed, [QUOTED_SECRET, shell_quoted(QUOTED_SECRET)])

    # A change of an existing destination that fails its test is not stored either.
    made = run_module("dokploy_destination", dict(args, test=False))
    assert made.changed is True and made.writes == ["destination.create"], made
    refused = run_module("dokploy_destination", dict(args, region="eu-west-1"))
    assert refused.failed and refused.writes == ["destination.testConnection"], refused
    assert "was not changed" in refused.result["msg"], refused
    assert stored(sim, made.result["id"])["region"] == "us-east-1"
    for run in (made, refused):
        assert_no_secret(run, [QUOTED_SECRET, shell_quoted(QUOTED_SECRET)])


def test_duplicate_names_fail_closed(sim, run_module):
    name = unique("dup")
    body = {"name": name, "provider": "Minio", "accessKey": "bot", "secretAccessKey": SECRET, "bucket": "b",
            "region": "", "endpoint": "http://minio:9000", "additionalFlags": []}
    ids = [client(sim).mutate("destination.create", body)["destinationId"] for _copy in range(2)]
    ambiguous = run_module("dokploy_destination", {"name": name, "bucket": "x"})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert "option name: 2 destinations are named %r" % name in ambiguous.result["msg"], ambiguous
    by_id = run_module("dokploy_destination", {"name": ids[1], "state": "absent"})
    assert by_id.changed is True and by_id.writes == ["destination.remove"], by_id
    assert [d["destinationId"] for d in named(sim, name)] == [ids[0]]
    assert_no_secret(ambiguous, [SECRET])


@pytest.mark.parametrize("missing", ["provider", "access_key", "secret_key", "bucket", "endpoint"])
def test_create_needs_every_s3_setting(run_module, missing):
    args = destination_args(**{missing: None})
    run = run_module("dokploy_destination", dict((k, v) for k, v in args.items() if v is not None))
    assert run.failed and run.writes == [], run
    assert run.result["msg"].startswith("option %s: required to create a destination" % missing), run


BAD = [
    ({"additional_flags": ["--x=1; rm -rf /"]}, "additional_flags"),
    ({"additional_flags": ["s3-chunk-size=16M"]}, "additional_flags"),
    ({"additional_flags": ["--s3-chunk-size 16M"]}, "additional_flags"),
    ({"bucket": ""}, "bucket"),
    ({"bucket": "my bucket"}, "bucket"),
    ({"access_key": ""}, "access_key"),
    ({"secret_key": ""}, "secret_key"),
    ({"provider": "aws s3"}, "provider"),
    ({"provider": ""}, "provider"),
    ({"endpoint": "ftp://minio:9000"}, "endpoint"),
    ({"endpoint": "https://"}, "endpoint"),
    ({"endpoint": ""}, "endpoint"),
    ({"region": "us east"}, "region"),
    ({"name": "  "}, "name"),
]


@pytest.mark.parametrize("bad,option", BAD, ids=["%s=%r" % next(iter(b.items())) for b, _o in BAD])
def test_bad_input_refused_before_any_request(run_module, bad, option):
    for check in (False, True):
        run = run_module("dokploy_destination", destination_args(test=True, **bad), check=check)
        assert run.failed and run.writes == [] and run.reads == [], run
        assert run.result["msg"].startswith("option %s:" % option), run
        assert_no_secret(run, [SECRET])


def test_removal_says_which_backups_dokploy_removes_with_it(sim, run_module):
    args = destination_args()
    destination_id = run_module("dokploy_destination", args).result["id"]
    project = unique("destproj")
    assert not run_module("dokploy_project", {"name": project}).failed
    db = run_module("dokploy_db", {"project": project, "name": "db", "type": "postgres", "database_name": "app",
                                   "database_user": "app", "database_password": "db-Secret-pw-7734"})
    assert not db.failed, db
    postgres_id = db.result["id"]
    client(sim).mutate("backup.create", {"schedule": "0 3 * * *", "prefix": "nightly", "destinationId": destination_id,
                                         "database": "postgres", "databaseType": "postgres", "postgresId": postgres_id,
                                         "enabled": False})
    client(sim).mutate("volumeBackups.create", {"name": "data", "volumeName": "pgdata", "prefix": "vol",
                                                "cronExpression": "0 4 * * *", "destinationId": destination_id,
                                                "postgresId": postgres_id, "serviceType": "postgres"})
    where = "project %s, environment production" % project
    expected = ["backup of postgres db (%s)" % where, "volume backup data of postgres db (%s)" % where]

    absent = {"name": args["name"], "state": "absent"}
    dry = run_module("dokploy_destination", absent, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["removed_backups"] == expected, dry
    assert "would be removed while used by %s; Dokploy removes those backups with it" % ", ".join(expected) in dry.text
    removed = run_module("dokploy_destination", absent)
    assert removed.changed is True and removed.writes == ["destination.remove"], removed
    assert removed.result["removed_backups"] == expected
    assert "was removed while used by %s; Dokploy removes those backups" % ", ".join(expected) in removed.text
    assert client(sim).query_object("postgres.one", postgresId=postgres_id)["backups"] == []
    assert_no_secret(removed, [SECRET])
