"""dokploy_tag, and the tags options of dokploy_project, against the simulator."""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, check_lifecycle


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


def make_tag(sim, name=None, color=None):
    return client(sim).mutate("tag.create", {"name": name or unique("tag"), "color": color})


def tag_names(project):
    """The project's tags by name, in no particular order (Dokploy's is row order)."""
    return sorted(link["tag"]["name"] for link in project.get("projectTags") or [])


def project_of(sim, name):
    listed = [p for p in client(sim).query_list("project.all") if p["name"] == name]
    assert len(listed) == 1, listed
    return client(sim).query_object("project.one", projectId=listed[0]["projectId"])


def test_tag_lifecycle(run_module):
    check_lifecycle(run_module, "dokploy_tag", {"name": unique("tag"), "color": "#3b82f6"}, {"color": "#16a34a"},
                    "tag")


def test_create_update_and_result(sim, run_module):
    name = unique("tag")
    created = run_module("dokploy_tag", {"name": name, "color": "#FF0000"})
    assert created.changed is True and created.writes == ["tag.create"], created
    assert created.result["tag"]["name"] == name and created.result["tag"]["color"] == "#FF0000"
    assert created.result["diff"] == {"before": {}, "after": {"name": name, "color": "#FF0000"}}

    # Compared without regard to case; the rerun reads the tag list only.
    again = run_module("dokploy_tag", {"name": name, "color": "#ff0000"})
    assert again.changed is False and again.writes == [] and again.reads == ["tag.all"], again

    cleared = run_module("dokploy_tag", {"name": created.result["id"], "color": ""})
    assert cleared.changed is True and cleared.writes == ["tag.update"], cleared
    assert cleared.result["diff"] == {"before": {"color": "#FF0000"}, "after": {"color": ""}}
    assert cleared.result["tag"]["color"] is None and cleared.result["tag"]["name"] == name  # by id: not renamed
    settled = run_module("dokploy_tag", {"name": name, "color": ""})
    assert settled.changed is False and settled.writes == [], settled

    plain = run_module("dokploy_tag", {"name": unique("tag")})
    assert plain.changed is True and plain.result["tag"]["color"] is None, plain


def test_removing_a_used_tag_warns_naming_the_projects(sim, run_module):
    tag = make_tag(sim)
    projects = sorted(unique("tagproj") for _n in range(2))
    for project in projects:
        assert run_module("dokploy_project", {"name": project, "tags": [tag["name"]]}).changed
    absent = {"name": tag["name"], "state": "absent"}
    dry = run_module("dokploy_tag", absent, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["untagged_projects"] == projects, dry
    assert "would be removed while on projects %s" % ", ".join(projects) in dry.text
    removed = run_module("dokploy_tag", absent)
    assert removed.changed is True and removed.writes == ["tag.remove"], removed
    assert "was removed while on projects" in removed.output
    assert tag_names(project_of(sim, projects[0])) == []  # Dokploy unlinks it
    unused = run_module("dokploy_tag", {"name": make_tag(sim)["name"], "state": "absent"})
    assert unused.changed is True and "untagged_projects" not in unused.result, unused


TAG_BAD = [
    ({"color": "red"}, "color"),
    ({"color": "#fff"}, "color"),
    ({"color": "3b82f6"}, "color"),
    ({"color": "#3b82f6 "}, "color"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": " acme"}, "name"),
    ({"name": "acme\nx"}, "name"),
]


@pytest.mark.parametrize("bad,option", TAG_BAD, ids=["%s=%r" % next(iter(b.items())) for b, _o in TAG_BAD])
def test_tag_bad_input_refused_before_any_request(run_module, bad, option):
    for check in (False, True):
        run = run_module("dokploy_tag", dict({"name": unique("tag"), "color": "#3b82f6"}, **bad), check=check)
        assert run.failed and run.writes == [] and run.reads == [], run
        assert run.result["msg"].startswith("option %s:" % option), run


# -- dokploy_project: tags -------------------------------------------------------------------------------------------


def test_project_tags_added_kept_and_made_exclusive(sim, run_module):
    first, second, third = (make_tag(sim) for _n in range(3))
    name = unique("tagproj")
    args = {"name": name, "tags": [first["name"]]}

    dry = run_module("dokploy_project", args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"] == {"before": {}, "after": {"name": name, "tags": [first["name"]]}}, dry
    created = run_module("dokploy_project", args)
    assert created.changed is True and created.writes == ["project.create", "tag.assignToProject"], created
    assert tag_names(created.result["project"]) == [first["name"]]

    again = run_module("dokploy_project", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again
    assert "tag.all" in again.reads
    untouched = run_module("dokploy_project", {"name": name})
    assert "tag.all" not in untouched.reads and untouched.changed is False, untouched

    # Without tags_exclusive only the missing ones are assigned, the others kept; by name or id alike.
    added = run_module("dokploy_project", {"name": name, "tags": [third["tagId"], second["name"], first["name"]]})
    assert added.changed is True and sorted(added.writes) == ["tag.assignToProject"] * 2, added
    every = sorted(t["name"] for t in (first, second, third))
    assert added.result["diff"] == {"before": {"tags": [first["name"]]}, "after": {"tags": every}}, added
    assert tag_names(added.result["project"]) == every
    subset = run_module("dokploy_project", {"name": name, "tags": [second["name"]]})
    assert subset.changed is False and subset.writes == [], subset

    dry_exclusive = run_module("dokploy_project", {"name": name, "tags": [second["tagId"]], "tags_exclusive": True},
                               check=True)
    assert dry_exclusive.changed is True and dry_exclusive.writes == [], dry_exclusive
    assert tag_names(project_of(sim, name)) == every
    exclusive = run_module("dokploy_project", {"name": name, "tags": [second["tagId"]], "tags_exclusive": True})
    assert exclusive.changed is True and exclusive.writes == ["tag.removeFromProject"] * 2, exclusive
    assert exclusive.result["diff"] == {"before": {"tags": every}, "after": {"tags": [second["name"]]}}, exclusive
    assert tag_names(exclusive.result["project"]) == [second["name"]]
    settled = run_module("dokploy_project", {"name": name, "tags": [second["name"]], "tags_exclusive": True})
    assert settled.changed is False and settled.writes == [] and len(settled.reads) <= MAX_READS_PER_TASK, settled

    swapped = run_module("dokploy_project", {"name": name, "tags": [first["name"]], "tags_exclusive": True,
                                             "description": "tagged"})
    assert swapped.changed is True, swapped
    assert sorted(swapped.writes) == ["project.update", "tag.assignToProject", "tag.removeFromProject"], swapped
    assert swapped.result["diff"] == {"before": {"description": None, "tags": [second["name"]]},
                                      "after": {"description": "tagged", "tags": [first["name"]]}}, swapped

    emptied = run_module("dokploy_project", {"name": name, "tags": [], "tags_exclusive": True})
    assert emptied.changed is True and emptied.writes == ["tag.removeFromProject"], emptied
    assert tag_names(project_of(sim, name)) == []
    nothing = run_module("dokploy_project", {"name": name, "tags": []})
    assert nothing.changed is False and nothing.writes == [], nothing


def test_project_tag_named_twice_is_assigned_once(sim, run_module):
    tag = make_tag(sim)
    run = run_module("dokploy_project", {"name": unique("tagproj"), "tags": [tag["name"], tag["tagId"], tag["name"]]})
    assert run.changed is True and run.writes == ["project.create", "tag.assignToProject"], run
    assert tag_names(run.result["project"]) == [tag["name"]]


def test_project_unknown_tag(sim, run_module):
    tag = make_tag(sim)
    name = unique("tagproj")
    assert not run_module("dokploy_project", {"name": name}).failed
    missing = unique("nope")
    refused = run_module("dokploy_project", {"name": name, "tags": [tag["name"], missing], "description": "x"})
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"] == "option tags: no tag is named %r or has that id" % missing, refused
    fresh = unique("tagproj")
    refused_new = run_module("dokploy_project", {"name": fresh, "tags": [missing]})
    assert refused_new.failed and refused_new.writes == [], refused_new
    assert not [p for p in client(sim).query_list("project.all") if p["name"] == fresh]

    # In check mode an earlier task of the play would create it.
    dry = run_module("dokploy_project", {"name": name, "tags": [tag["name"], missing]}, check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert "tag %r does not exist yet" % missing in dry.result["missing_parent"], dry
    assert dry.result["diff"]["after"]["tags"] == sorted([tag["name"], missing]), dry
    dry_new = run_module("dokploy_project", {"name": fresh, "tags": [missing]}, check=True)
    assert not dry_new.failed and dry_new.changed is True and dry_new.writes == [], dry_new


PROJECT_BAD = [
    ({"tags": ["   "]}, "tags"),
    ({"tags": ["ok", ""]}, "tags"),
    ({"tags": ["a\tb"]}, "tags"),
    ({"tags_exclusive": True}, "tags_exclusive"),
]


@pytest.mark.parametrize("bad,option", PROJECT_BAD, ids=["project-bad-%d" % i for i in range(len(PROJECT_BAD))])
def test_project_tags_bad_input_refused_before_any_request(run_module, bad, option):
    for check in (False, True):
        run = run_module("dokploy_project", dict({"name": unique("tagproj")}, **bad), check=check)
        assert run.failed and run.writes == [] and run.reads == [], run
        assert run.result["msg"].startswith("option %s:" % option), run


def test_check_mode_play_tag_then_project(sim, run_playbook, tmp_path):
    tag, project = unique("tag"), unique("tagproj")
    playbook = tmp_path / "tag-project.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - community.dokploy.dokploy_tag:
        name: %s
        color: "#3b82f6"
    - community.dokploy.dokploy_project:
        name: %s
        tags: [%s]
        tags_exclusive: true
""" % (tag, project, tag))
    env = {"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY}
    sim.reset_log()
    dry = run_playbook(str(playbook), "--check", "--diff", env=env)
    assert dry.rc == 0 and dry.recap["localhost"]["changed"] == 2, dry
    assert [r for r in sim.requests() if r["method"] == "POST"] == [], dry
    real = run_playbook(str(playbook), env=env)
    assert real.rc == 0 and real.recap["localhost"]["changed"] == 2, real
    assert tag_names(project_of(sim, project)) == [tag]
    sim.reset_log()
    again = run_playbook(str(playbook), "--check", env=env)
    assert again.rc == 0 and again.recap["localhost"]["changed"] == 0, again
    assert [r for r in sim.requests() if r["method"] == "POST"] == [], again
