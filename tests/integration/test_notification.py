"""dokploy_notification against the simulator.

The simulator models Dokploy's notification.test<Type>Connection: a ``simulator-fail`` word in any text of the
request (the webhook URL, the SMTP server, the endpoint...) makes it fail as a real server with nothing listening.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle

HOOK_TOKEN = "T0Hook-Secret-8813"
WEBHOOK = "https://hooks.example.test/services/%s" % HOOK_TOKEN
BOT_TOKEN = "123456:Bot-Secret-5521"
SMTP_PASSWORD = "smtp-Secret-pw-3390"
APP_TOKEN = "gotify-Secret-7782"
NTFY_TOKEN = "tk_ntfy-Secret-6647"
HEADER_VALUE = "Bearer hdr-Secret-2291"
SECRETS = [HOOK_TOKEN, BOT_TOKEN, SMTP_PASSWORD, APP_TOKEN, NTFY_TOKEN, HEADER_VALUE]

SETTINGS = {
    "slack": {"webhook_url": WEBHOOK, "channel": "#ops"},
    "discord": {"webhook_url": WEBHOOK, "decoration": True},
    "telegram": {"bot_token": BOT_TOKEN, "chat_id": "-1001234567890"},
    "email": {"smtp_server": "smtp.example.test", "smtp_port": 587, "username": "dokploy", "password": SMTP_PASSWORD,
              "from_address": "Dokploy <dokploy@example.test>", "to_addresses": ["ops@example.test"]},
    "gotify": {"server_url": "https://gotify.example.test", "app_token": APP_TOKEN, "priority": 5},
    "ntfy": {"server_url": "https://ntfy.example.test", "topic": "dokploy", "access_token": NTFY_TOKEN},
    "custom": {"endpoint": "https://hooks.example.test/dokploy", "headers": {"Authorization": HEADER_VALUE}},
}
# One setting changed per type (check_lifecycle: exactly one option in the diff).
UPDATES = {
    "slack": {"channel": "#alerts"},
    "discord": {"decoration": False},
    "telegram": {"chat_id": "-1009999"},
    "email": {"smtp_port": 465},
    "gotify": {"priority": 8},
    "ntfy": {"priority": 5},
    "custom": {"endpoint": "https://hooks.example.test/other"},
}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def args_for(kind, **extra):
    return dict({"name": unique("notif-%s" % kind), "type": kind, "events": ["app_deploy", "app_build_error"],
                 kind: dict(SETTINGS[kind])}, **extra)


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


def stored(sim, notification_id):
    return client(sim).query_object("notification.one", notificationId=notification_id)


def named(sim, name):
    return [n for n in client(sim).query_list("notification.all") if n["name"] == name]


@pytest.mark.parametrize("kind", sorted(SETTINGS))
def test_lifecycle(sim, run_module, kind):
    args = args_for(kind)
    update = {kind: dict(SETTINGS[kind], **UPDATES[kind])}
    object_id = check_lifecycle(run_module, "dokploy_notification", args, update, "notification", secrets=SECRETS)
    assert named(sim, args["name"]) == []
    assert object_id


def test_create_result_diff_and_stored_values(sim, run_module):
    args = args_for("custom", events=["server_threshold", "app_deploy"])
    dry = run_module("dokploy_notification", args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"]["after"]["custom.headers"] == "********", dry
    assert dry.result["diff"]["after"]["custom.endpoint"] == "https://hooks.example.test/dokploy", dry

    created = run_module("dokploy_notification", args)
    assert created.changed is True and created.writes == ["notification.createCustom"], created
    shown = created.result["notification"]
    assert shown["name"] == args["name"] and shown["notificationType"] == "custom"
    assert shown["custom"]["headers"] == {"Authorization": "********"}, shown
    assert sorted(shown["events"]) == ["app_deploy", "server_threshold"]
    assert "slack" not in shown and "slackId" not in shown  # the other types' empty relations are left out
    record = stored(sim, created.result["id"])
    assert record["custom"]["headers"] == {"Authorization": HEADER_VALUE}
    assert record["appDeploy"] is True and record["serverThreshold"] is True and record["appBuildError"] is False

    # Headers given are exactly the headers stored; the change is masked in the diff.
    changed = run_module("dokploy_notification", dict(args, custom={"headers": {"X-Team": "ops-Secret-4410"}}))
    assert changed.changed is True and changed.writes == ["notification.updateCustom"], changed
    assert changed.result["diff"] == {"before": {"custom.headers": "********"},
                                      "after": {"custom.headers": "********"}}, changed
    record = stored(sim, created.result["id"])
    assert record["custom"]["headers"] == {"X-Team": "ops-Secret-4410"}
    assert record["custom"]["endpoint"] == "https://hooks.example.test/dokploy"
    for run in (dry, created, changed):
        assert_no_secret(run, SECRETS + ["ops-Secret-4410"])


def test_events_given_are_exactly_the_events_on(sim, run_module):
    args = args_for("slack", events=["app_deploy", "database_backup", "dokploy_backup"])
    created = run_module("dokploy_notification", args)
    assert created.changed is True, created
    notification_id = created.result["id"]
    record = stored(sim, notification_id)
    on = sorted(flag for flag in ("appDeploy", "appBuildError", "databaseBackup", "volumeBackup", "dokployRestart",
                                  "dokployBackup", "dockerCleanup", "serverThreshold") if record[flag])
    assert on == ["appDeploy", "databaseBackup", "dokployBackup"], record

    # The same events in another order are no change.
    same = run_module("dokploy_notification", dict(args, events=["dokploy_backup", "app_deploy", "database_backup"]))
    assert same.changed is False and same.writes == [], same

    changed = run_module("dokploy_notification", dict(args, events=["volume_backup", "app_deploy"]))
    assert changed.changed is True and changed.writes == ["notification.updateSlack"], changed
    assert changed.result["diff"]["before"] == {"events": ["app_deploy", "database_backup", "dokploy_backup"]}
    assert sorted(changed.result["diff"]["after"]["events"]) == ["app_deploy", "volume_backup"]
    record = stored(sim, notification_id)
    assert record["volumeBackup"] is True and record["appDeploy"] is True
    assert record["databaseBackup"] is False and record["dokployBackup"] is False
    assert record["slack"]["webhookUrl"] == WEBHOOK and record["slack"]["channel"] == "#ops"

    # events left out: the stored ones stay; events: [] turns them all off.
    untouched = run_module("dokploy_notification", {"name": args["name"], "slack": {"channel": "#ops"}})
    assert untouched.changed is False and untouched.writes == [], untouched
    cleared = run_module("dokploy_notification", {"name": args["name"], "events": []})
    assert cleared.changed is True and cleared.writes == ["notification.updateSlack"], cleared
    assert stored(sim, notification_id)["appDeploy"] is False and stored(sim, notification_id)["volumeBackup"] is False
    for run in (created, same, changed, untouched, cleared):
        assert_no_secret(run, SECRETS)


def test_ntfy_token_kept_when_other_settings_change(sim, run_module):
    # Dokploy's updateNtfy clears the access token it is not sent: the module sends the stored one back.
    args = args_for("ntfy")
    created = run_module("dokploy_notification", args)
    notification_id = created.result["id"]
    changed = run_module("dokploy_notification", {"name": args["name"], "ntfy": {"topic": "deploys"}})
    assert changed.changed is True and changed.writes == ["notification.updateNtfy"], changed
    record = stored(sim, notification_id)
    assert record["ntfy"]["topic"] == "deploys" and record["ntfy"]["accessToken"] == NTFY_TOKEN, record
    assert record["ntfy"]["priority"] == 3  # the default at create, kept

    # An events-only change sends every setting back too (Dokploy refuses an update without one).
    events = run_module("dokploy_notification", {"name": args["name"], "events": ["docker_cleanup"]})
    assert events.changed is True and events.writes == ["notification.updateNtfy"], events
    record = stored(sim, notification_id)
    assert record["dockerCleanup"] is True and record["ntfy"]["accessToken"] == NTFY_TOKEN, record

    rotated = run_module("dokploy_notification", {"name": args["name"], "ntfy": {"access_token": "tk-New-9931"}})
    assert rotated.changed is True and rotated.result["diff"] == {"before": {"ntfy.access_token": "********"},
                                                                  "after": {"ntfy.access_token": "********"}}
    assert stored(sim, notification_id)["ntfy"]["accessToken"] == "tk-New-9931"
    for run in (created, changed, events, rotated):
        assert_no_secret(run, SECRETS + ["tk-New-9931"])


def test_update_writes_the_notifications_own_child(sim, run_module):
    first = args_for("slack")
    second = args_for("slack", slack={"webhook_url": "https://hooks.example.test/other", "channel": "#second"})
    first_id = run_module("dokploy_notification", first).result["id"]
    second_id = run_module("dokploy_notification", second).result["id"]
    changed = run_module("dokploy_notification", dict(first, slack={"channel": "#changed"}))
    assert changed.changed is True and changed.writes == ["notification.updateSlack"], changed
    one, other = stored(sim, first_id), stored(sim, second_id)
    assert one["slack"]["channel"] == "#changed" and one["slack"]["webhookUrl"] == WEBHOOK
    assert other["slack"]["channel"] == "#second" and other["slack"]["webhookUrl"] == "https://hooks.example.test/other"
    assert_no_secret(changed, SECRETS)


def test_type_cannot_change(sim, run_module):
    args = args_for("slack")
    created = run_module("dokploy_notification", args)
    refused = run_module("dokploy_notification", dict(args_for("discord"), name=args["name"]))
    assert refused.failed and refused.writes == [], refused
    msg = refused.result["msg"]
    assert msg.startswith("option type:") and "is of type slack" in msg, msg
    for check in (False, True):
        absent = run_module("dokploy_notification", {"name": args["name"], "type": "discord", "state": "absent"},
                            check=check)
        assert absent.failed and absent.writes == [], absent
        assert absent.result["msg"].startswith("option type:"), absent
    assert stored(sim, created.result["id"])["notificationType"] == "slack"
    for run in (created, refused):
        assert_no_secret(run, SECRETS)


def test_type_taken_from_the_settings_option_or_the_notification(sim, run_module):
    args = args_for("gotify")
    del args["type"]
    created = run_module("dokploy_notification", args)
    assert created.changed is True and created.writes == ["notification.createGotify"], created
    # Only name and events: the type is the existing notification's.
    changed = run_module("dokploy_notification", {"name": args["name"], "events": ["dokploy_restart"]})
    assert changed.changed is True and changed.writes == ["notification.updateGotify"], changed
    record = stored(sim, created.result["id"])
    assert record["dokployRestart"] is True and record["gotify"]["appToken"] == APP_TOKEN
    refused = run_module("dokploy_notification", {"name": args["name"], "events": ["server_threshold"]})
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"].startswith("option events:"), refused
    missing = run_module("dokploy_notification", {"name": unique("notype"), "events": ["app_deploy"]})
    assert missing.failed and missing.writes == [], missing
    assert missing.result["msg"].startswith("option type: required to create"), missing
    for run in (created, changed, refused, missing):
        assert_no_secret(run, SECRETS)


def test_test_message_before_create_and_settings_change(sim, run_module):
    args = args_for("email", test=True)
    created = run_module("dokploy_notification", args)
    assert created.writes == ["notification.testEmailConnection", "notification.createEmail"], created
    unchanged = run_module("dokploy_notification", args)
    assert unchanged.changed is False and unchanged.writes == [], unchanged
    dry = run_module("dokploy_notification", dict(args, email=dict(SETTINGS["email"], smtp_port=465)), check=True)
    assert dry.changed is True and dry.writes == [], dry
    changed = run_module("dokploy_notification", dict(args, email=dict(SETTINGS["email"], smtp_port=465)))
    assert changed.writes == ["notification.testEmailConnection", "notification.updateEmail"], changed
    assert stored(sim, created.result["id"])["email"]["smtpPort"] == 465
    # A change of events alone sends no test message.
    events = run_module("dokploy_notification", dict(args, email=dict(SETTINGS["email"], smtp_port=465),
                                                     events=["app_deploy"]))
    assert events.writes == ["notification.updateEmail"], events
    for run in (created, unchanged, dry, changed, events):
        assert_no_secret(run, SECRETS)


@pytest.mark.simulator_only("a simulator-fail word in the request makes the simulated test message fail")
@pytest.mark.parametrize("kind,failing", [
    ("slack", {"webhook_url": "https://simulator-fail.example.test/%s" % HOOK_TOKEN}),
    ("email", {"smtp_server": "simulator-fail.example.test"}),
    ("ntfy", {"server_url": "https://simulator-fail.example.test"}),
    ("custom", {"endpoint": "https://simulator-fail.example.test/hook"}),
])
def test_failed_test_message_stores_nothing(sim, run_module, kind, failing):
    args = args_for(kind, test=True)
    args[kind].update(failing)
    failed = run_module("dokploy_notification", args)
    suffix = kind.capitalize()
    assert failed.failed and failed.writes == ["notification.test%sConnection" % suffix], failed
    msg = failed.result["msg"]
    assert msg.startswith("option test:") and "was not created" in msg and "nothing was stored" in msg, msg
    assert named(sim, args["name"]) == []
    assert_no_secret(failed, SECRETS)

    # A change of an existing notification whose test fails is not stored either.
    good = args_for(kind, name=args["name"])
    made = run_module("dokploy_notification", good)
    assert made.changed is True and made.writes == ["notification.create%s" % suffix], made
    refused = run_module("dokploy_notification", dict(good, test=True, **{kind: dict(good[kind], **failing)}))
    assert refused.failed and refused.writes == ["notification.test%sConnection" % suffix], refused
    assert refused.result["msg"].startswith("option test:") and "was not changed" in refused.result["msg"], refused
    record = stored(sim, made.result["id"])[kind]
    first_key = next(iter(failing))
    assert "simulator-fail" not in str(record), (first_key, record)
    for run in (made, refused):
        assert_no_secret(run, SECRETS)


def test_duplicate_names_fail_closed(sim, run_module):
    name = unique("dup")
    body = {"name": name, "endpoint": "https://hooks.example.test/x", "headers": {"Authorization": HEADER_VALUE}}
    for _copy in range(2):
        client(sim).mutate("notification.createCustom", body)
    ids = [n["notificationId"] for n in named(sim, name)]
    assert len(ids) == 2
    ambiguous = run_module("dokploy_notification", {"name": name, "events": ["app_deploy"]})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert "option name: 2 notifications are named %r" % name in ambiguous.result["msg"], ambiguous
    by_id = run_module("dokploy_notification", {"name": ids[1], "state": "absent"})
    assert by_id.changed is True and by_id.writes == ["notification.remove"], by_id
    assert [n["notificationId"] for n in named(sim, name)] == [ids[0]]
    renamed = run_module("dokploy_notification", {"name": ids[0], "custom": {"endpoint": "https://hooks.example.test/y"}})
    assert renamed.changed is True and renamed.result["notification"]["name"] == name, renamed  # by id: not renamed
    for run in (ambiguous, by_id, renamed):
        assert_no_secret(run, SECRETS)


@pytest.mark.parametrize("missing", ["slack", "slack.webhook_url"])
def test_create_needs_the_type_settings(run_module, missing):
    args = args_for("slack")
    if missing == "slack":
        del args["slack"]
    else:
        del args["slack"]["webhook_url"]
    run = run_module("dokploy_notification", args)
    assert run.failed and run.writes == [] and len(run.reads) <= 1, run
    assert run.result["msg"].startswith("option %s: required to create" % missing), run


BAD = [
    ("slack", {"type": "discord"}, "slack"),
    ("slack", {"discord": {"decoration": True}}, "discord"),
    ("slack", {"slack": {"webhook_url": "ftp://hooks.example.test/x"}}, "slack.webhook_url"),
    ("slack", {"slack": {"webhook_url": "hooks.example.test/x"}}, "slack.webhook_url"),
    ("discord", {"discord": {"webhook_url": "https://"}}, "discord.webhook_url"),
    ("email", {"email": dict(SETTINGS["email"], smtp_port=0)}, "email.smtp_port"),
    ("email", {"email": dict(SETTINGS["email"], smtp_port=70000)}, "email.smtp_port"),
    ("email", {"email": dict(SETTINGS["email"], to_addresses=[])}, "email.to_addresses"),
    ("email", {"email": dict(SETTINGS["email"], to_addresses=["not-an-address"])}, "email.to_addresses"),
    ("email", {"email": dict(SETTINGS["email"], from_address="dokploy")}, "email.from_address"),
    ("email", {"email": dict(SETTINGS["email"], smtp_server="smtp://smtp.example.test")}, "email.smtp_server"),
    ("email", {"email": dict(SETTINGS["email"], password="")}, "email.password"),
    ("ntfy", {"ntfy": dict(SETTINGS["ntfy"], priority=6)}, "ntfy.priority"),
    ("ntfy", {"ntfy": dict(SETTINGS["ntfy"], priority=0)}, "ntfy.priority"),
    ("ntfy", {"ntfy": dict(SETTINGS["ntfy"], topic="my topic")}, "ntfy.topic"),
    ("gotify", {"gotify": dict(SETTINGS["gotify"], priority=11)}, "gotify.priority"),
    ("gotify", {"events": ["server_threshold"]}, "events"),
    ("telegram", {"telegram": dict(SETTINGS["telegram"], chat_id="ops chat")}, "telegram.chat_id"),
    ("telegram", {"telegram": dict(SETTINGS["telegram"], message_thread_id="x1")}, "telegram.message_thread_id"),
    ("custom", {"custom": {"endpoint": "https://h.example.test", "headers": {"Bad Name": "x"}}}, "custom.headers"),
    ("custom", {"custom": {"endpoint": "https://h.example.test", "headers": {"X-A": "a\nb"}}}, "custom.headers"),
    ("slack", {"name": "  "}, "name"),
]


@pytest.mark.parametrize("kind,bad,option", BAD, ids=["%s-%s" % (b[0], b[2]) + str(i) for i, b in enumerate(BAD)])
def test_bad_input_refused_before_any_request(run_module, kind, bad, option):
    for check in (False, True):
        run = run_module("dokploy_notification", args_for(kind, test=True, **bad), check=check)
        assert run.failed and run.writes == [] and run.reads == [], run
        assert run.result["msg"].startswith("option %s:" % option), run
        assert_no_secret(run, SECRETS)


@pytest.mark.parametrize("bad,option", [
    ({"events": ["app_deploy", "deploy_done"]}, "events"),
    ({"email": dict(SETTINGS["email"], smtp_port="smtp")}, "smtp_port"),
    ({"type": "teams"}, "type"),
])
def test_bad_values_refused_by_the_argument_spec(run_module, bad, option):
    run = run_module("dokploy_notification", args_for("email", **bad))
    assert run.failed and run.writes == [] and run.reads == [], run
    assert option in run.result["msg"], run
    assert_no_secret(run, SECRETS)


def test_rerun_reads_little(sim, run_module):
    args = args_for("telegram", events=["app_deploy"])
    run_module("dokploy_notification", args)
    again = run_module("dokploy_notification", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again
    assert again.result["notification"]["telegram"]["botToken"] == "********", again
    assert_no_secret(again, SECRETS)


def test_other_types_only_removed(sim, run_module):
    # A type this module does not manage (teams): named without type, it can be removed, not changed.
    name = unique("teams")
    client(sim).mutate("notification.createTeams", {
        "name": name, "webhookUrl": WEBHOOK, "appDeploy": True, "appBuildError": False, "databaseBackup": False,
        "volumeBackup": False, "dokployRestart": False, "dokployBackup": False, "dockerCleanup": False,
        "serverThreshold": False})
    refused = run_module("dokploy_notification", {"name": name, "events": []})
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"].startswith("option type:") and "is of type teams" in refused.result["msg"], refused
    removed = run_module("dokploy_notification", {"name": name, "state": "absent"})
    assert removed.changed is True and removed.writes == ["notification.remove"], removed
    assert named(sim, name) == []
    for run in (refused, removed):
        assert_no_secret(run, SECRETS)
