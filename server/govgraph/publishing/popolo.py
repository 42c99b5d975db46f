"""Popolo JSON (https://www.popoloproject.com), the civic-tech exchange format.

Organizations with their parents, persons, memberships with roles and dates, posts, and meetings
as events with their attendees. The graph records no votes, so there are no vote events.
"""

from __future__ import annotations

from collections import defaultdict

from govgraph import pages
from govgraph.rdf.namespaces import GG, ORG
from govgraph.store import Store

_ORGANIZATIONS = """SELECT ?org ?parent ?alt ?start ?end WHERE {
  ?org a org:Organization .
  OPTIONAL { ?org org:reportsTo ?parent }
  OPTIONAL { ?org skos:altLabel ?alt }
  OPTIONAL { ?org gg:activeDuring ?life .
             OPTIONAL { ?life time:hasBeginning/time:inXSDDate ?start }
             OPTIONAL { ?life time:hasEnd/time:inXSDDate ?end } } }"""
_PERSONS = """SELECT ?person ?name WHERE {
  ?person a foaf:Person OPTIONAL { ?person foaf:name ?name } }"""
_POSTS = "SELECT ?post ?org WHERE { ?post a org:Post OPTIONAL { ?post org:postIn ?org } }"
_MEMBERSHIPS = """SELECT ?m ?member ?org ?roleLabel ?start ?end ?rep WHERE {
  ?m a org:Membership ; org:member ?member ; org:organization ?org .
  OPTIONAL { ?m org:role/skos:prefLabel ?roleLabel }
  OPTIONAL { ?m org:memberDuring ?during .
             OPTIONAL { ?during time:hasBeginning/time:inXSDDate ?start }
             OPTIONAL { ?during time:hasEnd/time:inXSDDate ?end } }
  OPTIONAL { ?m gg:representing ?rep FILTER(isIRI(?rep)) } }"""
_EVENTS = """SELECT ?meeting ?body ?date ?place ?status ?person WHERE {
  ?meeting a gg:Meeting .
  OPTIONAL { ?meeting gg:ofBody ?body }
  OPTIONAL { ?meeting dct:date ?date }
  OPTIONAL { ?meeting gg:place ?place }
  OPTIONAL { ?meeting gg:meetingStatus ?status }
  OPTIONAL { ?attendance gg:atMeeting ?meeting ; gg:attendee ?person ;
                         gg:attendanceStatus/skos:notation ?word
             FILTER(STR(?word) != "apologies") } }"""


def _classification(idx: pages.Index, iri: str) -> str:
    """The body's own class (e.g. "TaskAndFinishGroup"), else "Organization"."""
    own = sorted(t[len(str(GG)):] for t in idx.types.get(iri, ()) if t.startswith(str(GG)))
    if own:
        return own[0]
    return "FormalOrganization" if str(ORG.FormalOrganization) in idx.types.get(iri, ()) \
        else "Organization"


def _date(value: object) -> str | None:
    text = str(value) if value is not None else ""
    return text[:10] if text else None


def popolo(store: Store) -> dict[str, list[dict]]:
    """The graph as one Popolo JSON document (IRIs as ids)."""
    idx = pages.index(store)
    organizations: dict[str, dict] = {}
    for row in pages.select_rows(store, _ORGANIZATIONS):
        iri = str(row["org"])
        org = organizations.setdefault(iri, {"id": iri, "name": idx.label(iri),
                                             "classification": _classification(idx, iri),
                                             "other_names": [], "links": [{"url": iri}]})
        if "parent" in row and "parent_id" not in org:
            org["parent_id"] = str(row["parent"])
        alt = str(row.get("alt", ""))
        if alt and alt != org["name"] and {"name": alt} not in org["other_names"]:
            org["other_names"].append({"name": alt})
        if row.get("start") is not None:
            org["founding_date"] = _date(row["start"])
        if row.get("end") is not None:
            org["dissolution_date"] = _date(row["end"])
    persons = {str(r["person"]): {"id": str(r["person"]),
                                  "name": str(r.get("name") or idx.label(r["person"]))}
               for r in pages.select_rows(store, _PERSONS)}
    posts = []
    for row in pages.select_rows(store, _POSTS):
        post = {"id": str(row["post"]), "label": idx.label(row["post"])}
        if "org" in row:
            post["organization_id"] = str(row["org"])
        posts.append(post)
    post_ids = {p["id"] for p in posts}
    memberships: dict[str, dict] = {}
    for row in pages.select_rows(store, _MEMBERSHIPS):
        iri = str(row["m"])
        member = str(row["member"])
        entry = memberships.setdefault(iri, {"id": iri, "organization_id": str(row["org"])})
        if member in persons:
            entry["person_id"] = member
        elif member in post_ids:
            entry["post_id"] = member
        else:
            entry["member"] = {"@type": "Organization", "id": member, "name": idx.label(member)}
        for key, name in (("role", "roleLabel"), ("start_date", "start"), ("end_date", "end")):
            if row.get(name) is not None:
                entry[key] = _date(row[name]) if key != "role" else str(row[name])
        if row.get("rep") is not None:
            entry["on_behalf_of_id"] = str(row["rep"])
    events: dict[str, dict] = {}
    attendees: dict[str, set[str]] = defaultdict(set)
    for row in pages.select_rows(store, _EVENTS):
        iri = str(row["meeting"])
        event = events.setdefault(iri, {"id": iri, "name": idx.label(iri),
                                        "classification": "meeting"})
        if row.get("body") is not None:
            event["organization_id"] = str(row["body"])
        if row.get("date") is not None and len(str(row["date"])) >= 4:
            event["start_date"] = str(row["date"])
        if row.get("place") is not None:
            event["location"] = str(row["place"])
        if row.get("status") is not None:
            event["status"] = pages.local_part(str(row["status"])).lower()
        if row.get("person") is not None:
            attendees[iri].add(str(row["person"]))
    for iri, people in attendees.items():
        events[iri]["attendees"] = [persons.get(p, {"id": p, "name": idx.label(p)})
                                    for p in sorted(people)]
    for org in organizations.values():
        if not org["other_names"]:
            del org["other_names"]
    return {"organizations": sorted(organizations.values(), key=lambda o: o["id"]),
            "persons": sorted(persons.values(), key=lambda p: p["id"]),
            "memberships": sorted(memberships.values(), key=lambda m: m["id"]),
            "posts": sorted(posts, key=lambda p: p["id"]),
            "events": sorted(events.values(), key=lambda e: (e.get("start_date", ""), e["id"]))}
