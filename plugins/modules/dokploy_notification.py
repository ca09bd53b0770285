#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_notification
short_description: Create, update and remove Dokploy's notifications (Slack, Discord, Telegram, email, Gotify, ntfy, webhook)
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a notification (where Dokploy sends its events, such as a finished deployment or a failed backup)
    exists with the given type, events and settings, or does not exist.
  - Notifications belong to the organization, not to a project. Names are not unique in Dokploy; when several
    notifications have the name, the task fails listing their ids, and O(name) accepts an id instead.
  - The settings of a notification are given in the one option named after its O(type) (O(slack), O(discord),
    O(telegram), O(email), O(gotify), O(ntfy) or O(custom)). Only the settings given are compared; settings left
    out keep what Dokploy holds (the module sends them back as stored, so that Dokploy does not clear them).
  - Dokploy stores a notification without checking that it can be delivered. With O(test=true) the task first has
    Dokploy send its test message with the new settings, and fails without storing anything when that fails.
options:
  name:
    description:
      - Name of the notification, or its id. A notification named by its id is not renamed.
    type: str
    required: true
  type:
    description:
      - The service the notification sends to. Required to create a notification, unless the option of the type
        (for example O(slack)) is given, which implies it.
      - Dokploy keeps the settings of each type in its own table and cannot change the type of a notification;
        a O(type) other than the existing notification's is refused (remove the notification and create it again).
      - Notifications of the types this module does not manage (resend, mattermost, lark, pushover, teams) can be
        removed with O(state=absent) when O(type) is not given.
    type: str
    choices: [slack, discord, telegram, email, gotify, ntfy, custom]
  events:
    description:
      - The events that send a notification. Given, exactly these are on and every other one is off; V([]) turns
        them all off. Not given, the events of an existing notification are left as they are, and a new one has none.
      - V(app_deploy) a deployment finished, V(app_build_error) a build failed, V(database_backup) and
        V(volume_backup) a backup ran, V(dokploy_backup) Dokploy's own backup ran, V(docker_cleanup) Docker's
        cleanup ran, V(server_threshold) a server crossed a CPU or memory threshold (not with V(gotify) or V(ntfy),
        for which Dokploy has no such event), V(dokploy_restart) Dokploy restarted.
    type: list
    elements: str
    choices: [app_deploy, app_build_error, database_backup, volume_backup, dokploy_backup, docker_cleanup,
              server_threshold, dokploy_restart]
  slack:
    description:
      - Settings of a V(slack) notification. Only with O(type=slack). Required to create one.
    type: dict
    suboptions:
      webhook_url:
        description:
          - The incoming webhook URL (V(https://hooks.slack.com/services/...)). It carries its token, so it is
            treated as a secret. Required to create.
        type: str
      channel:
        description:
          - The channel to post to, for example V(#ops). V("") (the default at create) posts to the webhook's
            own channel.
        type: str
  discord:
    description:
      - Settings of a V(discord) notification. Only with O(type=discord). Required to create one.
    type: dict
    suboptions:
      webhook_url:
        description:
          - The webhook URL (V(https://discord.com/api/webhooks/...)). It carries its token, so it is treated as a
            secret. Required to create.
        type: str
      decoration:
        description:
          - Whether messages carry emoji decorations. Defaults to V(true) at create (as in Dokploy's web UI).
        type: bool
  telegram:
    description:
      - Settings of a V(telegram) notification. Only with O(type=telegram). Required to create one.
    type: dict
    suboptions:
      bot_token:
        description:
          - The bot's token (V(123456:ABC...)). A secret. Required to create.
        type: str
      chat_id:
        description:
          - The chat to send to, a number (V(-1001234567890) for a group or channel) or V(@channelname).
            Required to create.
        type: str
      message_thread_id:
        description:
          - The topic (thread) of a forum group to send to, a number. V("") (the default at create) sends to the chat.
        type: str
  email:
    description:
      - Settings of an V(email) notification (sent through an SMTP server). Only with O(type=email). Required to
        create one; all of its settings are required to create.
    type: dict
    suboptions:
      smtp_server:
        description:
          - The SMTP server's host name or address, without a scheme.
        type: str
      smtp_port:
        description:
          - The SMTP server's port, 1-65535 (V(465) for TLS, V(587) or V(25) for STARTTLS or none).
        type: int
      username:
        description:
          - The SMTP user.
        type: str
      password:
        description:
          - The SMTP password. A secret.
        type: str
      from_address:
        description:
          - The sender, V(dokploy@example.com) or V(Dokploy <dokploy@example.com>).
        type: str
      to_addresses:
        description:
          - The recipients' addresses; at least one.
        type: list
        elements: str
  gotify:
    description:
      - Settings of a V(gotify) notification. Only with O(type=gotify). Required to create one.
    type: dict
    suboptions:
      server_url:
        description:
          - The Gotify server's URL (V(http://) or V(https://)). Required to create.
        type: str
      app_token:
        description:
          - The application token messages are sent with. A secret. Required to create.
        type: str
      priority:
        description:
          - Message priority, 1-10. Defaults to V(5) at create.
        type: int
      decoration:
        description:
          - Whether messages carry emoji decorations. Defaults to V(true) at create.
        type: bool
  ntfy:
    description:
      - Settings of an V(ntfy) notification. Only with O(type=ntfy). Required to create one.
    type: dict
    suboptions:
      server_url:
        description:
          - The ntfy server's URL, for example V(https://ntfy.sh). Required to create.
        type: str
      topic:
        description:
          - The topic to publish to, 1-64 letters, digits, V(-) and V(_). Required to create.
        type: str
      access_token:
        description:
          - The access token of a protected topic. A secret. V("") (the default at create) sends without one, and
            removes a stored one.
          - Not given, the stored token is kept (Dokploy itself would clear it on any change of the notification;
            the module always sends it back).
        type: str
      priority:
        description:
          - Message priority, 1 (min) to 5 (max). Defaults to V(3) at create.
        type: int
  custom:
    description:
      - Settings of a V(custom) notification (Dokploy POSTs a JSON message to a URL). Only with O(type=custom).
        Required to create one.
    type: dict
    suboptions:
      endpoint:
        description:
          - The URL the message is POSTed to (V(http://) or V(https://)). Required to create.
        type: str
      headers:
        description:
          - HTTP headers sent with each message, as a mapping of header name to value (for example an
            C(Authorization) header). The values are treated as secrets. Given, exactly these headers are stored;
            V({}) removes them all.
        type: dict
  test:
    description:
      - Before creating a notification or changing its settings, have Dokploy send its test message with the new
        settings, and fail (naming this option) without storing anything when that fails.
      - A change of O(events) or of the name alone sends no test message; nothing is sent when nothing changes, nor
        in check mode (a check never sends a write).
      - Dokploy reports no failure of a Telegram test (it ignores the answer of Telegram's API).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the notification, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - Dokploy returns the secrets of notifications in clear in its answers; the module masks webhook URLs, tokens,
    passwords and header values in results and diffs, and removes them from every message.
  - The test message is sent from the Dokploy host, so the service must be reachable from there.
"""

EXAMPLES = r"""
- name: Deployments and failed builds to Slack, tested before saving
  community.dokploy.dokploy_notification:
    name: ops-slack
    type: slack
    events: [app_deploy, app_build_error]
    slack:
      webhook_url: "{{ vault_slack_webhook }}"
      channel: "#ops"
    test: true

- name: Backups by email
  community.dokploy.dokploy_notification:
    name: backup-mail
    type: email
    events: [database_backup, volume_backup, dokploy_backup]
    email:
      smtp_server: smtp.example.com
      smtp_port: 587
      username: dokploy
      password: "{{ vault_smtp_password }}"
      from_address: Dokploy <dokploy@example.com>
      to_addresses: [ops@example.com]

- name: Everything to a protected ntfy topic
  community.dokploy.dokploy_notification:
    name: ntfy
    type: ntfy
    events: [app_deploy, app_build_error, database_backup, volume_backup, docker_cleanup, dokploy_restart]
    ntfy:
      server_url: https://ntfy.example.com
      topic: dokploy
      access_token: "{{ vault_ntfy_token }}"
      priority: 4

- name: A webhook with an authorization header
  community.dokploy.dokploy_notification:
    name: incident-hook
    type: custom
    events: [app_build_error, server_threshold]
    custom:
      endpoint: https://hooks.example.com/dokploy
      headers:
        Authorization: "Bearer {{ vault_hook_token }}"

- name: Remove a notification
  community.dokploy.dokploy_notification:
    name: old-discord
    state: absent
"""

RETURN = r"""
notification:
  description:
    - The notification as Dokploy returns it, with only the settings of its own type (under the key of the type,
      for example C(slack)), secrets masked; empty when absent or in check mode before creation.
    - C(events) lists the events that are on, as O(events) names them.
  returned: always
  type: dict
  sample: {notificationId: bGFrhyi3qp_7QQFQ-tX1F, name: ops-slack, notificationType: slack, appDeploy: true,
           appBuildError: true, databaseBackup: false, volumeBackup: false, dokployRestart: false,
           dokployBackup: false, dockerCleanup: false, serverThreshold: false, slackId: SdVWxIFemz6I1XkNHaKyT,
           slack: {slackId: SdVWxIFemz6I1XkNHaKyT, webhookUrl: "********", channel: "#ops"},
           events: [app_build_error, app_deploy], organizationId: KGp7Q6e0XM3mLgiPuWIeD,
           createdAt: "2026-11-27T11:45:14.490Z"}
id:
  description: The notification's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: bGFrhyi3qp_7QQFQ-tX1F
"""

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._secrets import SECRET_MASK, mask
from ansible_collections.community.dokploy.plugins.module_utils._tree import pick
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_port, check_range, error

# Option value of events -> Dokploy's flag, in the order Dokploy lists them.
EVENTS = (
    ("app_deploy", "appDeploy"),
    ("app_build_error", "appBuildError"),
    ("database_backup", "databaseBackup"),
    ("volume_backup", "volumeBackup"),
    ("dokploy_restart", "dokployRestart"),
    ("dokploy_backup", "dokployBackup"),
    ("docker_cleanup", "dockerCleanup"),
    ("server_threshold", "serverThreshold"),
)
# Dokploy has no serverThreshold input for these types (sent, it is dropped).
WITHOUT_SERVER_THRESHOLD = ("gotify", "ntfy")
# Every type Dokploy knows: the relation of each is in every answer, null but the notification's own.
ALL_TYPES = ("slack", "telegram", "discord", "email", "resend", "gotify", "ntfy", "mattermost", "custom", "lark",
             "pushover", "teams")

URL = re.compile(r"^https?://[^/\s?#]+(?:[/?#]\S*)?$", re.I)
HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]+$")
ADDRESS = r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+"
EMAIL = re.compile(r"^%s$" % ADDRESS)
FROM = re.compile(r"^(?:%s|[^<>]*<%s>)$" % (ADDRESS, ADDRESS))
CHAT_ID = re.compile(r"^(?:-?\d+|@[A-Za-z0-9_]{4,})$")
TOPIC = re.compile(r"^[-_A-Za-z0-9]{1,64}$")
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
SPACE = re.compile(r"\s")


def check_url(value, option):
    if not URL.match(value):
        raise error(option, "%r is not a URL: write http://host/... or https://host/..." % value)
    return value


def check_word(value, option):
    """Not empty, no spaces or line breaks."""
    if not value.strip():
        raise error(option, "must not be empty")
    if SPACE.search(value):
        raise error(option, "%r must not contain spaces or line breaks" % value)
    return value


def check_secret(value, option):
    if not value.strip():
        raise error(option, "must not be empty")
    if "\n" in value or "\r" in value:
        raise error(option, "must be one line")
    return value


def check_host(value, option):
    if "://" in value:
        raise error(option, "%r must be a host name or address, without a scheme (smtp.example.com)" % value)
    if not HOST.match(value):
        raise error(option, "%r is not a host name or address" % value)
    return value


def check_from(value, option):
    if not FROM.match(value.strip()):
        raise error(option, "%r is not an email address (dokploy@example.com or Dokploy <dokploy@example.com>)"
                    % value)
    return value


def check_recipients(value, option):
    if not value:
        raise error(option, "must name at least one address")
    for address in value:
        if not isinstance(address, str) or not EMAIL.match(address):
            raise error(option, "%r is not an email address (ops@example.com)" % (address,))
    return list(value)


def check_chat_id(value, option):
    if not CHAT_ID.match(value):
        raise error(option, "%r is not a Telegram chat id: a number (-1001234567890) or @channelname" % value)
    return value


def check_thread_id(value, option):
    if value and not value.isdigit():
        raise error(option, "%r is not a message thread id: a number, or \"\" for none" % value)
    return value


def check_topic(value, option):
    if not TOPIC.match(value):
        raise error(option, "%r is not an ntfy topic: 1-64 letters, digits, - and _" % value)
    return value


def check_token(value, option):
    """An optional token: "" for none."""
    if SPACE.search(value):
        raise error(option, "must not contain spaces or line breaks")
    return value


def priority_check(lowest, highest):
    def check(value, option):
        return check_range(value, option, lowest, highest)
    return check


def check_headers(value, option):
    headers = {}
    for name, text in value.items():
        if not HEADER_NAME.match(str(name)):
            raise error(option, "%r is not an HTTP header name" % (name,))
        if isinstance(text, (dict, list)) or text is None:
            raise error(option, "the value of header %s must be text" % name)
        text = str(text).lower() if isinstance(text, bool) else str(text)
        if "\n" in text or "\r" in text:
            raise error(option, "the value of header %s must be one line" % name)
        headers[str(name)] = text
    return headers


class Setting:
    """One setting of a notification type: option, API field, argument type, check, default at create."""

    def __init__(self, option, api, kind="str", secret=False, check=None, required=False, default=None,
                 elements=None):
        self.option = option
        self.api = api
        self.kind = kind
        self.secret = secret
        self.check = check
        self.required = required
        self.default = default
        self.elements = elements

    def spec(self):
        spec = dict(type=self.kind, no_log=self.secret)
        if self.elements:
            spec["elements"] = self.elements
        return spec


# type -> (procedure suffix, its settings). Defaults at create are Dokploy web UI's.
TYPES = {
    "slack": ("Slack", (
        Setting("webhook_url", "webhookUrl", secret=True, check=check_url, required=True),
        Setting("channel", "channel", check=check_token, default=""),
    )),
    "discord": ("Discord", (
        Setting("webhook_url", "webhookUrl", secret=True, check=check_url, required=True),
        Setting("decoration", "decoration", kind="bool", default=True),
    )),
    "telegram": ("Telegram", (
        Setting("bot_token", "botToken", secret=True, check=check_secret, required=True),
        Setting("chat_id", "chatId", check=check_chat_id, required=True),
        Setting("message_thread_id", "messageThreadId", check=check_thread_id, default=""),
    )),
    "email": ("Email", (
        Setting("smtp_server", "smtpServer", check=check_host, required=True),
        Setting("smtp_port", "smtpPort", kind="int", check=check_port, required=True),
        Setting("username", "username", check=check_word, required=True),
        Setting("password", "password", secret=True, check=check_secret, required=True),
        Setting("from_address", "fromAddress", check=check_from, required=True),
        Setting("to_addresses", "toAddresses", kind="list", elements="str", check=check_recipients, required=True),
    )),
    "gotify": ("Gotify", (
        Setting("server_url", "serverUrl", check=check_url, required=True),
        Setting("app_token", "appToken", secret=True, check=check_secret, required=True),
        Setting("priority", "priority", kind="int", check=priority_check(1, 10), default=5),
        Setting("decoration", "decoration", kind="bool", default=True),
    )),
    "ntfy": ("Ntfy", (
        Setting("server_url", "serverUrl", check=check_url, required=True),
        Setting("topic", "topic", check=check_topic, required=True),
        Setting("access_token", "accessToken", secret=True, check=check_token, default=""),
        Setting("priority", "priority", kind="int", check=priority_check(1, 5), default=3),
    )),
    "custom": ("Custom", (
        Setting("endpoint", "endpoint", check=check_url, required=True),
        Setting("headers", "headers", kind="dict", secret=True, check=check_headers, default={}),
    )),
}


def child_id(kind):
    return "%sId" % kind


class Notification(Resource):
    kind = "notification"
    result_key = "notification"
    id_field = "notificationId"
    read_procedure = "notification.one"
    delete_procedure = "notification.remove"
    list_procedure = "notification.all"

    def __init__(self, dokploy):
        super(Notification, self).__init__(dokploy)
        # The settings of the type's option read as options of their own ("slack.webhook_url"): the base compares
        # them one by one, and every message names the option as a user finds it.
        params = dict(dokploy.params)
        for kind in TYPES:
            for option, value in (dokploy.params.get(kind) or {}).items():
                params["%s.%s" % (kind, option)] = value
        self.params = params
        self.type = None
        self.answers = {}  # notificationId -> Dokploy's answer, for the result
        self.use_type(self.chosen_type())

    # -- the type and what it declares ---------------------------------------

    def chosen_type(self):
        """``type``, or the one type option given; refuses the options of other types (before any request)."""
        wanted = self.params.get("type")
        given = [kind for kind in TYPES if self.params.get(kind) is not None]
        for kind in given:
            if wanted and kind != wanted:
                raise error(kind, "only the settings of the notification's type are allowed, and type is %s (give "
                                  "option %s)" % (wanted, wanted))
            if kind != given[0]:
                raise error(kind, "only one type of settings is allowed, %s is given too" % given[0])
        return wanted or (given[0] if given else None)

    def use_type(self, kind):
        """Declare the fields and the update procedure of the notification type ``kind`` (None: not known yet)."""
        self.type = kind
        self.params["type"] = kind
        self.fields = (Field("name", "name"), Field("events", "events", to_api=self.check_events))
        if kind is None:
            self.required_to_create = ("type",)
            return
        suffix, settings = TYPES[kind]
        self.create_procedure = "notification.create%s" % suffix
        # update<Type> keeps a missing key, but needs the child id and at least one setting ("No values to set"),
        # and clears an ntfy accessToken it is not sent: every setting goes back as read.
        self.writers = {"update": ("notification.update%s" % suffix,
                                   (child_id(kind),) + tuple(s.api for s in settings))}
        self.fields += tuple(Field("%s.%s" % (kind, s.option), s.api, secret=s.secret, to_api=s.check)
                             for s in settings)
        self.required_to_create = (kind,) + tuple("%s.%s" % (kind, s.option) for s in settings if s.required)

    def settings(self):
        return TYPES[self.type][1]

    def check_events(self, value, option):
        events = sorted(set(value))
        if self.type in WITHOUT_SERVER_THRESHOLD and "server_threshold" in events:
            raise error(option, "%s notifications have no server_threshold event (Dokploy does not send it "
                                "through %s)" % (self.type, self.type))
        return events

    def flags(self, events):
        flags = dict((flag, event in events) for event, flag in EVENTS)
        if self.type in WITHOUT_SERVER_THRESHOLD:
            del flags["serverThreshold"]
        return flags

    # -- the resource --------------------------------------------------------

    def validate(self):
        if self.params["state"] == "present":
            self.desired()  # every option's check, before any request

    def find(self):
        listed = self.client.query_list(self.list_procedure)
        for row in listed:  # other notifications' header values are secrets too, should a message quote them
            for value in ((row.get("custom") or {}).get("headers") or {}).values():
                self.client.secrets.add(value)
        found = pick(listed, self.params["name"], self.id_field, self.kind, "name")
        if found is None:
            return None
        kind = found.get("notificationType")
        if self.type is not None and kind != self.type:
            raise error("type", "notification %r (id %s) is of type %s, and Dokploy cannot change the type "
                                "of a notification; remove it and create it again as %s (nothing was changed)"
                        % (found.get("name"), found[self.id_field], kind, self.type))
        if self.type is None:
            if kind not in TYPES:
                if self.params["state"] == "absent":
                    return self.view(found)
                raise error("type", "notification %r (id %s) is of type %s, which this module does not "
                                    "manage" % (found.get("name"), found[self.id_field], kind))
            self.use_type(kind)
            self.desired()  # the events' check needs the type
        return self.view(found)

    def read(self, object_id):
        return self.view(self.client.query_object(self.read_procedure, **{self.id_field: object_id}))

    def view(self, answer):
        """Dokploy's answer with its own type's settings at the top (as the fields name them) and ``events``."""
        self.answers[answer[self.id_field]] = answer
        current = dict(answer)
        if self.type in TYPES:
            child = answer.get(self.type) or {}
            for setting in self.settings():
                current[setting.api] = child.get(setting.api)
                if setting.kind == "dict" and current[setting.api] is None:
                    current[setting.api] = {}  # no headers: as {} is written
        current["events"] = sorted(event for event, flag in EVENTS if answer.get(flag))
        return current

    def create_body(self, desired):
        body = dict((s.api, s.default) for s in self.settings() if s.default is not None)
        body.update((k, v) for k, v in desired.items() if k != "events")
        body.update(self.flags(desired.get("events") or []))
        return body

    def create(self, on_create, desired):
        self.test_message(self.create_body(on_create), "created")
        return super(Notification, self).create(on_create, desired)

    def after_create(self, created, desired):
        # create<Type> answers an empty body: the new notification is found again by its name.
        found = self.find()
        if found is None:
            raise DokployError("%s answered, but no notification is named %r afterwards"
                               % (self.create_procedure, self.params["name"]), procedure=self.create_procedure)
        return found[self.id_field]

    def update(self, current, changes):
        """update<Type> with the child id of the notification itself (Dokploy does not check that a child id it
        is given belongs to the notification), every setting as stored unless changed, and the events as flags."""
        procedure, required = self.writers["update"]
        body = dict((api, current[api]) for api in required if current.get(api) is not None)
        changes = dict(changes)
        events = changes.pop("events", None)
        if events is not None:
            body.update(self.flags(events))
        body.update(changes)
        body[self.id_field] = current[self.id_field]
        if any(s.api in changes for s in self.settings()):
            self.test_message(body, "changed")
        self.write(procedure, body)

    def test_message(self, body, what):
        """With test=true: Dokploy's test message through the settings of ``body``; a failure stores nothing."""
        if not self.params["test"]:
            return
        settings = dict((s.api, body[s.api] if body.get(s.api) is not None else s.default) for s in self.settings())
        settings = dict((k, v) for k, v in settings.items() if v is not None)
        procedure = "notification.test%sConnection" % TYPES[self.type][0]
        try:
            self.write(procedure, settings)
        except DokployError as exc:
            if exc.field_errors or exc.status != 400:
                raise
            raise DokployError("option test: Dokploy's test message through the new %s settings failed, so notification "
                               "%r was not %s (nothing was stored): %s"
                               % (self.type, self.params["name"], what, exc.message),
                               status=exc.status, code=exc.code, procedure=exc.procedure)

    def result(self, current):
        result = super(Notification, self).result(current)
        if current is not None:
            result[self.result_key] = self.shown_answer(self.answers.get(current[self.id_field], current))
        return result

    def shown_answer(self, answer):
        """The answer with the relations of other types left out, secrets (and each header value) masked."""
        kind = answer.get("notificationType")
        shown = dict((k, v) for k, v in answer.items()
                     if not ((k in ALL_TYPES or k in [child_id(t) for t in ALL_TYPES]) and v is None))
        own = shown.get(kind)
        if isinstance(own, dict) and isinstance(own.get("headers"), dict):
            shown[kind] = dict(own, headers=dict((name, SECRET_MASK) for name in own["headers"]))
        shown["events"] = sorted(event for event, flag in EVENTS if answer.get(flag))
        return mask(shown)


def type_options():
    return dict((kind, dict(type="dict", options=dict((s.option, s.spec()) for s in settings)))
                for kind, (_suffix, settings) in TYPES.items())


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        type=dict(type="str", choices=list(TYPES)),
        events=dict(type="list", elements="str", choices=[event for event, _flag in EVENTS]),
        test=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    argument_spec.update(type_options())
    dokploy = DokployModule(argument_spec=argument_spec, supports_check_mode=True)
    dokploy.run(lambda: Notification(dokploy).run())


if __name__ == "__main__":
    main()
