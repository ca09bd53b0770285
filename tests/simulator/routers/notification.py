"""`notification.*`: where Dokploy sends its events (slack, telegram, discord, email, resend,
gotify, ntfy, mattermost, custom, lark, pushover, teams).

A notification is a row (`notificationId`, name, event flags, `notificationType`) plus one
child row of its type (`slackId`, `emailId`, ...). What the real server does, modeled here:

* `create<Type>` answers 200 with an empty body: find the new one with `notification.all`
  (newest first). gotify and ntfy have no `serverThreshold` input (sent: ignored); custom
  needs only name and endpoint (the event flags default to false).
* `one`/`all` answer the row with every child relation (null but the own one), secrets in
  clear (email password, telegram botToken, gotify appToken, ntfy accessToken, custom
  headers...). `remove` answers the bare row; unknown: `one` 404, `remove` 400.
* `update<Type>` (missing keys keep their value) needs `notificationId` and the child id and
  does not check that they belong together: the flags go to the notification, the
  settings to whichever child has that id. It answers an empty body. Quirks kept:
  `updateNtfy` without `accessToken` clears the token; an update giving no setting of the
  child fails ("No values to set", nothing stored); slack, telegram, discord, email,
  resend and custom check the caller's organization, the others do not (self-hosted) and
  move the notification into the caller's organization; telegram, discord, email and
  resend turn every failure into 400 `Error updating the notification`.
* `test<Type>Connection` sends to the destination given in the request (not a stored
  notification) and answers `true`. It fails like the real server with nothing listening
  under --fail-deploys, or when any text of the request (webhookUrl, smtpServer,
  serverUrl, endpoint, apiKey, userKey...) contains `simulator-fail`. Telegram and lark
  never fail: Dokploy swallows their send errors.
"""

from simcore import ApiError, bad_request, new_id, not_found, now_iso, server_error, unauthorized

EVENT_FLAGS = ("appDeploy", "appBuildError", "databaseBackup", "volumeBackup", "dokployRestart",
               "dokployBackup", "dockerCleanup", "serverThreshold")
# type -> (procedure suffix, child columns in the recorded order). The dict order is the
# order of the child ids and relations in every answer.
TYPES = {
    "slack": ("Slack", ("webhookUrl", "channel")),
    "telegram": ("Telegram", ("botToken", "chatId", "messageThreadId")),
    "discord": ("Discord", ("webhookUrl", "decoration")),
    "email": ("Email", ("smtpServer", "smtpPort", "username", "password", "fromAddress", "toAddresses")),
    "resend": ("Resend", ("apiKey", "fromAddress", "toAddresses")),
    "gotify": ("Gotify", ("serverUrl", "appToken", "priority", "decoration")),
    "ntfy": ("Ntfy", ("serverUrl", "topic", "accessToken", "priority")),
    "mattermost": ("Mattermost", ("webhookUrl", "channel", "username")),
    "custom": ("Custom", ("endpoint", "headers")),
    "lark": ("Lark", ("webhookUrl",)),
    "pushover": ("Pushover", ("userKey", "apiToken", "priority", "retry", "expire")),
    "teams": ("Teams", ("webhookUrl",)),
}
WITHOUT_SERVER_THRESHOLD = ("gotify", "ntfy")
# Their update procedures check the organization (the others only on Dokploy Cloud)...
CHECKS_ORGANIZATION = ("slack", "telegram", "discord", "email", "resend", "custom")
# ...and these turn any update failure into one 400.
HIDES_UPDATE_ERRORS = ("telegram", "discord", "email", "resend")
UPDATE_FAILED = "Error updating the notification"

# What test<Type>Connection answers when the destination cannot be reached (None: never
# fails); a function of the request.
TEST_FAILURES = {
    "slack": lambda data: "Failed to send slack notification fetch failed",
    "discord": lambda data: "Failed to send discord notification fetch failed",
    "email": lambda data: (f"Failed to send email notification connect ECONNREFUSED "
                           f"{data['smtpServer']}:{data['smtpPort']}"),
    # The Resend SDK reports a network failure as this text (not recorded).
    "resend": lambda data: ("Failed to send Resend notification Unable to fetch data. "
                            "The request could not be resolved."),
    "telegram": None,
    "gotify": lambda data: "Error testing the notification",
    "ntfy": lambda data: "Error testing the notification: fetch failed",
    "mattermost": lambda data: "Error testing the notification",
    "custom": lambda data: "fetch failed",
    "lark": None,
    "pushover": lambda data: "Error testing the notification",
    "teams": lambda data: "Failed to send Teams notification fetch failed",
}


def event_flags(kind):
    return EVENT_FLAGS[:-1] if kind in WITHOUT_SERVER_THRESHOLD else EVENT_FLAGS


def child_id(kind):
    return f"{kind}Id"


def full(api, notification):
    """The row with all twelve child relations, as `one` and `all` answer it."""
    out = dict(notification)
    for kind in TYPES:
        out[kind] = api.store.get(kind, notification[child_id(kind)])
    return out


def find(api, notification_id):
    notification = api.store.get("notification", notification_id)
    if notification is None:
        raise not_found("Notification not found")
    return notification


def creator(kind):
    def create(api, ctx, data):
        child = {child_id(kind): new_id()}
        child.update({column: data.get(column) for column in TYPES[kind][1]})
        api.store.insert(kind, child)
        notification = {"notificationId": new_id(), "name": data["name"]}
        notification.update({flag: bool(data.get(flag, False)) if flag in event_flags(kind) else False
                             for flag in EVENT_FLAGS})
        notification.update(notificationType=kind, createdAt=now_iso())
        notification.update({child_id(other): None for other in TYPES})
        notification[child_id(kind)] = child[child_id(kind)]
        notification["organizationId"] = ctx.org
        api.store.insert("notification", notification)
        return None  # the real server answers an empty body
    return create


def updater(kind):
    def update(api, ctx, data):
        try:
            apply_update(api, ctx, kind, data)
        except ApiError as error:
            if kind in HIDES_UPDATE_ERRORS:
                raise bad_request(UPDATE_FAILED) from error
            raise
        return None
    return update


def apply_update(api, ctx, kind, data):
    notification = find(api, data["notificationId"])
    if kind in CHECKS_ORGANIZATION and notification["organizationId"] != ctx.org:
        raise unauthorized("You are not authorized to update this notification")
    settings = {column: data[column] for column in TYPES[kind][1] if column in data}
    if kind == "ntfy":
        settings["accessToken"] = data.get("accessToken")  # `?? null`: a missing token clears it
    if not settings:
        # Drizzle refuses an UPDATE without columns; the transaction stores nothing.
        raise server_error("No values to set")
    for key in ("name",) + event_flags(kind):
        if key in data:
            notification[key] = data[key]
    notification["organizationId"] = ctx.org
    child = api.store.get(kind, data[child_id(kind)])
    if child is not None:  # an unknown child id updates no row, silently
        child.update(settings)


def tester(kind):
    failure = TEST_FAILURES[kind]

    def test(api, ctx, data):
        texts = [value for value in data.values() if isinstance(value, str)]
        if failure is not None and api.external_fails(*texts):
            raise bad_request(failure(data))
        return True
    return test


def notification_one(api, ctx, data):
    notification = find(api, data["notificationId"])
    if notification["organizationId"] != ctx.org:
        raise unauthorized("You are not authorized to access this notification")
    return full(api, notification)


def notification_all(api, ctx, data):
    rows = [n for n in api.store.tables["notification"].values() if n["organizationId"] == ctx.org]
    return [full(api, n) for n in reversed(rows)]  # newest first


def notification_remove(api, ctx, data):
    try:
        notification = find(api, data["notificationId"])
    except ApiError as error:
        raise bad_request(error.message) from error
    if notification["organizationId"] != ctx.org:
        raise bad_request("You are not authorized to delete this notification")
    del api.store.tables["notification"][notification["notificationId"]]
    kind = notification["notificationType"]
    api.store.tables[kind].pop(notification[child_id(kind)], None)
    return notification


def email_providers(api, ctx, data):
    rows = [n for n in api.store.tables["notification"].values() if n["organizationId"] == ctx.org]
    return [{**n, "email": api.store.get("email", n["emailId"]), "resend": api.store.get("resend", n["resendId"])}
            for n in rows]


EMERGENCY_NEEDS_RETRY = "Retry and expire are required for emergency priority (2)"


def pushover_issues(data):
    """The schema's refine: emergency priority needs retry and expire."""
    if data.get("priority") == 2 and (data.get("retry") is None or data.get("expire") is None):
        return [{"code": "custom", "path": ["retry"], "message": EMERGENCY_NEEDS_RETRY}]
    return []


REFINEMENTS = {"notification.createPushover": pushover_issues,
               "notification.testPushoverConnection": pushover_issues}

ROUTES = {
    "notification.one": ("GET", notification_one),
    "notification.all": ("GET", notification_all),
    "notification.remove": ("POST", notification_remove),
    "notification.getEmailProviders": ("GET", email_providers),
}
for _kind, (_suffix, _columns) in TYPES.items():
    ROUTES[f"notification.create{_suffix}"] = ("POST", creator(_kind))
    ROUTES[f"notification.update{_suffix}"] = ("POST", updater(_kind))
    ROUTES[f"notification.test{_suffix}Connection"] = ("POST", tester(_kind))
