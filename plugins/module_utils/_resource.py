# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared base of the resource modules: find, compare, diff, check mode, write, read back.

A module declares a :class:`Resource` subclass: its fields (option name, API
field, which write procedure changes it, whether it is a secret), its API
procedures, and how to find the object. The base then

* compares only the options the user set, with ``null`` and ``""`` equal;
* sends nothing in check mode, and nothing at all when nothing differs;
* groups changed fields by the procedure that writes them, sending the
  untouched fields of Dokploy's all-fields ``save*`` procedures back as read;
* builds ``diff`` by option name, with every secret shown as ``********``;
* reads the object back once after a write and returns it with secrets masked.

The Resource subclasses of the single modules live in ``_resources/``, one file per resource: the class with its
fields, writers and checks, and the module's options as ``argument_spec()`` and ``MODULE_RULES`` (what the module
passes to DokployModule besides its argument spec). The module itself keeps only its documentation and a short
``main()``. Modules that converge several objects in one task (``dokploy_stack``) import these classes, so that no
field, comparison or write is implemented twice and a nested entry is validated against exactly the options of the
single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import re
import time

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError, WriteOutcomeUnknown
from ansible_collections.community.dokploy.plugins.module_utils._lock import ProjectLock
from ansible_collections.community.dokploy.plugins.module_utils._secrets import SECRET_KEYS, is_empty, mask
from ansible_collections.community.dokploy.plugins.module_utils._tree import (
    DATABASE_KINDS,
    SERVICE_KINDS,
    Tree,
    delete_request,
    pick,
)
from ansible_collections.community.dokploy.plugins.module_utils._validate import PLACEMENT_OPTIONS, check_names

# The host ports a database publishes (libsql has three, the other engines only the first).
DATABASE_PORT_FIELDS = ("externalPort", "externalGRPCPort", "externalAdminPort")

# Service option -> service kind (a database's kind is its database_type).
SERVICE_OPTIONS = {"app": "application", "compose": "compose", "database": None}

# Options that name where an object lives (or runs), or the object itself: never empty, one line.
NAME_OPTIONS = PLACEMENT_OPTIONS + ("name", "server")

# How often a create whose answer was lost is looked for and, when it did not land, sent again.
CREATE_ATTEMPTS = 3

# Dokploy's password rule for databases (changePassword's input pattern).
PASSWORD_PATTERN = re.compile(r"^[a-zA-Z0-9@#%^&*()_+\-=\[\]{}|;:,.<>?~`]*$")

_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "ki": 1024, "kib": 1024,
               "m": 1024 ** 2, "mb": 1024 ** 2, "mi": 1024 ** 2, "mib": 1024 ** 2,
               "g": 1024 ** 3, "gb": 1024 ** 3, "gi": 1024 ** 3, "gib": 1024 ** 3}


# Docker refuses a memory limit or reservation below 6 MiB when it starts the service.
DOCKER_MIN_MEMORY = 6 * 1024 ** 2


def memory_to_api(value, option):
    """``512M``, ``1G``, ``268435456`` -> bytes as Dokploy stores them (a decimal string)."""
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$", str(value))
    unit = match.group(2).lower() if match else None
    if not match or unit not in _SIZE_UNITS:
        raise DokployError("option %s: %r is not a size; use bytes or a number with K, M or G (512M, 1G)"
                           % (option, value))
    size = int(float(match.group(1)) * _SIZE_UNITS[unit])
    if size < DOCKER_MIN_MEMORY:
        raise DokployError("option %s: %r is %d bytes, below Docker's minimum of 6M; a number without a unit is "
                           "bytes (write 512M for megabytes)" % (option, value, size))
    return str(size)


def memory_from_api(value):
    """Bytes as Dokploy stores them -> the shortest exact size an option takes (``268435456`` -> ``256M``)."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return value
    for unit, factor in (("G", 1024 ** 3), ("M", 1024 ** 2), ("K", 1024)):
        if size and size % factor == 0:
            return "%d%s" % (size // factor, unit)
    return str(size)


def cpus_to_api(value, option):
    """``0.5`` CPUs -> nano-CPUs as Dokploy stores them (a decimal string)."""
    try:
        cpus = float(value)
    except (TypeError, ValueError):
        raise DokployError("option %s: %r is not a number of CPUs (for example 0.5 or 2)" % (option, value))
    if cpus <= 0:
        raise DokployError("option %s: must be more than 0" % option)
    return str(int(round(cpus * 1e9)))


def cpus_from_api(value):
    """Nano-CPUs -> CPUs (``500000000`` -> ``0.5``)."""
    try:
        cpus = int(value) / 1e9
    except (TypeError, ValueError):
        return value
    return int(cpus) if cpus == int(cpus) else cpus


def check_password(value, option):
    """Refuse what Dokploy's password rule would refuse, before any request."""
    if not PASSWORD_PATTERN.match(value):
        raise DokployError("option %s: Dokploy accepts only letters, digits and @#%%^&*()_+-=[]{}|;:,.<>?~` "
                           "in database passwords (no spaces, $, !, quotes or slashes)" % option)
    return value


def same(current, wanted):
    """Equal as Dokploy means it: null and "" alike, numbers whether sent as text or not."""
    if is_empty(current) and is_empty(wanted):
        return True
    if isinstance(current, bool) or isinstance(wanted, bool):
        return current is wanted
    if isinstance(current, (int, float)) or isinstance(wanted, (int, float)):
        return str(current) == str(wanted)
    return current == wanted


class Field:
    """One option of a module and the API field it sets.

    ``writer`` names the procedure group that changes it on an existing object
    (a key of :attr:`Resource.writers`); None means it can only be set at create.
    ``to_api`` converts the option's value (and raises a DokployError naming the option);
    ``from_api`` converts a stored value back to the option's form, for diffs.
    """

    def __init__(self, option, api, writer="update", secret=False, to_api=None, on_create=True, from_api=None):
        self.option = option
        self.api = api
        self.writer = writer
        self.secret = secret
        self.to_api = to_api
        self.on_create = on_create
        self.from_api = from_api


# Memory and CPU of a service, the same options and API fields for applications and databases.
LIMIT_FIELDS = (
    Field("memory_limit", "memoryLimit", to_api=memory_to_api, from_api=memory_from_api, on_create=False),
    Field("memory_reservation", "memoryReservation", to_api=memory_to_api, from_api=memory_from_api,
          on_create=False),
    Field("cpu_limit", "cpuLimit", to_api=cpus_to_api, from_api=cpus_from_api, on_create=False),
    Field("cpu_reservation", "cpuReservation", to_api=cpus_to_api, from_api=cpus_from_api, on_create=False),
)


def limits_argument_spec():
    return dict(memory_limit=dict(type="str"), memory_reservation=dict(type="str"),
                cpu_limit=dict(type="float"), cpu_reservation=dict(type="float"))


class Vanished(DokployError):
    """The object a write was for no longer exists."""


# Objects of the organization an option may name: what lists them all, their id and their name in that list.
ORGANIZATION_LISTS = {
    "destination": ("destination.all", "destinationId", "name"),
    "registry": ("registry.all", "registryId", "registryName"),
    "server": ("server.all", "serverId", "name"),
    "SSH key": ("sshKey.all", "sshKeyId", "name"),
    "tag": ("tag.all", "tagId", "name"),
}


class Resource:
    """One Dokploy object a module makes present or absent. Subclasses declare, the base acts."""

    kind = None            # the word used in messages: "project", "application"...
    result_key = None      # the key of the returned object
    id_field = None        # "projectId"
    read_procedure = None  # "project.one"
    create_procedure = None
    delete_procedure = None
    # writer group -> (procedure, API fields it requires: all of them are sent, untouched ones as read)
    writers = {}
    fields = ()
    # Options a create cannot do without (optional for an existing object): checked before any write.
    required_to_create = ()
    # Objects of the organization itself (ssh keys, certificates, registries...): the procedure that lists
    # them all, and the key of their name in that list (see find_listed).
    list_procedure = None
    name_field = "name"
    # Whether the module takes the option ``server``: the remote server a service runs on (see placement).
    placed = False

    def __init__(self, dokploy):
        self.dokploy = dokploy
        self.client = dokploy.client
        self.params = dokploy.params
        self.check_mode = dokploy.module.check_mode
        self.tree = Tree(self.client)
        self.before = {}
        self.after = {}
        self.changed = False
        self.extra = {}
        # What this run created, newest last, as (label, delete procedure, body): undone when a later step fails.
        self.made = []
        self.listed = None  # the row find_listed() picked
        self.lists = {}  # ORGANIZATION_LISTS procedure -> its answer, read once per run
        self.missing = []  # what missing_parent() met, in check mode
        self.missing_errors = []  # (what, the error it is outside check mode), for callers that plan in check mode
        self.server_found = None  # the server the option ``server`` names, once placement_server() looked
        self.server_looked_up = False

    # -- what subclasses declare ---------------------------------------------

    def validate(self):
        """Check the options before any request; raise DokployError naming the option."""

    def find(self):
        """The object as ``read_procedure`` answers it, or None when it does not exist."""
        raise NotImplementedError

    def create_body(self, desired):
        """The body of ``create_procedure`` (add the parent's id)."""
        raise NotImplementedError

    def after_create(self, created, desired):
        """The new object's id: from the create answer, or found again when Dokploy answers ``true``."""
        return created[self.id_field]

    def check_absent(self, current):
        """Raise a DokployError when ``current`` must not be removed."""

    def check_present(self, current, desired):
        """Raise a DokployError when making ``desired`` true would lose data (a guard); ``current`` may be None."""

    def compare_secret(self, field, current):
        """Whether a secret option is compared with what the server holds (see update_password)."""
        return self.params.get("update_password", "always") == "always"

    def lock_scope(self):
        """What forks must not change at the same time: by default the project the task names."""
        return self.params.get("project") or self.params.get("name")

    # -- the shared flow -----------------------------------------------------

    def check_input(self):
        """Everything checked before any request: the names every module takes, then the module's own rules."""
        check_names(self.params, NAME_OPTIONS)
        self.validate()

    def run(self):
        self.check_input()
        with self.serialized():
            try:
                current = self.find()
                if self.params.get("state", "present") == "absent":
                    self.absent(current)
                else:
                    current = self.present(current)
            except DokployError as exc:
                raise self.undo(exc)
        return self.result(current)

    def serialized(self):
        """The machine-wide lock on :meth:`lock_scope` of this server; none in check mode (nothing is written),
        nor when the caller holds it already (dokploy_stack locks its project once for all its objects)."""
        if self.check_mode or getattr(self.dokploy, "holds_lock", False):
            return _Unlocked()
        return ProjectLock(self.client.base_url, self.lock_scope())

    def desired(self):
        """The API values of the options the user set."""
        values = {}
        for field in self.fields:
            value = self.params.get(field.option)
            if value is not None:
                values[field.api] = field.to_api(value, field.option) if field.to_api else value
        return values

    def present(self, current):
        desired = self.desired()
        if current is None:
            missing = [o for o in self.required_to_create if self.params.get(o) is None]
            if missing:
                # Refused before anything is sent, in check mode too: the create would fail.
                raise DokployError("option %s: required to create a %s" % (missing[0], self.kind))
            server_id = self.placement(None)
            self.check_present(None, desired)
            self.changed = True
            self.after = self.masked_fields(desired, side="after")
            if self.placed and self.params.get("server") is not None:
                self.after["server"] = self.params["server"]
            if self.check_mode:
                return None
            on_create = set(f.api for f in self.fields if f.on_create)
            on_create = dict((k, v) for k, v in desired.items() if k in on_create)
            if server_id:
                on_create["serverId"] = server_id
            current = self.create(on_create, desired)
            # What create does not take is written next, by the procedures that change it.
            rest = self.changes(current, desired)
            if rest:
                self.update(current, rest)
                current = self.read(current[self.id_field])
            return current
        self.placement(current)
        changes = self.changes(current, desired)
        if not changes:
            return current
        self.check_present(current, changes)
        self.changed = True
        self.before = self.masked_fields(dict((api, current.get(api)) for api in changes), side="before")
        self.after = self.masked_fields(changes, side="after")
        if self.check_mode:
            return current
        self.update(current, changes)
        return self.read(current[self.id_field])

    def create(self, on_create, desired):
        """Create the object once, read it, and remember how to undo it."""
        created, found = self.create_once(self.create_procedure, self.create_body(on_create), self.find)
        current = found if found is not None else self.read(self.after_create(created, desired))
        self.made.append(("%s %s" % (self.kind, current.get(self.id_field)), self.delete_procedure,
                          self.delete_body(current)))
        return current

    def create_once(self, procedure, body, look_again):
        """Send a create so that it lands once: ``(answer, None)``, or ``(None, found)`` when a lost one had landed.

        A create whose answer was lost (reset, timeout, 502/503/504) may have landed: it is never
        sent blindly again. The object is looked for with ``look_again`` (on a fresh read of the
        tree); only when it is absent is the create sent again.
        """
        attempt = 0
        while True:
            try:
                return self.write(procedure, body), None
            except WriteOutcomeUnknown:
                # Give a slow server a moment to finish what it may have started.
                time.sleep(self.client.backoff_factor * (2 ** attempt) * (1 + random.random()))
                self.tree = Tree(self.client)
                found = look_again()
                if found is not None:
                    return None, found
                attempt += 1
                if attempt == CREATE_ATTEMPTS:
                    raise

    def undo(self, error):
        """After a failed step: remove what this run created (newest first) and say so in the error."""
        if not self.made or self.check_mode:
            return error
        removed, left = [], []
        for label, procedure, body in reversed(self.made):
            try:
                self.client.mutate(procedure, body)
                removed.append(label)
            except DokployError:
                left.append(label)
        self.made = []
        message = error.message
        if removed:
            message += "; this task removed what it had created (%s)" % ", ".join(removed)
        if left:
            message += "; left behind, remove by hand: %s" % ", ".join(left)
        return type(error)(message, status=error.status, code=error.code, procedure=error.procedure,
                           field_errors=error.field_errors)

    def changes(self, current, desired):
        fields = dict((f.api, f) for f in self.fields)
        if current.get(self.id_field) == self.params.get("name"):
            desired = dict((k, v) for k, v in desired.items() if k != "name")  # named by its id, not renamed
        changes = {}
        for api, value in desired.items():
            field = fields[api]
            if field.secret and not self.compare_secret(field, current):
                continue
            if not same(current.get(api), value):
                if field.writer is None:
                    raise DokployError("option %s: cannot be changed once the %s exists (it is %r); "
                                       "remove and recreate the %s to change it"
                                       % (field.option, self.kind, self.shown(field, current.get(api), "before"),
                                          self.kind))
                changes[api] = value
        return changes

    def update(self, current, changes):
        """Send each changed field through the procedure that writes it, in declaration order."""
        for procedure, body in self.writer_bodies(current, changes):
            self.write(procedure, body)

    def writer_bodies(self, current, changes):
        """(procedure, body) of each write ``changes`` need; a body holds the fields its procedure requires, as read."""
        by_writer = {}
        for field in self.fields:
            if field.api in changes:
                by_writer.setdefault(field.writer, {})[field.api] = changes[field.api]
        bodies = []
        for writer, (procedure, required) in self.writers.items():
            if writer not in by_writer:
                continue
            body = dict((api, current.get(api)) for api in required)
            body.update(by_writer[writer])
            body[self.id_field] = current[self.id_field]
            bodies.append((procedure, body))
        return bodies

    def absent(self, current):
        if current is None:
            return
        self.check_absent(current)
        self.changed = True
        self.before = self.masked_fields(self.identity(current))
        if not self.check_mode:
            try:
                self.write(self.delete_procedure, self.delete_body(current))
            except Vanished:
                pass  # gone already: a retried delete whose first answer was lost, or another task's

    def delete_body(self, current):
        return {self.id_field: current[self.id_field]}

    def read(self, object_id):
        return self.client.query_object(self.read_procedure, **{self.id_field: object_id})

    def write(self, procedure, body):
        """Send a write; a 400 names the options at fault, a vanished object says so."""
        try:
            return self.client.mutate(procedure, body)
        except WriteOutcomeUnknown:
            raise
        except DokployError as exc:
            object_id = body.get(self.id_field)
            # Dokploy answers 404 or a bare 400 ("Error updating ...") for an unknown id: tell which.
            if object_id and exc.status in (400, 404) and not exc.field_errors and self.vanished(object_id):
                raise Vanished("%s %s no longer exists: it was removed while this task ran (%s)"
                               % (self.kind, object_id, exc), status=404, code="NOT_FOUND", procedure=procedure)
            raise exc.with_option_names(dict((f.api, f.option) for f in self.fields))

    def vanished(self, object_id):
        try:
            self.read(object_id)
        except DokployError as exc:
            return exc.status == 404
        return False

    def find_listed(self, ref, option="name", read=True):
        """An object of the organization (not of a project) by id or name, as ``read_procedure`` answers it
        (with ``read=False``: as its list shows it, when that holds all the module compares).

        Names are not unique in Dokploy: several objects with the name ``ref`` is an error listing their
        ids (``pick``), never a guess. None when there is none. The listed row stays in ``self.listed``
        (some lists embed what ``read_procedure`` leaves out).
        """
        listed = self.client.query_list(self.list_procedure)
        self.listed = pick(listed, ref, self.id_field, self.kind, option, name_field=self.name_field)
        if not read or not self.listed:
            return self.listed
        return self.read(self.listed[self.id_field])

    def referenced(self, what, ref, option):
        """The organization's object (registry, server...) an option names by id or name, as its list shows it.

        Shared names fail closed (``pick``). One that does not exist is an error naming the option, or in check
        mode a missing parent that an earlier task of the play would create (then None).
        """
        procedure, id_field, name_field = ORGANIZATION_LISTS[what]
        found = pick(self.organization_list(what), ref, id_field, what, option, name_field=name_field)
        if found is None:
            self.missing_parent("%s %r" % (what, ref), "option %s: no %s is named %r or has that id" % (option, what, ref))
        return found

    def organization_list(self, what):
        """Every object of the organization of a kind of ORGANIZATION_LISTS, read once per run."""
        procedure = ORGANIZATION_LISTS[what][0]
        if procedure not in self.lists:
            self.lists[procedure] = self.client.query_list(procedure)
        return self.lists[procedure]

    def report_dependents(self, current, key, users, relation, consequence):
        """Removing ``current`` affects ``users`` (what uses it): returned under ``key`` and said in one warning."""
        if not users:
            return
        self.extra[key] = users
        self.dokploy.warn("%s %r %s %s %s; %s" % (
            self.kind, current.get(self.name_field), "would be removed while" if self.check_mode else "was removed while",
            relation, ", ".join(users), consequence))

    def missing_parent(self, what, error):
        """A parent that does not exist: ``error`` (naming the option), except in check mode.

        In check mode an earlier task of the play would create it: the object is reported as to be
        created with it, and nothing fails (several missing ones are all named).
        """
        if not self.check_mode:
            raise DokployError(error)
        self.changed = True
        self.missing.append("%s does not exist yet" % what)
        self.missing_errors.append((what, error))
        self.extra["missing_parent"] = "%s (an earlier task of the play would create %s)" % (
            "; ".join(self.missing), "them" if len(self.missing) > 1 else "it")

    def placement(self, current):
        """The option ``server`` checked against the service ``current`` (None: to be created).

        Returns the id of the server a create places the service on: None for Dokploy's own host (no option),
        or in check mode for a server an earlier task would create (``missing_parent``). Dokploy places a service
        when it creates it (``<kind>.create`` takes ``serverId``) and no update moves it, so on an existing
        service another server than the one it is on is an error naming the option, raised before any write.
        The same server, by name or id, is no change; without the option, where a service runs does not matter.
        ``<kind>.one`` shows the service's server: ``server.all`` is read only to create, or on a mismatch.
        """
        ref = self.params.get("server") if self.placed else None
        if ref is None:
            return None
        if current is None:
            server = self.placement_server(ref)
            return server["serverId"] if server else None
        on = current.get("serverId")
        shown = current.get("server") or {}
        if on and ref in (on, shown.get("name")):
            return on
        server = self.placement_server(ref)  # a server that does not exist is an error naming the option
        if on and server is not None and server["serverId"] == on:
            return on
        where = "server %r (id %s)" % (shown.get("name"), on) if on else "Dokploy's own host (no server)"
        raise DokployError("option server: %s %r runs on %s, and Dokploy cannot move a service to another "
                           "server; remove the %s and create it again to run it on %r"
                           % (self.kind, current.get("name"), where, self.kind, ref))

    def placement_server(self, ref):
        """The server the option ``server`` names, from ``server.all`` read once (see referenced)."""
        if not self.server_looked_up:
            self.server_found = self.referenced("server", ref, "server")
            self.server_looked_up = True
        return self.server_found

    def environment(self, create_missing=False):
        """The environment the options ``project`` and ``environment`` name, or None when it does not exist.

        With ``create_missing``, a missing project or environment is created (outside check mode) and
        the change is reported; without it, a missing one is an error naming the option, except in check
        mode, where an earlier task would create it. For ``state=absent`` a missing one just means there is
        nothing to remove.
        """
        absent = self.params.get("state") == "absent"
        name = self.params["project"]
        project = self.tree.project(name)
        if project is None:
            if absent:
                return None
            if not create_missing:
                self.missing_parent("project %r" % name, "option project: no project is named %r or has that id" % name)
                return None
            self.placement(None)  # what the service's create needs is looked up before anything is created
            self.changed = True
            self.extra["created_project"] = name
            if self.check_mode:
                return None
            created, found = self.create_once("project.create", {"name": name}, lambda: self.tree.project(name))
            project = found or dict(created["project"], environments=[created["environment"]])
            self.made.append(("project %s" % project["projectId"], "project.remove", {"projectId": project["projectId"]}))
        environment = self.tree.environment(project, self.params.get("environment"))
        if environment is None:
            wanted = self.params.get("environment")
            if absent:
                return None
            if not create_missing:
                self.missing_parent("environment %r of project %r" % (wanted, project.get("name")),
                                    "option environment: project %r has no environment named %r or with that id"
                                    % (project.get("name"), wanted))
                return None
            self.placement(None)
            self.changed = True
            self.extra["created_environment"] = wanted
            if self.check_mode:
                return None
            project_id = project["projectId"]
            created, found = self.create_once(
                "environment.create", {"name": wanted, "projectId": project_id},
                lambda: self.tree.environment(self.tree.project(project_id) or {}, wanted))
            environment = found or created
            if not any(label.startswith("project ") for label, _p, _b in self.made):
                self.made.append(("environment %s" % environment["environmentId"], "environment.remove",
                                  {"environmentId": environment["environmentId"]}))
        return environment

    def remove_services(self, environments, what):
        """Before removing a project or environment: each service through its own delete, or an error.

        Dokploy refuses to remove an environment that holds services, and removing a project only drops
        database rows, leaving containers and routes behind; its own service deletes clean those up.
        """
        self.remove_these_services([s for environment in environments for s in self.tree.all_services(environment)],
                                   what)

    def remove_these_services(self, services, what):
        """Each of ``services`` ((kind, id, name), held by ``what``) through its own delete, or an error without force."""
        if not services:
            return
        if not self.params.get("force"):
            raise DokployError("option force: %s still holds %d services (%s); set force: true to remove them "
                               "with it" % (what, len(services), ", ".join("%s %s" % (k, n) for k, _i, n in services)))
        self.extra["removed_services"] = ["%s %s" % (kind, name) for kind, _id, name in services]
        if not self.check_mode:
            for kind, service_id, _name in services:
                try:
                    self.write(*delete_request(kind, service_id))
                except Vanished:
                    pass

    def named_service(self, environment, options=tuple(SERVICE_OPTIONS), missing_ok=None):
        """(kind, service) named by whichever of ``options`` (app, compose, database) is set.

        (None, None) when none is set. A missing service is (kind, None) when ``missing_ok``
        (by default: with state=absent, there is nothing to remove) or in check mode (an earlier task
        would create it), else an error naming the option.
        """
        option = next((o for o in options if self.params.get(o)), None)
        if option is None:
            return None, None
        kind = SERVICE_OPTIONS[option] or self.params["database_type"]
        if environment is None:
            return kind, None  # the parents are missing already (absent, or check mode)
        service = self.tree.service(environment, kind, self.params[option], option=option)
        if missing_ok is None:
            missing_ok = self.params.get("state") == "absent"
        if service is None and not missing_ok:
            self.missing_parent("%s %r" % (kind, self.params[option]),
                                "option %s: no %s is named %r or has that id in environment %r"
                                % (option, kind, self.params[option], environment.get("name")))
        return kind, service

    def port_user(self, port, protocol="tcp", exclude=None):
        """The service (``"application web"``) that already publishes ``port``, else None.

        Reads every application's ports and every database's external ports of the organization: called
        only when a port is about to be published, since Dokploy itself checks nothing (an application's
        clash shows only when its deployment fails).
        """
        for environment, where in self.tree.environments():
            for app in environment.get("applications") or []:
                if app.get("applicationId") == exclude:
                    continue
                ports = self.client.query_object("application.one", applicationId=app["applicationId"])
                for published in ports.get("ports") or []:
                    if same(published.get("publishedPort"), port) and published.get("protocol", "tcp") == protocol:
                        return "application %s (%s)" % (app.get("name"), where)
            for kind in DATABASE_KINDS:
                id_field = SERVICE_KINDS[kind][1]
                for listed in environment.get(SERVICE_KINDS[kind][0]) or []:
                    if listed.get(id_field) == exclude:
                        continue
                    database = self.client.query_object("%s.one" % kind, **{id_field: listed[id_field]})
                    if protocol == "tcp" and any(same(database.get(f), port) for f in DATABASE_PORT_FIELDS):
                        return "%s database %s (%s)" % (kind, database.get("name"), where)
        return None

    def identity(self, current):
        return dict((k, current.get(k)) for k in (self.id_field, "name") if k in current)

    def shown(self, field, value, side):
        """A value as the diff shows it: what the user wrote (after), the option's form of what is stored (before)."""
        if field is None:
            return value
        if side == "after" and field.to_api and self.params.get(field.option) is not None:
            return self.params[field.option]
        if field.from_api and value is not None:
            return field.from_api(value)
        return value

    def masked_fields(self, values, side=None):
        """API values as the diff shows them: by option name, in the option's units, secrets masked."""
        fields = dict((f.api, f) for f in self.fields)
        secrets = set(f.api for f in self.fields if f.secret) | SECRET_KEYS
        shown = {}
        for api, value in values.items():
            field = fields.get(api)
            shown[field.option if field else api] = mask({api: self.shown(field, value, side)}, secrets)[api]
        return shown

    def result(self, current):
        result = dict(changed=self.changed, diff=dict(before=self.before, after=self.after))
        result[self.result_key] = mask(current) if current is not None else {}
        result["id"] = current.get(self.id_field) if current else None
        result.update(self.extra)
        return result


class _Unlocked:
    """The lock's stand-in where nothing is written."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
