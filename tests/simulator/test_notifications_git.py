"""Simulator tests of notifications and git providers beyond the recorded transcripts.

Two simulators per module: `sim` (default: external services answer) with a second
organization, and `failing` (--fail-deploys: nothing listening, as recorded).
"""

import pytest

from tests.simulator.apitest import KEY, SECOND_KEY, call, new_application, new_project, ok
from tests.simulator.harness import Simulator

FAIL = "simulator-fail"
EVENTS = {"appDeploy": False, "appBuildError": True, "databaseBackup": False, "volumeBackup": False,
          "dokployRestart": False, "dokployBackup": False, "dockerCleanup": False}

# type -> (procedure suffix, create settings, a setting to update, its secret column or None)
TYPES = {
    "slack": ("Slack", {"webhookUrl": "http://hooks.test/s", "channel": "#ops"}, ("channel", "#dev"), None),
    "telegram": ("Telegram", {"botToken": "1:tg-token", "chatId": "-1", "messageThreadId": ""},
                 ("chatId", "-2"), "botToken"),
    "discord": ("Discord", {"webhookUrl": "http://hooks.test/d", "decoration": True}, ("decoration", False), None),
    "email": ("Email", {"smtpServer": "smtp.test", "smtpPort": 25, "username": "u", "password": "smtp-pw",
                        "fromAddress": "a@b.test", "toAddresses": ["c@d.test"]}, ("smtpPort", 587), "password"),
    "resend": ("Resend", {"apiKey": "re_key", "fromAddress": "a@b.test", "toAddresses": ["c@d.test"]},
               ("fromAddress", "x@b.test"), "apiKey"),
    "gotify": ("Gotify", {"serverUrl": "http://gotify.test", "appToken": "gotify-token", "priority": 5,
                          "decoration": False}, ("priority", 8), "appToken"),
    "ntfy": ("Ntfy", {"serverUrl": "http://ntfy.test", "topic": "t", "accessToken": "ntfy-token", "priority": 3},
             ("topic", "t2"), "accessToken"),
    "mattermost": ("Mattermost", {"webhookUrl": "http://mm.test/h", "channel": "ops", "username": "bot"},
                   ("username", "bot2"), None),
    "custom": ("Custom", {"endpoint": "http://custom.test/h", "headers": {"Authorization": "Bearer c-token"}},
               ("endpoint", "http://custom.test/h2"), "headers"),
    "lark": ("Lark", {"webhookUrl": "http://lark.test/h"}, ("webhookUrl", "http://lark.test/h2"), None),
    "pushover": ("Pushover", {"userKey": "user-key", "apiToken": "po-token", "priority": 0, "retry": None,
                              "expire": None}, ("priority", 1), "apiToken"),
    "teams": ("Teams", {"webhookUrl": "http://teams.test/h"}, ("webhookUrl", "http://teams.test/h2"), None),
}
# What a test answers when the destination is unreachable (None: Dokploy never fails it).
FAILURES = {
    "slack": "Failed to send slack notification fetch failed",
    "discord": "Failed to send discord notification fetch failed",
    "email": "Failed to send email notification connect ECONNREFUSED smtp.test:25",
    "resend": "Failed to send Resend notification Unable to fetch data. The request could not be resolved.",
    "telegram": None, "lark": None,
    "gotify": "Error testing the notification", "mattermost": "Error testing the notification",
    "pushover": "Error testing the notification",
    "ntfy": "Error testing the notification: fetch failed",
    "custom": "fetch failed",
    "teams": "Failed to send Teams notification fetch failed",
}
# The request of test<Type>Connection: the settings the schema takes.
TEST_INPUT = {"slack": ("webhookUrl", "channel"), "telegram": ("botToken", "chatId", "messageThreadId"),
              "discord": ("webhookUrl", "decoration"), "email": ("smtpServer", "smtpPort", "username", "password",
                                                                 "fromAddress", "toAddresses"),
              "resend": ("apiKey", "fromAddress", "toAddresses"), "gotify": ("serverUrl", "appToken", "priority"),
              "ntfy": ("serverUrl", "topic", "accessToken", "priority"),
              "mattermost": ("webhookUrl", "channel", "username"), "custom": ("endpoint", "headers"),
              "lark": ("webhookUrl",), "teams": ("webhookUrl",),
              "pushover": ("userKey", "apiToken", "priority")}
DESTINATION = {"slack": "webhookUrl", "telegram": "botToken", "discord": "webhookUrl", "email": "smtpServer",
               "resend": "apiKey", "gotify": "serverUrl", "ntfy": "serverUrl", "mattermost": "webhookUrl",
               "custom": "endpoint", "lark": "webhookUrl", "teams": "webhookUrl", "pushover": "userKey"}


@pytest.fixture(scope="module")
def sim():
    with Simulator() as simulator:
        simulator.start(KEY, second_org_key=SECOND_KEY, extra_args=("--deploy-seconds", "0"), request_log=False)
        yield simulator.base_url


@pytest.fixture(scope="module")
def failing():
    with Simulator() as simulator:
        simulator.start(KEY, extra_args=("--deploy-seconds", "0", "--fail-deploys"), request_log=False)
        yield simulator.base_url


def create(base, kind, name, key=KEY, **overrides):
    """Create a notification and find it again (creates answer an empty body)."""
    suffix, settings, _update, _secret = TYPES[kind]
    before = {n["notificationId"] for n in ok(base, "notification.all", key=key)}
    response = call(base, f"notification.create{suffix}", key=key,
                    body={**EVENTS, "serverThreshold": False, "name": name, **settings, **overrides})
    assert (response.status, response.raw) == (200, b""), response
    newest = ok(base, "notification.all", key=key)[0]
    assert newest["notificationId"] not in before and newest["name"] == name
    return newest


def error_of(response, status):
    assert response.status == status, response
    return response.json()["message"]


# --------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", TYPES)
def test_notification_lifecycle(sim, kind):
    suffix, settings, (column, new_value), secret = TYPES[kind]
    created = create(sim, kind, f"n-{kind}")
    child_id = created[f"{kind}Id"]
    assert created["notificationType"] == kind and created["appBuildError"] is True
    assert created[kind] == {f"{kind}Id": child_id, **settings}  # secrets in clear
    if secret:
        assert created[kind][secret] == settings[secret]
    assert all(created[other] is None for other in TYPES if other != kind)

    ident = created["notificationId"]
    body = {"notificationId": ident, f"{kind}Id": child_id, column: new_value, "appDeploy": True}
    response = call(sim, f"notification.update{suffix}", body=body)
    assert (response.status, response.raw) == (200, b""), response
    one = ok(sim, "notification.one", query={"notificationId": ident})
    assert one[kind][column] == new_value and one["appDeploy"] is True
    kept = {k: v for k, v in settings.items() if k != column and not (kind == "ntfy" and k == "accessToken")}
    assert all(one[kind][k] == v for k, v in kept.items())  # dialect B: the rest is kept
    assert one["appBuildError"] is True and one["name"] == f"n-{kind}"

    removed = ok(sim, "notification.remove", body={"notificationId": ident})
    assert removed["notificationId"] == ident and kind not in removed
    assert error_of(call(sim, "notification.one", query={"notificationId": ident}), 404) == "Notification not found"
    assert error_of(call(sim, "notification.remove", body={"notificationId": ident}), 400) == "Notification not found"


def test_update_with_another_notifications_ids_changes_that_child(sim):
    slack = create(sim, "slack", "n-cross-slack")
    discord = create(sim, "discord", "n-cross-discord")
    ok(sim, "notification.updateSlack", body={"notificationId": discord["notificationId"],
                                              "slackId": slack["slackId"], "channel": "#cross", "name": "renamed"})
    slack_now = ok(sim, "notification.one", query={"notificationId": slack["notificationId"]})
    discord_now = ok(sim, "notification.one", query={"notificationId": discord["notificationId"]})
    assert slack_now["slack"]["channel"] == "#cross" and slack_now["name"] == "n-cross-slack"
    assert discord_now["name"] == "renamed" and discord_now["slackId"] is None
    assert discord_now["discord"] == discord["discord"]


def test_update_ntfy_without_access_token_clears_it(sim):
    ntfy = create(sim, "ntfy", "n-ntfy-token")
    ids = {"notificationId": ntfy["notificationId"], "ntfyId": ntfy["ntfyId"]}
    ok(sim, "notification.updateNtfy", body={**ids, "accessToken": "kept", "topic": "a"})
    one = ok(sim, "notification.one", query={"notificationId": ntfy["notificationId"]})
    assert one["ntfy"]["accessToken"] == "kept"
    ok(sim, "notification.updateNtfy", body={**ids, "topic": "b"})
    one = ok(sim, "notification.one", query={"notificationId": ntfy["notificationId"]})
    assert one["ntfy"]["accessToken"] is None and one["ntfy"]["topic"] == "b"


@pytest.mark.parametrize("kind, status, message", [
    ("slack", 500, "No values to set"), ("gotify", 500, "No values to set"),
    ("telegram", 400, "Error updating the notification")])
def test_update_without_a_setting_fails_and_stores_nothing(sim, kind, status, message):
    created = create(sim, kind, f"n-empty-{kind}")
    body = {"notificationId": created["notificationId"], f"{kind}Id": created[f"{kind}Id"], "name": "changed"}
    assert error_of(call(sim, f"notification.update{TYPES[kind][0]}", body=body), status) == message
    assert ok(sim, "notification.one", query={"notificationId": created["notificationId"]})["name"] == created["name"]


def test_unknown_notification_on_update(sim):
    slack = create(sim, "slack", "n-unknown")
    body = {"notificationId": "doesnotexist000000000", "slackId": slack["slackId"], "channel": "#x"}
    assert error_of(call(sim, "notification.updateSlack", body=body), 404) == "Notification not found"
    body = {"notificationId": "doesnotexist000000000", "emailId": "x", "smtpPort": 1}
    assert error_of(call(sim, "notification.updateEmail", body=body), 400) == "Error updating the notification"


def test_other_organization(sim):
    slack = create(sim, "slack", "n-org1-slack")
    gotify = create(sim, "gotify", "n-org1-gotify")
    assert slack["notificationId"] not in {n["notificationId"] for n in ok(sim, "notification.all", key=SECOND_KEY)}
    response = call(sim, "notification.one", key=SECOND_KEY, query={"notificationId": slack["notificationId"]})
    assert error_of(response, 401) == "You are not authorized to access this notification"
    body = {"notificationId": slack["notificationId"], "slackId": slack["slackId"], "channel": "#x"}
    response = call(sim, "notification.updateSlack", key=SECOND_KEY, body=body)
    assert error_of(response, 401) == "You are not authorized to update this notification"
    response = call(sim, "notification.remove", key=SECOND_KEY, body={"notificationId": slack["notificationId"]})
    assert error_of(response, 400) == "You are not authorized to delete this notification"
    # gotify's update checks no organization (self-hosted) and moves it to the caller's.
    ok(sim, "notification.updateGotify", key=SECOND_KEY,
       body={"notificationId": gotify["notificationId"], "gotifyId": gotify["gotifyId"], "priority": 9})
    assert gotify["notificationId"] in {n["notificationId"] for n in ok(sim, "notification.all", key=SECOND_KEY)}


def test_gotify_ignores_server_threshold_and_custom_needs_no_flags(sim):
    gotify = create(sim, "gotify", "n-gotify-threshold", serverThreshold=True)
    assert gotify["serverThreshold"] is False
    response = call(sim, "notification.createCustom", body={"name": "n-custom-min", "endpoint": "http://c.test"})
    assert response.status == 200
    custom = ok(sim, "notification.all")[0]
    assert custom["name"] == "n-custom-min" and custom["custom"]["headers"] is None
    assert not any(custom[flag] for flag in EVENTS)


def test_pushover_emergency_needs_retry_and_expire(sim):
    body = {**EVENTS, "name": "n-po", "userKey": "u", "apiToken": "t", "priority": 2}
    response = call(sim, "notification.createPushover", body=body)
    assert response.status == 400 and "retry" in response.json()["data"]["zodError"]["fieldErrors"]
    assert call(sim, "notification.createPushover", body={**body, "retry": 30, "expire": 60}).status == 200


def connection_input(kind, destination=None):
    settings = TYPES[kind][1]
    body = {k: settings[k] for k in TEST_INPUT[kind]}
    if destination:
        body[DESTINATION[kind]] = destination
    return body


@pytest.mark.parametrize("kind", TYPES)
def test_connection_tests(sim, failing, kind):
    procedure = f"notification.test{TYPES[kind][0]}Connection"
    assert ok(sim, procedure, body=connection_input(kind)) is True
    for base, body in ((sim, connection_input(kind, f"http://{FAIL}.test")), (failing, connection_input(kind))):
        response = call(base, procedure, body=body)
        if FAILURES[kind] is None:
            assert response.status == 200 and response.json() is True
        elif kind == "email" and base is sim:
            assert error_of(response, 400) == f"Failed to send email notification connect ECONNREFUSED " \
                                              f"http://{FAIL}.test:25"
        else:
            assert error_of(response, 400) == FAILURES[kind]


# --------------------------------------------------------------------------
# Git providers
# --------------------------------------------------------------------------

def providers(base, key=KEY):
    return {p["name"]: p for p in ok(base, "gitProvider.getAll", key=key)}


def new_gitlab(base, name, url="http://gitlab.test"):
    response = call(base, "gitlab.create", body={"name": name, "gitlabUrl": url, "applicationId": "app-id",
                                                 "secret": "gl-secret", "authId": "any"})
    assert (response.status, response.raw) == (200, b""), response
    return providers(base)[name]


def new_gitea(base, name, **extra):
    return ok(base, "gitea.create", body={"name": name, "giteaUrl": "http://gitea.test", "clientId": "cid",
                                          "clientSecret": "gt-secret", **extra})


def test_gitlab(sim, failing):
    provider = new_gitlab(sim, "p-gitlab")
    assert provider["gitlab"] == {"gitlabId": provider["gitlab"]["gitlabId"], "applicationId": "app-id",
                                  "gitlabUrl": "http://gitlab.test", "isConfigured": False}
    assert provider["isOwner"] is True and provider["providerType"] == "gitlab"
    gitlab_id = provider["gitlab"]["gitlabId"]
    one = ok(sim, "gitlab.one", query={"gitlabId": gitlab_id})
    assert one["secret"] == "gl-secret" and one["gitProvider"]["name"] == "p-gitlab"
    response = call(sim, "gitlab.update", body={"gitlabId": gitlab_id, "gitProviderId": provider["gitProviderId"],
                                                "name": "p-gitlab-2", "gitlabUrl": "http://gitlab.test",
                                                "groupName": "g"})
    assert (response.status, response.raw) == (200, b"")
    one = ok(sim, "gitlab.one", query={"gitlabId": gitlab_id})
    assert (one["groupName"], one["secret"], one["gitProvider"]["name"]) == ("g", "gl-secret", "p-gitlab-2")
    assert ok(sim, "gitlab.gitlabProviders") == []
    test = call(sim, "gitlab.testConnection", body={"gitlabId": gitlab_id})
    assert error_of(test, 400) == "Failed to refresh token: Bad Request"
    failing_one = new_gitlab(sim, f"p-gitlab-{FAIL}")["gitlab"]["gitlabId"]
    assert error_of(call(sim, "gitlab.testConnection", body={"gitlabId": failing_one}), 400) == "fetch failed"
    recorded = new_gitlab(failing, "p-gitlab")["gitlab"]["gitlabId"]
    assert error_of(call(failing, "gitlab.testConnection", body={"gitlabId": recorded}), 400) == "fetch failed"
    response = call(sim, "gitlab.one", query={"gitlabId": "doesnotexist"})
    assert error_of(response, 404) == "Gitlab Provider not found"
    response = call(sim, "gitlab.one", key=SECOND_KEY, query={"gitlabId": gitlab_id})
    assert error_of(response, 404) == "Git provider not found"
    assert "p-gitlab-2" not in providers(sim, key=SECOND_KEY)


def test_gitea(sim, failing):
    created = new_gitea(sim, "p-gitea")
    assert set(created) == {"giteaId", "clientId", "giteaUrl"}
    one = ok(sim, "gitea.one", query={"giteaId": created["giteaId"]})
    assert one["clientSecret"] == "gt-secret" and one["scopes"] == "repo,repo:status,read:user,read:org"
    assert providers(sim)["p-gitea"]["gitea"]["isConfigured"] is False
    assert created["giteaId"] in {g["giteaId"] for g in ok(sim, "gitea.giteaProviders")}
    test = call(sim, "gitea.testConnection", body={"giteaId": created["giteaId"]})
    assert error_of(test, 400) == "No access token available. Please authorize with Gitea."
    update = {"giteaId": created["giteaId"], "gitProviderId": one["gitProviderId"], "name": "p-gitea-2",
              "giteaUrl": "http://gitea2.test"}
    assert ok(sim, "gitea.update", body=update) == {"success": True}
    one = ok(sim, "gitea.one", query={"giteaId": created["giteaId"]})
    assert (one["giteaUrl"], one["clientSecret"], one["gitProvider"]["name"]) == (
        "http://gitea2.test", "gt-secret", "p-gitea-2")
    response = call(sim, "gitea.update", body={**update, "giteaId": "doesnotexist"})
    assert error_of(response, 500) == "Failed to update Gitea provider with ID doesnotexist"
    # With tokens (the API accepts them at create) the test reaches the server.
    tokens = {"accessToken": "a", "refreshToken": "r"}
    authorized = new_gitea(sim, "p-gitea-auth", **tokens)
    assert providers(sim)["p-gitea-auth"]["gitea"]["isConfigured"] is True
    assert ok(sim, "gitea.testConnection", body={"giteaId": authorized["giteaId"]}) == "Found 0 repositories"
    assert ok(sim, "gitea.one", query={"giteaId": authorized["giteaId"]})["lastAuthenticatedAt"] > 0
    refused = new_gitea(failing, "p-gitea-auth", **tokens)
    assert error_of(call(failing, "gitea.testConnection", body={"giteaId": refused["giteaId"]}), 400) == "fetch failed"


def test_bitbucket(sim, failing):
    body = {"name": "p-bb", "bitbucketUsername": "me", "bitbucketEmail": "me@b.test", "apiToken": "bb-token",
            "bitbucketWorkspaceName": "ws", "authId": "any"}
    response = call(sim, "bitbucket.create", body=body)
    assert (response.status, response.raw) == (200, b"")
    provider = providers(sim)["p-bb"]
    assert provider["bitbucket"] == {"bitbucketId": provider["bitbucket"]["bitbucketId"],
                                     "bitbucketUsername": "me", "isConfigured": False, "isDeprecated": False}
    ident = provider["bitbucket"]["bitbucketId"]
    assert ok(sim, "bitbucket.one", query={"bitbucketId": ident})["apiToken"] == "bb-token"
    updated = ok(sim, "bitbucket.update", body={"bitbucketId": ident, "gitProviderId": provider["gitProviderId"],
                                                "name": "p-bb-2", "bitbucketUsername": "me2"})
    assert (updated["bitbucketUsername"], updated["apiToken"]) == ("me2", "bb-token") and "gitProvider" not in updated
    assert providers(sim)["p-bb-2"]["bitbucket"]["bitbucketUsername"] == "me2"
    response = call(sim, "bitbucket.update", body={"bitbucketId": ident, "gitProviderId": "x", "name": "n"})
    assert error_of(response, 500) == "No values to set"
    assert ok(sim, "bitbucket.testConnection", body={"bitbucketId": ident, "workspaceName": "ws"}) == \
        "Found 0 repositories"
    response = call(sim, "bitbucket.testConnection", body={"bitbucketId": ident, "workspaceName": FAIL})
    assert error_of(response, 400) == "fetch failed"
    response = call(sim, "bitbucket.testConnection", body={"bitbucketId": ident})
    assert error_of(response, 400) == "Failed to fetch repositories: Not Found"
    call(failing, "bitbucket.create", body=body)
    other = providers(failing)["p-bb"]["bitbucket"]["bitbucketId"]
    response = call(failing, "bitbucket.testConnection", body={"bitbucketId": other, "workspaceName": "ws"})
    assert error_of(response, 400) == "fetch failed"


def test_removing_a_provider_nulls_it_in_applications(sim):
    _project, env = new_project(sim, "p-git-remove")
    app = new_application(sim, env["environmentId"])
    gitea = new_gitea(sim, "p-gitea-used")
    ok(sim, "application.saveGiteaProvider", body={
        "applicationId": app["applicationId"], "giteaBuildPath": "/", "giteaOwner": "o", "giteaRepository": "r",
        "giteaId": gitea["giteaId"], "giteaBranch": "main", "enableSubmodules": False, "watchPaths": []})
    one = ok(sim, "application.one", query={"applicationId": app["applicationId"]})
    assert one["sourceType"] == "gitea" and one["gitea"]["giteaId"] == gitea["giteaId"]
    assert "clientSecret" not in one["gitea"] and "accessToken" not in one["gitea"]
    provider = providers(sim)["p-gitea-used"]
    removed = ok(sim, "gitProvider.remove", body={"gitProviderId": provider["gitProviderId"]})
    assert removed["name"] == "p-gitea-used" and "gitea" not in removed
    one = ok(sim, "application.one", query={"applicationId": app["applicationId"]})
    assert (one["sourceType"], one["giteaId"], one["gitea"], one["giteaRepository"]) == ("gitea", None, None, "r")
    assert error_of(call(sim, "gitea.one", query={"giteaId": gitea["giteaId"]}), 404) == "Gitea Provider not found"
    response = call(sim, "gitProvider.remove", body={"gitProviderId": provider["gitProviderId"]})
    assert error_of(response, 400) == "Git Provider not found"


def test_save_gitlab_provider_with_unknown_provider_stores_nothing(sim):
    _project, env = new_project(sim, "p-git-unknown")
    app = new_application(sim, env["environmentId"])
    body = {"applicationId": app["applicationId"], "gitlabBuildPath": "/", "gitlabOwner": "o",
            "gitlabRepository": "r", "gitlabId": "doesnotexist", "gitlabProjectId": 1,
            "gitlabPathNamespace": "o/r", "gitlabBranch": "main", "enableSubmodules": False, "watchPaths": []}
    assert error_of(call(sim, "application.saveGitlabProvider", body=body), 500).startswith(
        'Failed query: update "application" set')
    assert ok(sim, "application.one", query={"applicationId": app["applicationId"]})["sourceType"] == "github"
    gitlab_id = new_gitlab(sim, "p-gitlab-app")["gitlab"]["gitlabId"]
    assert ok(sim, "application.saveGitlabProvider", body={**body, "gitlabId": gitlab_id}) is True
    one = ok(sim, "application.one", query={"applicationId": app["applicationId"]})
    assert one["sourceType"] == "gitlab" and one["gitlab"]["gitlabId"] == gitlab_id and "secret" not in one["gitlab"]
