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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.community.dokploy.plugins.module_utils._client import SECRET_MASK, DokployError
from ansible_collections.community.dokploy.plugins.module_utils._tree import Tree, delete_request

# Service option -> service kind (a database's kind is its database_type).
SERVICE_OPTIONS = {"app": "application", "compose": "compose", "database": None}

# API fields whose values are secrets wherever they appear in an answer.
SECRET_KEYS = frozenset([
    "env", "previewEnv", "buildArgs", "buildSecrets", "previewBuildArgs", "previewBuildSecrets",
    "password", "databasePassword", "databaseRootPassword", "refreshToken", "token", "privateKey",
    "apiKey", "secret", "customGitSSHKey",
])

# Dokploy's password rule for databases (changePassword's input pattern).
PASSWORD_PATTERN = re.compile(r"^[a-zA-Z0-9@#%^&*()_+\-=\[\]{}|;:,.<>?~`]*$")

_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "ki": 1024, "kib": 1024,
               "m": 1024 ** 2, "mb": 1024 ** 2, "mi": 1024 ** 2, "mib": 1024 ** 2,
               "g": 1024 ** 3, "gb": 1024 ** 3, "gi": 1024 ** 3, "gib": 1024 ** 3}


def memory_to_api(value, option):
    """``512M``, ``1G``, ``268435456`` -> bytes as Dokploy stores them (a decimal string)."""
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$", str(value))
    unit = match.group(2).lower() if match else None
    if not match or unit not in _SIZE_UNITS:
        raise DokployError("option %s: %r is not a size; use bytes or a number with K, M or G (512M, 1G)"
                           % (option, value))
    size = int(float(match.group(1)) * _SIZE_UNITS[unit])
    if size <= 0:
        raise DokployError("option %s: must be more than 0" % option)
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


def check_password(value, option):
    """Refuse what Dokploy's password rule would refuse, before any request."""
    if not PASSWORD_PATTERN.match(value):
        raise DokployError("option %s: Dokploy accepts only letters, digits and @#%%^&*()_+-=[]{}|;:,.<>?~` "
                           "in database passwords (no spaces, $, !, quotes or slashes)" % option)
    return value


def is_empty(value):
    return value is None or value == "" or value == []


def same(current, wanted):
    """Equal as Dokploy means it: null and "" alike, numbers whether sent as text or not."""
    if is_empty(current) and is_empty(wanted):
        return True
    if isinstance(current, bool) or isinstance(wanted, bool):
        return current is wanted
    if isinstance(current, (int, float)) or isinstance(wanted, (int, float)):
        return str(current) == str(wanted)
    return current == wanted


def mask(value, secret_keys=SECRET_KEYS):
    """A copy of an API answer with every secret replaced by ``********``."""
    if isinstance(value, dict):
        return dict((k, SECRET_MASK if k in secret_keys and not is_empty(v) else mask(v, secret_keys))
                    for k, v in value.items())
    if isinstance(value, list):
        return [mask(v, secret_keys) for v in value]
    return value


class Field:
    """One option of a module and the API field it sets.

    ``writer`` names the procedure group that changes it on an existing object
    (a key of :attr:`Resource.writers`); None means it can only be set at create.
    ``to_api`` converts the option's value (and raises a DokployError naming the option).
    """

    def __init__(self, option, api, writer="update", secret=False, to_api=None, on_create=True):
        self.option = option
        self.api = api
        self.writer = writer
        self.secret = secret
        self.to_api = to_api
        self.on_create = on_create


# Memory and CPU of a service, the same options and API fields for applications and databases.
LIMIT_FIELDS = (
    Field("memory_limit", "memoryLimit", to_api=memory_to_api, on_create=False),
    Field("memory_reservation", "memoryReservation", to_api=memory_to_api, on_create=False),
    Field("cpu_limit", "cpuLimit", to_api=cpus_to_api, on_create=False),
    Field("cpu_reservation", "cpuReservation", to_api=cpus_to_api, on_create=False),
)


def limits_argument_spec():
    return dict(memory_limit=dict(type="str"), memory_reservation=dict(type="str"),
                cpu_limit=dict(type="float"), cpu_reservation=dict(type="float"))


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

    def compare_secret(self, field, current):
        """Whether a secret option is compared with what the server holds (see update_password)."""
        return self.params.get("update_password", "always") == "always"

    # -- the shared flow -----------------------------------------------------

    def run(self):
        self.validate()
        current = self.find()
        if self.params.get("state", "present") == "absent":
            self.absent(current)
        else:
            current = self.present(current)
        return self.result(current)

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
            self.changed = True
            self.after = self.masked_fields(desired)
            if self.check_mode:
                return None
            on_create = set(f.api for f in self.fields if f.on_create)
            body = self.create_body(dict((k, v) for k, v in desired.items() if k in on_create))
            current = self.read(self.after_create(self.write(self.create_procedure, body), desired))
            # What create does not take is written next, by the procedures that change it.
            rest = self.changes(current, desired)
            if rest:
                self.update(current, rest)
                current = self.read(current[self.id_field])
            return current
        changes = self.changes(current, desired)
        if not changes:
            return current
        self.changed = True
        self.before = self.masked_fields(dict((api, current.get(api)) for api in changes))
        self.after = self.masked_fields(changes)
        if self.check_mode:
            return current
        self.update(current, changes)
        return self.read(current[self.id_field])

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
                                       % (field.option, self.kind, current.get(api), self.kind))
                changes[api] = value
        return changes

    def update(self, current, changes):
        """Send each changed field through the procedure that writes it, in declaration order."""
        by_writer = {}
        for field in self.fields:
            if field.api in changes:
                by_writer.setdefault(field.writer, {})[field.api] = changes[field.api]
        for writer, (procedure, required) in self.writers.items():
            if writer not in by_writer:
                continue
            body = dict((api, current.get(api)) for api in required)
            body.update(by_writer[writer])
            body[self.id_field] = current[self.id_field]
            self.write(procedure, body)

    def absent(self, current):
        if current is None:
            return
        self.check_absent(current)
        self.changed = True
        self.before = self.masked_fields(self.identity(current))
        if not self.check_mode:
            self.write(self.delete_procedure, self.delete_body(current))

    def delete_body(self, current):
        return {self.id_field: current[self.id_field]}

    def read(self, object_id):
        return self.client.query(self.read_procedure, **{self.id_field: object_id})

    def write(self, procedure, body):
        """Send a write; a 400 names the options at fault, a vanished object says so."""
        try:
            return self.client.mutate(procedure, body)
        except DokployError as exc:
            object_id = body.get(self.id_field)
            # Dokploy answers 404 or a bare 400 ("Error updating ...") for an unknown id: tell which.
            if object_id and exc.status in (400, 404) and not exc.field_errors and self.vanished(object_id):
                raise DokployError("%s %s no longer exists: it was removed while this task ran (%s)"
                                   % (self.kind, object_id, exc), status=404, code="NOT_FOUND",
                                   procedure=procedure)
            raise exc.with_option_names(dict((f.api, f.option) for f in self.fields))

    def vanished(self, object_id):
        try:
            self.read(object_id)
        except DokployError as exc:
            return exc.status == 404
        return False

    def environment(self, create_missing=False):
        """The environment the options ``project`` and ``environment`` name, or None when it does not exist.

        With ``create_missing``, a missing project or environment is created (outside check mode) and
        the change is reported; without it, a missing one is an error naming the option. For
        ``state=absent`` a missing one just means there is nothing to remove.
        """
        absent = self.params.get("state") == "absent"
        project = self.tree.project(self.params["project"])
        if project is None:
            if absent:
                return None
            if not create_missing:
                raise DokployError("option project: no project is named %r or has that id"
                                   % self.params["project"])
            self.changed = True
            self.extra["created_project"] = self.params["project"]
            if self.check_mode:
                return None
            created = self.write("project.create", {"name": self.params["project"]})
            project = dict(created["project"], environments=[created["environment"]])
        environment = self.tree.environment(project, self.params.get("environment"))
        if environment is None:
            if absent:
                return None
            if not create_missing:
                raise DokployError("option environment: project %r has no environment named %r or with that id"
                                   % (project.get("name"), self.params.get("environment")))
            self.changed = True
            self.extra["created_environment"] = self.params["environment"]
            if self.check_mode:
                return None
            environment = self.write("environment.create", {"name": self.params["environment"],
                                                            "projectId": project["projectId"]})
        return environment

    def remove_services(self, environments, what):
        """Before removing a project or environment: each service through its own delete, or an error.

        Dokploy refuses to remove an environment that holds services, and removing a project only drops
        database rows, leaving containers and routes behind; its own service deletes clean those up.
        """
        services = [s for environment in environments for s in self.tree.all_services(environment)]
        if not services:
            return
        if not self.params.get("force"):
            raise DokployError("option force: %s still holds %d services (%s); set force: true to remove them "
                               "with it" % (what, len(services), ", ".join("%s %s" % (k, n) for k, _i, n in services)))
        self.extra["removed_services"] = ["%s %s" % (kind, name) for kind, _id, name in services]
        if not self.check_mode:
            for kind, service_id, _name in services:
                self.write(*delete_request(kind, service_id))

    def named_service(self, environment, options=tuple(SERVICE_OPTIONS), missing_ok=None):
        """(kind, service) named by whichever of ``options`` (app, compose, database) is set.

        (None, None) when none is set. A missing service is (kind, None) when ``missing_ok``
        (by default: with state=absent, there is nothing to remove), else an error naming the option.
        """
        option = next((o for o in options if self.params.get(o)), None)
        if option is None:
            return None, None
        kind = SERVICE_OPTIONS[option] or self.params["database_type"]
        service = self.tree.service(environment, kind, self.params[option], option=option)
        if missing_ok is None:
            missing_ok = self.params.get("state") == "absent"
        if service is None and not missing_ok:
            raise DokployError("option %s: no %s is named %r or has that id in environment %r"
                               % (option, kind, self.params[option], environment.get("name")))
        return kind, service

    def identity(self, current):
        return dict((k, current.get(k)) for k in (self.id_field, "name") if k in current)

    def masked_fields(self, values):
        """API values as the diff shows them: by option name, secrets masked."""
        options = dict((f.api, f.option) for f in self.fields)
        secrets = set(f.api for f in self.fields if f.secret) | SECRET_KEYS
        return dict((options.get(api, api), mask({api: value}, secrets)[api]) for api, value in values.items())

    def result(self, current):
        result = dict(changed=self.changed, diff=dict(before=self.before, after=self.after))
        result[self.result_key] = mask(current) if current is not None else {}
        result["id"] = current.get(self.id_field) if current else None
        result.update(self.extra)
        return result
