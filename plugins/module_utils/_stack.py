# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""dokploy_stack: one project converged from one declaration, by the resource classes of the single modules.

Each entry of the declaration is validated against exactly the options of its single module
(``dokploy_app``, ``dokploy_domain``...) and then run through that module's resource class: there is
no second implementation of any field, comparison or write. The stack adds what one task for many
objects needs:

* every entry is checked before any request, and every object is planned (in check mode, with no
  write) before the first write, so a bad entry anywhere stops the run before anything changes;
* the client answers repeated reads from memory until a write, and the children a service's
  ``<kind>.one`` already holds are not read again: a converge that changes nothing reads the tree
  once and each service once;
* the project is locked once for the whole run;
* what changed is deployed at the end, all at once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re
import threading

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._deployments import (
    Deployments,
    check_wait_options,
    wait_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._lock import ProjectLock
from ansible_collections.community.dokploy.plugins.module_utils._resource import ORGANIZATION_LISTS, _Unlocked, same
from ansible_collections.community.dokploy.plugins.module_utils._resources import (
    app,
    backup,
    basic_auth,
    compose,
    database,
    domain,
    env,
    environment,
    mount,
    port,
    project,
    redirect,
    volume_backup,
)
from ansible_collections.community.dokploy.plugins.module_utils._secrets import (
    MIN_SECRET,
    SECRET_MASK,
    mask_url,
    url_secrets,
)
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS, Tree
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_positive


class EntryKind:
    """One list of the declaration (``apps``, ``domains``...) and the single module its entries are options of."""

    def __init__(self, kind, module, resource, options, identity=(), parent_option=None, children=()):
        self.kind = kind            # the plan's ``kind``: the module's name without dokploy_
        self.module = module
        self.resource = resource
        self.spec = options.argument_spec()  # ``options``: the module_utils/_resources file of the module
        self.rules = options.MODULE_RULES
        self.identity = identity    # options that tell two entries of one service apart (children)
        self.parent_option = parent_option  # the option a child module names this service with (services)
        self.children = children    # the child lists an entry of this service may hold (services)


CHILDREN = {
    "domains": EntryKind("domain", "dokploy_domain", domain.Domain, domain,
                         identity=("host", "path", "service_name")),
    "mounts": EntryKind("mount", "dokploy_mount", mount.Mount, mount, identity=("mount_path",)),
    "ports": EntryKind("port", "dokploy_port", port.Port, port, identity=("published_port", "protocol")),
    "redirects": EntryKind("redirect", "dokploy_redirect", redirect.Redirect, redirect,
                           identity=("regex",)),
    "basic_auth": EntryKind("basic_auth", "dokploy_basic_auth", basic_auth.BasicAuth, basic_auth,
                            identity=("username",)),
    "backups": EntryKind("backup", "dokploy_backup", backup.Backup, backup,
                         identity=("destination", "prefix", "service_name")),
    "volume_backups": EntryKind("volume_backup", "dokploy_volume_backup", volume_backup.VolumeBackup,
                                volume_backup, identity=("name",)),
}
SCHEDULER_KINDS = ("backup", "volume_backup")
# Options of the single modules that act once instead of describing the object: a run of their own.
ONE_OFF_OPTIONS = ("run", "list_files")
ENV = EntryKind("env", "dokploy_env", env.EnvVars, env)

SERVICES = {
    "apps": EntryKind("app", "dokploy_app", app.App, app, parent_option="app",
                      children=("env", "domains", "mounts", "ports", "redirects", "basic_auth", "volume_backups")),
    "compose": EntryKind("compose", "dokploy_compose", compose.Compose, compose,
                         parent_option="compose", children=("env", "domains", "mounts", "backups", "volume_backups")),
    "databases": EntryKind("db", "dokploy_db", database.Database, database,
                           parent_option="database", children=("env", "mounts", "backups")),
}
# The environment Dokploy creates with every project.
DEFAULT_ENVIRONMENT = "production"
ENVIRONMENT_KEYS = ("description",) + tuple(SERVICES)

# A child list a service's ``<kind>.one`` holds, under the key and as the read a child module sends answers it:
# (key in <kind>.one, procedure, its parameters given the service kind and id).
HELD_LISTS = {
    "application": (("domains", "domain.byApplicationId", lambda kind, ident: {"applicationId": ident}),
                    ("mounts", "mounts.listByServiceId", lambda kind, ident: {"serviceType": kind, "serviceId": ident})),
    "compose": (("domains", "domain.byComposeId", lambda kind, ident: {"composeId": ident}),
                ("mounts", "mounts.listByServiceId", lambda kind, ident: {"serviceType": kind, "serviceId": ident})),
}
DATABASE_HELD_LISTS = (("mounts", "mounts.listByServiceId",
                        lambda kind, ident: {"serviceType": kind, "serviceId": ident}),)

# Where a service's ``<kind>.one`` lists each kind of child (or the read that lists them), the child options that
# identify one, and whether a declared entry's options name that row.
CHILD_ROWS = {
    "domains": ("domains", lambda row: {"host": row.get("host"), "path": row.get("path") or "/",
                                        "service_name": row.get("serviceName")}),
    "mounts": ("mounts", lambda row: {"mount_path": row.get("mountPath")}),
    "ports": ("ports", lambda row: {"published_port": row.get("publishedPort"), "protocol": row.get("protocol") or "tcp"}),
    "redirects": ("redirects", lambda row: {"regex": row.get("regex")}),
    "basic_auth": ("security", lambda row: {"username": row.get("username")}),
    "backups": ("backups", lambda row: {"destination": row.get("destinationId"), "prefix": row.get("prefix"),
                                        "service_name": row.get("serviceName")}),
    "volume_backups": (None, lambda row: {"name": row.get("name"), "service_name": row.get("serviceName")}),
}


def names_row(child_key, params, identity, row):
    """Whether a declared child (its validated options) is the existing ``row`` (whose options are ``identity``)."""
    if child_key == "backups":
        # The destination may be declared by name, and a row knows its destination's id and name.
        return (same(params.get("prefix"), row.get("prefix")) and same(params.get("service_name"), row.get("serviceName"))
                and params.get("destination") in (row.get("destinationId"), (row.get("destination") or {}).get("name")))
    return all(same(params.get(option), value) for option, value in identity.items())


def child_rows(client, child_key, kind, service_id, current):
    """The existing children of a service, from its ``<kind>.one`` (``current``) or their own list."""
    key = CHILD_ROWS[child_key][0]
    if key is not None:
        return current.get(key) or []
    return client.query_list("volumeBackups.list", id=service_id, volumeBackupType=kind)


# The writes after which project.all and environment.one answer differently (the others change a service's own
# settings or children, which its <kind>.one shows and the client reads again after any write).
TREE_WRITES = (".create", ".delete", ".remove", "project.update", "environment.update", ".duplicate", ".move")

DEPLOY_TRIGGERS = {
    # kind -> (trigger, deployments list, its parameter); databases deploy inside the request and keep no list.
    "application": ("application.deploy", "deployment.all", "applicationId"),
    "compose": ("compose.deploy", "deployment.allByCompose", "composeId"),
}


def stack_argument_spec():
    """The options of dokploy_stack (the connection options are added by DokployModule)."""
    return dict(
        wait_argument_spec(),
        project=dict(type="str", required=True),
        description=dict(type="str"),
        environments=dict(type="dict", default={}),
        prune=dict(type="bool", default=False),
        deploy=dict(type="str", choices=["changed", "always", "never"], default="changed"),
        max_parallel=dict(type="int", default=4),
    )


def located(path, message):
    """A message about an option of an entry, naming it by its path in the declaration."""
    match = re.match(r"^option (\w+): (.*)$", message, re.S) or re.match(r"^argument '(\w+)' (.*)$", message, re.S)
    if match:
        return "%s.%s: %s" % (path, match.group(1), match.group(2))
    return "%s: %s" % (path, message)


class StackFailed(DokployError):
    """A step of the stack failed: the message names the entry; the result holds the plan of what was done."""

    def __init__(self, error, details):
        super(StackFailed, self).__init__(error.message, status=error.status, code=error.code,
                                          procedure=error.procedure, field_errors=error.field_errors)
        self.details = details

    def to_result(self):
        result = super(StackFailed, self).to_result()
        result.update(self.details)
        return result


class _ModuleView:
    """The part of an AnsibleModule a resource class uses."""

    def __init__(self, check_mode, warn):
        self.check_mode = check_mode
        self.warn = warn


class EntryRun:
    """What a resource class needs of a module (client, params, check mode, warn), for one entry."""

    holds_lock = True  # the stack holds the project's lock for all its entries
    reports_services = False  # see Compose.result

    def __init__(self, stack, params, path, check_mode):
        self.client = stack.client
        self.params = params
        self.path = path
        self.stack = stack
        self.module = _ModuleView(check_mode, self.warn)

    def warn(self, message):
        self.stack.dokploy.warn("%s: %s" % (self.path, message))


class Unit:
    """One object of the declaration (or one the declaration no longer names, with prune)."""

    def __init__(self, entry_kind, path, params, environment, name, service=None):
        self.entry_kind = entry_kind
        self.path = path
        self.params = params
        self.environment = environment
        self.name = name
        self.service = service  # the key of the service it belongs to (its own key for a service)
        self.result = None
        self.resource = None

    @property
    def deleting(self):
        return self.params.get("state") == "absent"

    def label(self):
        where = " (%s)" % self.environment if self.environment and self.entry_kind.kind != "environment" else ""
        return "%s %s%s" % (self.entry_kind.kind, self.name, where)


class Stack:
    """The run of dokploy_stack: validate, plan, apply, prune, deploy."""

    def __init__(self, dokploy):
        self.dokploy = dokploy
        self.client = dokploy.client
        self.params = dokploy.params
        self.check_mode = dokploy.module.check_mode
        self.tree = None
        self.tree_writes = None
        self.units = []
        self.services = {}  # service key -> its unit
        self.addresses = {}  # published ports and routed addresses of the declaration -> the entry's path
        self.all_units = []
        self.done = []  # the units written, in order
        self.to_deploy = []  # the service units to deploy
        dokploy.module.shown_params = self.shown_params()

    def shown_params(self):
        """The options as the result's invocation shows them: each entry's secret options and env values masked.

        Ansible masks the no_log options of a single module; the stack's entries are nested in one option, so it
        masks them itself, by the same specs (and the credentials inside URLs such as a git_url).
        """
        shown = copy.deepcopy(self.params)
        environments = shown.get("environments")
        for declared in (environments.values() if isinstance(environments, dict) else ()):
            for list_key, kind in SERVICES.items():
                entries = declared.get(list_key) if isinstance(declared, dict) else None
                for entry in (entries if isinstance(entries, list) else ()):
                    self.mask_entry(entry, kind)
        return shown

    def mask_entry(self, entry, kind):
        if not isinstance(entry, dict):
            return
        for key, value in list(entry.items()):
            if key == "env" and isinstance(value, dict):
                for name in value:
                    self.hide(value[name])
                entry[key] = dict((name, SECRET_MASK) for name in value)
            elif key in CHILDREN and isinstance(value, list):
                for child in value:
                    self.mask_entry(child, CHILDREN[key])
            elif (kind.spec.get(key) or {}).get("no_log") and value is not None:
                self.hide(value)
                entry[key] = SECRET_MASK
            elif isinstance(value, str) and "@" in value:
                for secret in url_secrets(value):
                    self.hide(secret)
                entry[key] = mask_url(value)

    def hide(self, value):
        """A secret of the declaration: removed from every text that leaves the module (see Secrets.add)."""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(str(value)) >= MIN_SECRET:
            self.dokploy.module.no_log_values.add(str(value))
            self.client.secrets.add(value)

    # -- the declaration -------------------------------------------------------

    def validate(self):
        params = self.params
        check_positive(params["max_parallel"], "max_parallel")
        check_wait_options(params)
        if not isinstance(params["environments"], dict):
            raise DokployError("option environments: a mapping of environment name to its apps, compose and databases")
        for env_name, declared in sorted(params["environments"].items()):
            path = "environments.%s" % env_name
            if declared is None:
                declared = {}
            if not isinstance(declared, dict):
                raise DokployError("%s: a mapping with %s" % (path, ", ".join(ENVIRONMENT_KEYS)))
            unknown = sorted(set(declared) - set(ENVIRONMENT_KEYS))
            if unknown:
                raise DokployError("%s.%s: not a key of an environment (it takes %s)"
                                   % (path, unknown[0], ", ".join(ENVIRONMENT_KEYS)))
            for list_key in sorted(SERVICES):
                self.declare_services(env_name, list_key, declared.get(list_key) or [], "%s.%s" % (path, list_key))

    @staticmethod
    def entries(kind, entries, path):
        """(path, entry) of each entry of a declaration list, which must be a list of mappings."""
        if not isinstance(entries, list):
            raise DokployError("%s: a list of %s options" % (path, kind.module))
        for index, entry in enumerate(entries):
            where = "%s[%d]" % (path, index)
            if not isinstance(entry, dict):
                raise DokployError("%s: a mapping of %s options" % (where, kind.module))
            yield where, entry

    def declare_services(self, env_name, list_key, entries, path):
        kind = SERVICES[list_key]
        names = {}
        for where, entry in self.entries(kind, entries, path):
            nested = dict((k, entry[k]) for k in kind.children if k in entry)
            options = dict((k, v) for k, v in entry.items() if k not in kind.children)
            fixed = {"project": self.params["project"], "environment": env_name}
            if list_key == "apps":
                fixed["create_project"] = False
            unit_params = self.validated(kind, options, fixed, where)
            key = (env_name, list_key, unit_params.get("type"), unit_params["name"])
            if key in names:
                raise DokployError("%s.name: %r is also %s; each service is declared once"
                                   % (where, unit_params["name"], names[key]))
            names[key] = where
            unit = Unit(kind, where, unit_params, env_name, unit_params["name"], service=key)
            self.units.append(unit)
            self.services[key] = unit
            if unit.deleting:
                if nested:
                    raise DokployError("%s.%s: a service with state: absent has no children"
                                       % (where, sorted(nested)[0]))
                continue
            parent = dict(fixed, **{kind.parent_option: unit_params["name"]})
            parent.pop("create_project", None)
            if list_key == "databases":
                parent["database_type"] = unit_params["type"]
            self.declare_env(unit, nested.get("env"), parent, where)
            for child_key in kind.children:
                if child_key != "env":
                    self.declare_children(unit, child_key, nested.get(child_key) or [], parent,
                                          "%s.%s" % (where, child_key))

    def declare_env(self, service, values, parent, path):
        if values is None:
            return  # env values are secrets an export leaves out: no env means "leave it", with prune too
        if values is not None and not isinstance(values, dict):
            raise DokployError("%s.env: a mapping of KEY: value, as dokploy_env's vars" % path)
        options = {"vars": values or {}, "exclusive": self.params["prune"], "allow_empty": True}
        params = self.validated(ENV, options, parent, "%s.env" % path, rename={"vars": "env"})
        if not params["vars"] and not params["exclusive"]:
            return
        self.units.append(Unit(ENV, "%s.env" % path, params, service.environment, service.name, service=service.service))

    def declare_children(self, service, child_key, entries, parent, path):
        kind = CHILDREN[child_key]
        seen = {}
        for where, entry in self.entries(kind, entries, path):
            params = self.validated(kind, entry, parent, where)
            identity = tuple(params.get(o) for o in kind.identity)
            if identity in seen:
                raise DokployError("%s: the same %s as %s" % (where, kind.kind, seen[identity]))
            seen[identity] = where
            self.check_unique_address(child_key, params, where)
            name = ", ".join(str(v) for v in identity if v is not None)
            self.units.append(Unit(kind, where, params, service.environment, name, service=service.service))

    def check_unique_address(self, child_key, params, path):
        """Two entries publishing one port or routing one address would clash only when deployed: refused now.

        (The single modules check what already exists; within one declaration nothing exists yet.)
        """
        if params.get("state") == "absent" or child_key not in ("ports", "domains"):
            return
        if child_key == "ports":
            address = ("port", params["published_port"], params["protocol"])
            shown = "published_port: %s/%s" % (params["published_port"], params["protocol"])
        else:
            address = ("domain", params["host"], params["path"])
            shown = "host: %s%s" % (params["host"], params["path"])
        if address in self.addresses:
            raise DokployError("%s: %s is also %s; one address can only be served once"
                               % (path, shown, self.addresses[address]))
        self.addresses[address] = path

    def validated(self, kind, options, fixed, path, rename=None):
        """``options`` checked against exactly the options of ``kind.module``; the parents are the stack's."""
        rename = rename or {}
        for option in sorted(options):
            if option in ONE_OFF_OPTIONS and options[option]:
                raise DokployError("%s.%s: not used in dokploy_stack, which describes objects; run %s for it"
                                   % (path, option, kind.module))
            if option in fixed:
                raise DokployError("%s.%s: set by dokploy_stack from where the entry is; leave it out"
                                   % (path, rename.get(option, option)))
            if option not in kind.spec:
                raise DokployError("%s.%s: not an option of %s (it takes %s)" % (
                    path, rename.get(option, option), kind.module,
                    ", ".join(sorted(o for o in kind.spec if o not in fixed and o not in PARENT_OPTIONS))))
        result = ArgumentSpecValidator(kind.spec, **kind.rules).validate(dict(options, **fixed))
        for value in result._no_log_values:
            self.hide(value)
        if result.error_messages:
            message = result.error_messages[0]
            for option, shown in rename.items():
                message = message.replace("'%s'" % option, "'%s'" % shown)
            raise DokployError(located(path, message))
        return result.validated_parameters

    # -- the run -----------------------------------------------------------------

    def run(self):
        try:
            self.validate()
        except DokployError:
            # A malformed declaration may hold secrets where the masking by option did not reach.
            self.dokploy.module.shown_params["environments"] = "(not shown: the declaration did not validate)"
            raise
        for unit in self.units:
            self.execute(unit, check=True, static_only=True)  # every entry's own checks, before any request
        with _Unlocked() if self.check_mode else ProjectLock(self.client.base_url, self.params["project"]):
            self.client.cache_reads()
            try:
                plan = self.converge()
            finally:
                self.client.cache_reads(False)  # deployments are followed with fresh reads
        deployed = self.deploy(plan) if not self.check_mode else []
        # In check mode a planned deploy is a change a run would make.
        changed = any(entry["action"] != "deploy" for entry in plan) or bool(deployed) or (self.check_mode and bool(plan))
        result = dict(changed=changed, plan=plan, diff=self.diffs(), project=self.params["project"])
        if deployed:
            result["deployments"] = deployed
        return result

    def converge(self):
        head = self.head_units()
        pruned = []
        # Planned with nothing written: every object found, compared, and every reference checked.
        for unit in head + self.units:
            self.execute(unit, check=True)
            self.learn_held_lists(unit)
        if self.params["prune"]:
            pruned = self.prune_units()
            for unit in pruned:
                self.execute(unit, check=True)
        self.all_units = head + self.units + pruned
        if not self.check_mode:
            self.refuse_missing_references()
        planned = [u for u in self.all_units if u.result["changed"]]
        if self.check_mode:
            self.done = planned  # what a run would do, as check mode reports it
            self.to_deploy = self.touched_services(planned)
            return [self.plan_entry(u) for u in planned] + self.deploy_plan()
        plan = []
        for unit in planned:
            try:
                self.execute(unit, check=False)
            except DokployError as exc:
                raise StackFailed(DokployError("%s%s" % (exc.message, self.done_note()), status=exc.status,
                                               code=exc.code, procedure=exc.procedure), dict(plan=plan, changed=bool(plan)))
            if unit.result["changed"]:
                plan.append(self.plan_entry(unit))
                self.done.append(unit)
        self.to_deploy = self.touched_services(self.done)
        return plan + self.deploy_plan()

    def refuse_missing_references(self):
        """A registry, server, destination... an entry names that does not exist: its error, before any write.

        The plan runs in check mode, where such a missing object is noted (an earlier task would create it); a
        stack creates its project, environments and services itself, but never the organization's objects.
        """
        for unit in self.all_units:
            for what, error in unit.resource.missing_errors if unit.resource else ():
                if any(what.startswith(kind + " ") for kind in ORGANIZATION_LISTS):
                    raise DokployError(located(unit.path, error) + "; nothing was changed")

    def done_note(self):
        if not self.done:
            return "; nothing was changed"
        return "; done before it: %s" % ", ".join("%s %s" % (self.action(u), u.label()) for u in self.done)

    def head_units(self):
        """The project and the declared environments, when they are missing or their description differs."""
        units = []
        listed = self.current_tree().project(self.params["project"])
        wanted = self.params["description"]
        if listed is None or (wanted is not None and not same(listed.get("description"), wanted)):
            params = dict(name=self.params["project"], description=wanted, state="present", force=False, tags=None,
                          tags_exclusive=False)
            units.append(Unit(PROJECT, "project", params, None, self.params["project"]))
        for env_name, declared in sorted(self.params["environments"].items()):
            description = (declared or {}).get("description")
            found = self.current_tree().environment(listed, env_name) if listed else None
            # Dokploy creates a project with its default environment: a new project's is changed, not created.
            with_project = listed is None and env_name == DEFAULT_ENVIRONMENT
            if with_project and description is None:
                continue
            if found is None or (description is not None and not same(found.get("description"), description)):
                params = dict(project=self.params["project"], name=env_name, description=description,
                              state="present", force=False)
                unit = Unit(ENVIRONMENT, "environments.%s" % env_name, params, env_name, env_name)
                unit.with_project = with_project
                units.append(unit)
        return units

    def current_tree(self):
        """One read of the tree until a write adds, removes or renames something it lists."""
        writes = self.client.writes
        if self.tree is None or any(w.endswith(TREE_WRITES) for w in writes[self.tree_writes:]):
            self.tree = Tree(self.client)
        self.tree_writes = len(writes)
        return self.tree

    def execute(self, unit, check, static_only=False):
        run = EntryRun(self, copy.deepcopy(unit.params), unit.path, check)
        resource = unit.entry_kind.resource(run)
        try:
            if static_only:
                resource.check_input()
                return
            resource.tree = self.current_tree()
            unit.result = resource.run()
            unit.resource = resource
        except DokployError as exc:
            raise type(exc)(located(unit.path, exc.message), status=exc.status, code=exc.code,
                            procedure=exc.procedure, field_errors=exc.field_errors)

    def learn_held_lists(self, unit):
        """A service's children as its ``<kind>.one`` holds them: the child modules' list reads need not be sent."""
        if unit.entry_kind not in SERVICES.values() or unit.deleting or not unit.result.get("id"):
            return
        resource = unit.resource
        kind = resource.kind if unit.entry_kind.kind != "db" else unit.params["type"]
        ident = unit.result["id"]
        answer = self.client.query(resource.read_procedure, **{resource.id_field: ident})
        for key, procedure, parameters in HELD_LISTS.get(kind, DATABASE_HELD_LISTS):
            if key in answer:
                self.client.known_answer(procedure, answer[key], **parameters(kind, ident))

    # -- prune ---------------------------------------------------------------------

    def prune_units(self):
        """The services of the declared environments, and the children of the declared services, not declared."""
        units = []
        tree = self.current_tree()
        project_found = tree.project(self.params["project"])
        if project_found is None:
            return units
        declared_ids = dict((u.result["id"], u) for u in self.units
                            if u.entry_kind in SERVICES.values() and u.result and u.result.get("id"))
        for env_name in sorted(self.params["environments"]):
            found = tree.environment(project_found, env_name)
            if found is None:
                continue
            for kind, service_id, name in tree.all_services(found):
                list_key = "apps" if kind == "application" else "compose" if kind == "compose" else "databases"
                # By id: an entry's name may be the service's id, which the single modules accept.
                declared = declared_ids.get(service_id)
                if declared is None:
                    units.append(self.removal(SERVICES[list_key], env_name, kind, service_id, name))
                elif not declared.deleting:
                    units.extend(self.child_removals(declared, kind))
        return units

    def removal(self, entry_kind, env_name, kind, service_id, name):
        """The unit that removes a service the declaration does not name (by its id: names are not unique)."""
        path = "prune: %s %s of environment %s" % (kind, name, env_name)
        options = dict(name=service_id, state="absent")
        if entry_kind.kind == "db":
            options["type"] = kind
        params = self.validated(entry_kind, options, dict(project=self.params["project"], environment=env_name), path)
        return Unit(entry_kind, path, params, env_name, name)

    def child_removals(self, service, kind):
        units = []
        entry_kind = service.entry_kind
        current = self.client.query(service.resource.read_procedure,
                                    **{service.resource.id_field: service.result["id"]})
        parent = {"project": self.params["project"], "environment": service.environment,
                  entry_kind.parent_option: service.result["id"]}
        if entry_kind.kind == "db":
            parent["database_type"] = kind
        declared = [u for u in self.units if u.service == service.service and u.entry_kind in CHILDREN.values()]
        for child_key in entry_kind.children:
            if child_key == "env":
                continue
            child_kind = CHILDREN[child_key]
            for row in child_rows(self.client, child_key, kind, service.result["id"], current):
                identity = CHILD_ROWS[child_key][1](row)
                if child_key in ("domains", "backups", "volume_backups") and entry_kind.kind != "compose":
                    identity.pop("service_name", None)
                if child_key == "backups" and entry_kind.kind == "compose":
                    identity["database_type"] = row.get("databaseType")
                if child_key == "mounts" and entry_kind.kind == "db" and row.get("type") == "volume" \
                        and (row.get("volumeName") or "").endswith("-data"):
                    continue  # the database's own data, guarded by dokploy_mount: never pruned
                if any(names_row(child_key, u.params, identity, row) for u in declared if u.entry_kind is child_kind):
                    continue
                options = dict(identity, state="absent")
                path = "prune: %s %s of %s %s" % (child_kind.kind, ", ".join(str(v) for v in identity.values()),
                                                  kind, service.name)
                params = self.validated(child_kind, options, parent, path)
                units.append(Unit(child_kind, path, params, service.environment,
                                  ", ".join(str(v) for v in identity.values() if v is not None),
                                  service=service.service))
        return units

    # -- deploy ----------------------------------------------------------------------

    def touched_services(self, units):
        """The declared services a change of ``units`` needs deployed, in declaration order."""
        mode = self.params["deploy"]
        if mode == "never":
            return []
        # A backup's settings are the scheduler's, not the service's: they need no deploy.
        keys = set(u.service for u in units if u.service is not None and u.entry_kind.kind not in SCHEDULER_KINDS)
        wanted = []
        for unit in self.units:
            if unit.service is None or unit.entry_kind not in SERVICES.values() or unit.deleting:
                continue
            if mode == "always" or unit.service in keys:
                if (unit.result or {}).get("redeployed"):
                    continue  # the database's own update deployed it already
                wanted.append(unit)
        return wanted

    def deploy_plan(self):
        return [dict(action="deploy", kind=u.entry_kind.kind, environment=u.environment, name=u.name, changes={})
                for u in self.to_deploy]

    def deploy(self, plan):
        """Deploy ``self.to_deploy``, ``max_parallel`` at a time, and wait for each; one error names every failure."""
        services = self.to_deploy
        if not services:
            return []
        results, failures = {}, []
        gate = threading.Semaphore(self.params["max_parallel"])
        lock = threading.Lock()

        def deploy_one(unit):
            with gate:
                try:
                    outcome = self.deploy_service(unit)
                except DokployError as exc:
                    with lock:
                        failures.append("%s: %s" % (unit.label(), exc.message))
                        outcome = dict(getattr(exc, "details", None) or {"error": exc.message})
                except Exception as exc:  # pylint: disable=broad-exception-caught
                    # An answer of an unexpected shape: a failure of this deploy, never a silent success.
                    message = "community.dokploy could not follow it (please report this): %s: %s" % (
                        type(exc).__name__, exc)
                    with lock:
                        failures.append("%s: %s" % (unit.label(), message))
                        outcome = {"error": message}
                with lock:
                    results[unit.path] = dict(outcome, service=unit.label())

        threads = [threading.Thread(target=deploy_one, args=(unit,)) for unit in services]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        deployed = [results[u.path] for u in services if u.path in results]
        if failures:
            message = "%d of %d deployments failed: %s" % (len(failures), len(services), " || ".join(failures))
            raise StackFailed(DokployError(message), dict(plan=plan, deployments=deployed, changed=True))
        return deployed

    def deploy_service(self, unit):
        resource = unit.resource
        kind = resource.kind if unit.entry_kind.kind != "db" else unit.params["type"]
        ident = unit.result["id"]
        id_field = SERVICE_KINDS[kind][1]
        label = "%s %s" % (kind, unit.name)
        if kind not in DEPLOY_TRIGGERS:
            # A database deploys inside the request; it keeps no deployment to follow.
            resource.write("%s.deploy" % kind, {id_field: ident})
            return {"status": self.client.query("%s.one" % kind, **{id_field: ident}).get(SERVICE_KINDS[kind][2])}
        trigger, listing, parameter = DEPLOY_TRIGGERS[kind]
        deployments = Deployments(self.client, listing, {parameter: ident}, label, self.params,
                                  before_log=lambda: self.client.query("%s.one" % kind, **{id_field: ident}))
        return deployments.run(lambda: resource.write(trigger, {id_field: ident}))

    # -- what is returned ------------------------------------------------------------

    def action(self, unit):
        if unit.deleting:
            return "delete"
        if unit.entry_kind is ENV or getattr(unit, "with_project", False):
            return "update"
        return "update" if unit.result["diff"]["before"] else "create"

    def plan_entry(self, unit):
        result = unit.result
        changes = {}
        if unit.entry_kind is ENV:
            for key in result["keys_added"]:
                changes[key] = dict(before=None, after=SECRET_MASK)
            for key in result["keys_changed"]:
                changes[key] = dict(before=SECRET_MASK, after=SECRET_MASK)
            for key in result["keys_removed"]:
                changes[key] = dict(before=SECRET_MASK, after=None)
        elif not unit.deleting:
            before, after = result["diff"]["before"] or {}, result["diff"]["after"] or {}
            for option in sorted(set(before) | set(after)):
                if before.get(option) != after.get(option) or option not in before:
                    changes[option] = dict(before=before.get(option), after=after.get(option))
        entry = dict(action=self.action(unit), kind=unit.entry_kind.kind, environment=unit.environment,
                     name=unit.name, changes=changes)
        if result.get("missing_parent"):
            entry["note"] = result["missing_parent"]
        return entry

    def diffs(self):
        shown = []
        for unit in self.done:
            diff = unit.result.get("diff") or {}
            header = "%s %s" % (self.action(unit), unit.label())
            shown.append(dict(before_header=header, after_header=header, before=diff.get("before") or {},
                              after=diff.get("after") or {}))
        return shown


PARENT_OPTIONS = ("project", "environment", "app", "compose", "database", "database_type", "create_project")
PROJECT = EntryKind("project", "dokploy_project", project.Project, project)
ENVIRONMENT = EntryKind("environment", "dokploy_environment", environment.Environment, environment)
