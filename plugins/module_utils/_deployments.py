# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Following the deployment a trigger starts, for every owner Dokploy keeps deployments of.

Dokploy's triggers (deploy, server setup, manual backups...) answer without a
deployment id, and its lists hold earlier deployments too. So the owner's
deployments are listed before the trigger, and the one that was not there is
the one this run started: never an earlier one's result. A trigger whose answer
was lost is sent again only when no new deployment shows up.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError, WriteOutcomeUnknown
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_positive, check_range

TERMINAL = ("done", "error", "cancelled")
# How often a trigger whose answer was lost is sent again after no deployment showed up.
TRIGGER_ATTEMPTS = 3
# Dokploy reads at most 10000 lines of a deployment's log.
MAX_LOG_LINES = 10000
# How much of the end of a failed trigger's own error a DeploymentFailed message quotes (see Deployments.run).
ANSWER_TAIL = 400


def wait_argument_spec(wait_timeout=600):
    """The options of every module that waits for a deployment (doc fragment ``community.dokploy.deployment``)."""
    return dict(wait_timeout=dict(type="int", default=wait_timeout),
                poll_interval=dict(type="float", default=3),
                log_lines=dict(type="int", default=50))


def check_wait_options(params):
    for option in ("wait_timeout", "poll_interval", "log_lines"):
        check_positive(params[option], option)
    check_range(params["log_lines"], "log_lines", maximum=MAX_LOG_LINES)


def describe(deployment):
    if not deployment:
        return {}
    described = {"id": deployment.get("deploymentId"), "status": deployment.get("status"),
                 "title": deployment.get("title"), "started_at": deployment.get("startedAt"),
                 "finished_at": deployment.get("finishedAt")}
    if deployment.get("errorMessage"):
        described["error_message"] = deployment["errorMessage"]  # why a job that never logged failed
    return described


class DeploymentFailed(DokployError):
    """A followed deployment ended other than ``done``, or did not end in time; the result says which."""

    def __init__(self, message, deployment, elapsed, progress):
        super(DeploymentFailed, self).__init__(message)
        self.details = dict(deployment=deployment, elapsed=elapsed, progress=progress)

    def to_result(self):
        result = super(DeploymentFailed, self).to_result()
        result.update(self.details, changed=True)  # the trigger was sent
        return result


class Deployments:
    """The deployments of one owner (``deployment.all`` of an application, ``allByServer`` of a server...).

    ``label`` names the owner in messages (``application web``); ``before_log`` is called before a log is
    read, so that the client has learnt the owner's secrets (a log may echo env values) and removes them.
    """

    def __init__(self, client, procedure, owner, label, params, before_log=None):
        self.client = client
        self.procedure = procedure
        self.owner = owner
        self.label = label
        self.wait_timeout = params["wait_timeout"]
        self.poll_interval = params["poll_interval"]
        self.log_lines = params["log_lines"]
        self.before_log = before_log

    def list(self):
        """The owner's deployments, newest first as Dokploy lists them."""
        return self.client.query(self.procedure, **self.owner) or []

    def ids(self):
        return set(d["deploymentId"] for d in self.list())

    def trigger(self, send, known):
        """Send the trigger once in effect: when its answer is lost, resend only if no new deployment shows up."""
        attempt = 0
        while True:
            try:
                return send()
            except WriteOutcomeUnknown:
                if self.landed(known):
                    return None  # it landed: the deployment it started is followed
                attempt += 1
                if attempt == TRIGGER_ATTEMPTS:
                    raise

    def run(self, send):
        """List, trigger once and follow the new deployment (see follow); returns what follow returns.

        Some triggers run their job inside the request (manual backups): they answer an error only after their
        deployment ended in error. Such an error is not the trigger's when a new deployment shows up: that
        deployment is followed, so the failure carries its log tail.
        """
        known = self.ids()
        answer = None
        try:
            self.trigger(send, known)
        except WriteOutcomeUnknown:
            raise
        except DokployError as exc:
            if not any(d["deploymentId"] not in known for d in self.list()):
                raise
            answer = exc
        try:
            return self.follow(known)
        except DeploymentFailed as exc:
            if answer is not None:
                # The end of the trigger's own error (a script's stderr), in case the log cannot be read.
                # Redacted before it is cut, so that no part of a secret is left.
                text = " ".join(self.client.redact(str(answer.message)).split())
                if len(text) > ANSWER_TAIL:
                    text = "..." + text[-ANSWER_TAIL:]
                exc.message += "; %s answered: %s" % (answer.procedure or "the trigger", text)
            raise

    def landed(self, known, wait=10):
        """Whether a deployment this run may have started shows up within ``wait`` seconds."""
        deadline = time.time() + wait
        while True:
            try:
                if any(d["deploymentId"] not in known for d in self.list()):
                    return True
            except DokployError:
                pass
            if time.time() >= deadline:
                return False
            time.sleep(min(1.0, self.poll_interval))

    def follow(self, known):
        """Poll until the deployment that was not in ``known`` ends; raise DeploymentFailed on error or timeout."""
        started = time.time()
        progress, seen = [], None
        deadline = started + self.wait_timeout
        while True:
            new = [d for d in self.list() if d["deploymentId"] not in known]
            # The newest first, as Dokploy lists them; take the oldest new one, which this run started.
            deployment = new[-1] if new else None
            status = deployment["status"] if deployment else "queued"
            elapsed = int(time.time() - started)
            if status != seen:
                progress.append("%ds %s" % (elapsed, status))
                seen = status
            if status in TERMINAL:
                break
            if time.time() >= deadline:
                raise self.failure(deployment, status, elapsed, progress, timed_out=True)
            time.sleep(max(0.0, min(self.poll_interval, deadline - time.time())))
        if status != "done":
            raise self.failure(deployment, status, elapsed, progress)
        return dict(deployment=describe(deployment), elapsed=elapsed, progress=progress)

    def failure(self, deployment, status, elapsed, progress, timed_out=False):
        info = describe(deployment)
        if deployment:
            info["log_tail"] = self.log_tail(deployment["deploymentId"])
        if timed_out:
            what = ("deployment %s of %s is still %s" % (info["id"], self.label, status) if deployment
                    else "no new deployment of %s started" % self.label)
            message = "%s after %ds (wait_timeout)" % (what, elapsed)
        else:
            message = "deployment %s of %s ended in %s after %ds" % (info["id"], self.label, status, elapsed)
        if info.get("error_message"):
            info["error_message"] = self.client.redact(str(info["error_message"]))
            message += "; Dokploy says: %s" % info["error_message"]
        if info.get("log_tail"):
            message += "; last log lines: " + " | ".join(info["log_tail"][-5:])
        return DeploymentFailed(message, info, elapsed, progress)  # redacted where it leaves the module

    def log_tail(self, deployment_id):
        if self.before_log:
            self.before_log()
        try:
            text = self.client.query("deployment.readLogs", deploymentId=deployment_id, tail=self.log_lines) or ""
        except DokployError as exc:
            return ["(the log could not be read: %s)" % exc]
        return self.client.redact(str(text)).splitlines()[-self.log_lines:]
