"""`schedule.*`: commands run on a cron schedule, in a service's container (types `application`,
`compose`) or as a script on a host (`server`: a remote server of server.py, over SSH;
`dokploy-server`: the Dokploy host itself).

The simulator keeps the schedules but runs none on their cron expression; `runManually` runs
one at once and leaves a `Schedule` deployment. A run succeeds unless: the service has no
running container (its status is not `done`, or --fail-deploys, how the transcripts were
recorded), the schedule's name contains simcore.FAIL_WORD (the command fails), or its host
cannot be reached (server.py's rules; then the call itself fails, like the real one).
"""

import random
import secrets

from simcore import (
    FAIL_WORD, app_name, new_id, not_found, now_iso, server_error, unauthorized,
)
from .server import failed_update, find_server, finished_deployment, js_text, ssh_failure, trim_deployments

SCHEDULE_FIELDS = ("scheduleId", "name", "description", "cronExpression", "appName", "serviceName",
                   "shellType", "scheduleType", "command", "script", "applicationId", "composeId",
                   "serverId", "organizationId", "enabled", "timezone", "createdAt")
COLUMN_DEFAULTS = {"shellType": "bash", "scheduleType": "application", "enabled": True}
REFERENCES = (("applicationId", "application"), ("composeId", "compose"), ("serverId", "server"))
SCHEDULES_PATH = "/etc/dokploy/schedules"
# schedule.one shows a server schedule's server with its organization, which the simulator does not
# keep: this stands in for it.
ORGANIZATION = {"name": "Organization", "slug": None, "logo": None,
                "createdAt": "2026-01-01T00:00:00.000Z", "metadata": None, "defaultRole": None}


def empty_query_issues(field):
    """An empty query value reads as missing in the real adapter."""
    def check(data):
        if data.get(field) == "":
            return [{"expected": "string", "code": "invalid_type", "path": [field],
                     "message": "Invalid input: expected string, received undefined"}]
        return []
    return check


# ---- lookups and checks --------------------------------------------------------------

def purge_orphans(api):
    """A schedule goes with its service or server (ON DELETE CASCADE), whichever router removed it:
    called before schedules are read."""
    for schedule in list(api.store.tables["schedule"].values()):
        if any(schedule[field] and api.store.get(kind, schedule[field]) is None for field, kind in REFERENCES):
            trim_deployments(api, "schedule", schedule["scheduleId"], 0)
            del api.store.tables["schedule"][schedule["scheduleId"]]


def stored_schedule(api, ident):
    """The schedule `ident`, or None; deployment.allByType reads it too."""
    purge_orphans(api)
    return api.store.get("schedule", ident)


def find_schedule(api, ctx, ident):
    schedule = stored_schedule(api, ident)
    if schedule is None:
        raise not_found("Schedule not found")
    if api.org_of("schedule", schedule) != ctx.org:
        raise unauthorized("You don't have access to this schedule.")
    return schedule


def check_targets(api, ctx, values):
    """What the router checks before it writes: the host of a host schedule, and the service."""
    if values.get("scheduleType") == "server" and values.get("serverId"):
        if find_server(api, values["serverId"])["organizationId"] != ctx.org:
            raise unauthorized("You don't have access to this server.")
    for field, kind in REFERENCES[:2]:
        service = api.store.get(kind, values.get(field))
        if service is not None and api.org_of(kind, service) != ctx.org:
            raise unauthorized("You don't have access to this service")


def references_missing(api, values):
    """Whether a foreign key of `values` points nowhere (then the SQL statement fails)."""
    if any(values.get(field) is not None and api.store.get(kind, values[field]) is None
           for field, kind in REFERENCES):
        return True
    return values.get("organizationId") is not None and values["organizationId"] not in api.store.orgs


def failed_insert(values):
    """The raw error text of the insert a foreign key refused; `default` where no value was given."""
    slots, params = [], []
    for column in SCHEDULE_FIELDS:
        if column in values:
            params.append(values[column])
            slots.append(f"${len(params)}")
        else:
            slots.append("default")
    columns = ", ".join(f'"{c}"' for c in SCHEDULE_FIELDS)
    return (f'Failed query: insert into "schedule" ({columns}) values ({", ".join(slots)}) returning {columns}'
            f'\nparams: {",".join(js_text(p) for p in params)}')


def install_script(api, schedule):
    """A host schedule's script is written on its host at create and update: over SSH for `server`
    (on the Dokploy host itself for `dokploy-server`, which cannot fail here)."""
    server = api.store.get("server", schedule["serverId"])
    if schedule["scheduleType"] == "server" and server is not None:
        failure = ssh_failure(api, server, "No SSH key available for this server")
        if failure:
            raise server_error(failure)  # the schedule stays stored


def host_of(api, schedule):
    """The remote server a run of `schedule` happens on (None: the Dokploy host)."""
    for field, kind in REFERENCES:
        record = api.store.get(kind, schedule[field])
        if record is not None:
            return api.store.get("server", record["serverId"]) if kind != "server" else record
    return None


# ---- shapes --------------------------------------------------------------------------

def brief(record, fields):
    return record and {f: record[f] for f in fields}


def listed(api, schedule):
    """schedule.list's element."""
    return {**schedule,
            "application": brief(api.store.get("application", schedule["applicationId"]),
                                 ("applicationId", "appName", "name", "serverId")),
            "server": api.store.get("server", schedule["serverId"]),
            "compose": brief(api.store.get("compose", schedule["composeId"]),
                             ("composeId", "appName", "name", "serverId")),
            "deployments": api.deployments_of("schedule", schedule["scheduleId"])}


def with_relations(api, schedule):
    """schedule.one: the service with its environment and project, or the server with its organization."""
    app = api.store.get("application", schedule["applicationId"])
    compose = api.store.get("compose", schedule["composeId"])
    server = api.store.get("server", schedule["serverId"])
    return {**schedule,
            "application": app and {**brief(app, ("applicationId", "appName", "serverId")),
                                    "environment": api.env_with_project(api.store.get("environment",
                                                                                      app["environmentId"]))},
            "compose": compose and {**compose, "environment": api.env_with_project(
                api.store.get("environment", compose["environmentId"]))},
            "server": server and {**server, "organization": {"id": server["organizationId"], **ORGANIZATION,
                                                             "ownerId": server["organizationId"]}}}


# ---- runs ----------------------------------------------------------------------------

def run_outcome(api, schedule):
    """(ok, log text after `Initializing schedule`, pid) of running `schedule` now."""
    kind = schedule["scheduleType"]
    fails = FAIL_WORD in (schedule["name"] or "").lower()
    if kind in ("application", "compose"):
        service = api.store.get(kind, schedule[f"{kind}Id"])
        status = service and service["composeStatus" if kind == "compose" else "applicationStatus"]
        if api.fail_deploys or status != "done":
            target = (f"service '{schedule['serviceName']}' of compose '{service and service['name']}'"
                      if kind == "compose" else f"application '{service and service['appName']}'")
            return False, f"\u274c Container not found for {target}, make sure the service is running\n", None
        run = f"docker exec {secrets.token_hex(32)} {schedule['shellType']} -c {schedule['command']}\n"
        return (not fails, run + ("\u274c Command failed\n" if fails else "\u2705 Command executed successfully\n"),
                None)
    # Process ids count up, from the one the recorded run got.
    pid = str(random.randint(1000, 99999))
    script = f"PID: {pid} | Schedule ID: {schedule['scheduleId']}\n"
    if kind == "server":
        script = "Running script\n" + script
        script += "\u274c Command failed\n" if fails else "\u2705 Command executed successfully\n"
    return not fails, script, pid


def schedule_run(api, ctx, data):
    schedule = find_schedule(api, ctx, data["scheduleId"])
    ident, name = schedule["scheduleId"], schedule["appName"]
    trim_deployments(api, "schedule", ident, 10)
    host = host_of(api, schedule)
    failure = host and ssh_failure(api, host, "No SSH key available for this server")
    if failure:
        # The log directory could not be made on the host: an `error` deployment without a log.
        deployment = finished_deployment(api, "scheduleId", ident, name, "Schedule", False, "",
                                         errorMessage=f"An error have occurred: {failure}")
        deployment["logPath"] = ""
        raise server_error("Error creating the deployment")
    ok, log, pid = run_outcome(api, schedule)
    deployment = finished_deployment(api, "scheduleId", ident, name, "Schedule", ok,
                                     "Initializing schedule\n" + log, pid=pid)
    deployment["logPath"] = f"{SCHEDULES_PATH}/{name}/{deployment['logPath'].rsplit('/', 1)[1]}"
    return {"status": deployment["status"], "deploymentId": deployment["deploymentId"],
            "logPath": deployment["logPath"]}


# ---- procedures ----------------------------------------------------------------------

def schedule_create(api, ctx, data):
    values = {c: data[c] for c in SCHEDULE_FIELDS if c in data and c != "scheduleId"}
    if values.get("scheduleType") == "dokploy-server":
        values["organizationId"] = ctx.org
    check_targets(api, ctx, {"scheduleType": COLUMN_DEFAULTS["scheduleType"], **values})
    # Columns with a generated default get their value before the insert is sent.
    values = {"scheduleId": new_id(), "appName": app_name("schedule"), "createdAt": now_iso(), **values}
    if references_missing(api, values):
        raise server_error(failed_insert(values))
    schedule = {c: values.get(c, COLUMN_DEFAULTS.get(c)) for c in SCHEDULE_FIELDS}
    api.store.insert("schedule", schedule)
    install_script(api, schedule)
    return schedule


def schedule_update(api, ctx, data):
    # Dialect A for name, cronExpression and command (required); other keys given are written.
    schedule = find_schedule(api, ctx, data["scheduleId"])
    changes = {c: data[c] for c in SCHEDULE_FIELDS if c in data and c != "scheduleId"}
    check_targets(api, ctx, {**schedule, **changes})
    if references_missing(api, changes):
        raise server_error(failed_update("schedule", SCHEDULE_FIELDS, changes, "scheduleId",
                                         schedule["scheduleId"]))
    schedule.update(changes)
    install_script(api, schedule)
    return schedule


def schedule_delete(api, ctx, data):
    schedule = find_schedule(api, ctx, data["scheduleId"])
    host = host_of(api, schedule)
    failure = host and ssh_failure(api, host, "No SSH key available for this server")
    if failure:
        raise server_error(failure)  # its directory on the host could not be removed: the schedule stays
    trim_deployments(api, "schedule", schedule["scheduleId"], 0)
    del api.store.tables["schedule"][schedule["scheduleId"]]
    return True


def schedule_list(api, ctx, data):
    kind, ident = data["scheduleType"], data["id"]
    purge_orphans(api)
    if kind == "server":
        if find_server(api, ident)["organizationId"] != ctx.org:
            raise unauthorized("You don't have access to this server.")
        match = {"serverId": ident}
    elif kind == "dokploy-server":
        match = {"organizationId": ctx.org}  # `id` is required but not used
    else:
        service = api.store.get(kind, ident)
        if service is None or api.org_of(kind, service) != ctx.org:
            return []
        match = {f"{kind}Id": ident}
    return [listed(api, s) for s in api.store.where("schedule", **match)]


def schedule_one(api, ctx, data):
    return with_relations(api, find_schedule(api, ctx, data["scheduleId"]))


ROUTES = {
    "schedule.create": ("POST", schedule_create),
    "schedule.update": ("POST", schedule_update),
    "schedule.delete": ("POST", schedule_delete),
    "schedule.list": ("GET", schedule_list),
    "schedule.one": ("GET", schedule_one),
    "schedule.runManually": ("POST", schedule_run),
}

REFINEMENTS = {"schedule.list": empty_query_issues("id"), "schedule.one": empty_query_issues("scheduleId")}
