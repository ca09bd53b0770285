"""`tag.*`: tags of an organization and their links to projects.

What Dokploy v0.30.2 does (routers/tag.ts, db/schema/tag.ts) and the simulator copies:
  * tag names are unique per organization (a unique index). The router means to answer 409 on a
    duplicate but looks for the constraint's name in drizzle's message, which only says `Failed query:
    <sql>\\nparams: <values>`: a duplicate `create`, or an `update` onto a taken name, answers 400
    `Error creating tag: Failed query ...` / `Error updating tag: Failed query ...` with the raw SQL.
  * `create` and `update` (dialect B: name, color; `color: null` clears) answer the tag; an update with
    neither answers 400 `Error updating tag: No values to set`. `all` lists the organization's tags by
    name. `remove` answers `{success: true}` and unlinks the tag from every project.
  * `assignToProject` answers the link `{id, projectId, tagId}`; linking twice is the same raw SQL 400.
    `removeFromProject` is idempotent (`{success: true}`). `bulkAssign` checks every tag first (an unknown
    one: 404, nothing changed), then drops the project's links and inserts the new set in one statement
    without a transaction: a tag twice in `tagIds` answers the raw SQL 400 and leaves the project untagged.
  * unknown or another organization's tag/project: 404 with the router's own texts.
  * `project.one`/`project.all` show the links with their tag as `projectTags` (simcore.project_tags);
    removing a project drops its links.
"""

from simcore import bad_request, new_id, not_found, now_iso

TAG_COLUMNS = '"tagId", "name", "color", "createdAt", "organizationId"'
LINK_COLUMNS = '"id", "projectId", "tagId"'


def failed_query(prefix, sql, params):
    """A constraint violation as Dokploy lets drizzle's message through (JS joins null as "")."""
    shown = ",".join("" if value is None else str(value) for value in params)
    return bad_request(f"{prefix}: Failed query: {sql}\nparams: {shown}")


def org_tag(api, ctx, tag_id, missing):
    if org_tag_missing(api, ctx, tag_id):
        raise not_found(missing)
    return api.store.get("tag", tag_id)


def org_tag_missing(api, ctx, tag_id):
    tag = api.store.get("tag", tag_id)
    return tag is None or tag["organizationId"] != ctx.org


def org_project(api, ctx, project_id):
    project = api.store.get("project", project_id)
    if project is None or project["organizationId"] != ctx.org:
        raise not_found("Project not found or you don't have permission to modify it")
    return project


def name_taken(api, ctx, name, tag_id=None):
    return any(t["organizationId"] == ctx.org and t["name"] == name and t["tagId"] != tag_id
               for t in api.store.tables["tag"].values())


def links_of(api, project_id):
    return [link for link in api.store.tables["project_tag"].values() if link["projectId"] == project_id]


def tag_create(api, ctx, data):
    tag = {"tagId": new_id(), "name": data["name"], "color": data.get("color"), "createdAt": now_iso(),
           "organizationId": ctx.org}
    if name_taken(api, ctx, tag["name"]):
        # A missing color is sent as the column's `default`, not as a parameter.
        params = [value for field, value in tag.items() if field != "color" or "color" in data]
        places, number = [], 0
        for field in tag:
            if field == "color" and "color" not in data:
                places.append("default")
            else:
                number += 1
                places.append(f"${number}")
        sql = f'insert into "tag" ({TAG_COLUMNS}) values ({", ".join(places)}) returning {TAG_COLUMNS}'
        raise failed_query("Error creating tag", sql, params)
    return api.store.insert("tag", tag)


def tag_all(api, ctx, data):
    tags = [t for t in api.store.tables["tag"].values() if t["organizationId"] == ctx.org]
    return sorted(tags, key=lambda t: (t["name"].casefold(), t["name"]))


def tag_one(api, ctx, data):
    return org_tag(api, ctx, data["tagId"], "Tag not found")


def tag_update(api, ctx, data):
    tag = org_tag(api, ctx, data["tagId"], "Tag not found or you don't have permission to update it")
    changes = {field: data[field] for field in ("name", "color") if field in data}
    if not changes:
        raise bad_request("Error updating tag: No values to set")
    if "name" in changes and name_taken(api, ctx, changes["name"], tag["tagId"]):
        sets = ", ".join(f'"{field}" = ${place}' for place, field in enumerate(changes, 1))
        sql = (f'update "tag" set {sets} where "tag"."tagId" = ${len(changes) + 1} '
               f'returning {TAG_COLUMNS}')
        raise failed_query("Error updating tag", sql, list(changes.values()) + [tag["tagId"]])
    tag.update(changes)
    return tag


def tag_remove(api, ctx, data):
    tag = org_tag(api, ctx, data["tagId"], "Tag not found or you don't have permission to delete it")
    links = api.store.tables["project_tag"]
    for link_id in [i for i, link in links.items() if link["tagId"] == tag["tagId"]]:
        del links[link_id]  # ON DELETE CASCADE
    del api.store.tables["tag"][tag["tagId"]]
    return {"success": True}


def tag_assign(api, ctx, data):
    project = org_project(api, ctx, data["projectId"])
    tag = org_tag(api, ctx, data["tagId"], "Tag not found or you don't have permission to use it")
    link = {"id": new_id(), "projectId": project["projectId"], "tagId": tag["tagId"]}
    if any(existing["tagId"] == tag["tagId"] for existing in links_of(api, project["projectId"])):
        sql = f'insert into "project_tag" ({LINK_COLUMNS}) values ($1, $2, $3) returning {LINK_COLUMNS}'
        raise failed_query("Error assigning tag to project", sql, list(link.values()))
    api.store.tables["project_tag"][link["id"]] = link
    return link


def tag_unassign(api, ctx, data):
    project = org_project(api, ctx, data["projectId"])
    tag = org_tag(api, ctx, data["tagId"], "Tag not found or you don't have permission to use it")
    for link in links_of(api, project["projectId"]):
        if link["tagId"] == tag["tagId"]:
            del api.store.tables["project_tag"][link["id"]]
    return {"success": True}


def tag_bulk_assign(api, ctx, data):
    project = org_project(api, ctx, data["projectId"])
    tag_ids = data["tagIds"]
    if any(org_tag_missing(api, ctx, tag_id) for tag_id in tag_ids):
        raise not_found("One or more tags not found in your organization")
    links = api.store.tables["project_tag"]
    for link in links_of(api, project["projectId"]):
        del links[link["id"]]
    new_links = [{"id": new_id(), "projectId": project["projectId"], "tagId": tag_id} for tag_id in tag_ids]
    if len(set(tag_ids)) != len(tag_ids):
        # One multi-row insert after the delete, outside a transaction: the old links are gone.
        rows = ", ".join(f"(${3 * row + 1}, ${3 * row + 2}, ${3 * row + 3})" for row in range(len(new_links)))
        params = [value for link in new_links for value in link.values()]
        raise failed_query("Error bulk assigning tags to project",
                           f'insert into "project_tag" ({LINK_COLUMNS}) values {rows}', params)
    for link in new_links:
        links[link["id"]] = link
    return {"success": True}


ROUTES = {
    "tag.create": ("POST", tag_create),
    "tag.all": ("GET", tag_all),
    "tag.one": ("GET", tag_one),
    "tag.update": ("POST", tag_update),
    "tag.remove": ("POST", tag_remove),
    "tag.assignToProject": ("POST", tag_assign),
    "tag.removeFromProject": ("POST", tag_unassign),
    "tag.bulkAssign": ("POST", tag_bulk_assign),
}
