"""schema.org JSON-LD for search engines on the pages of bodies, people and meetings."""

from __future__ import annotations

import json

from rdflib import URIRef

from govgraph import browse
from govgraph.store import Store

_BODY = """SELECT ?parent ?alt WHERE {
  { ?_s org:reportsTo ?parent } UNION { ?_s skos:altLabel ?alt } }"""
_MEETING = """SELECT ?date ?body ?place WHERE {
  OPTIONAL { ?_s dct:date ?date } OPTIONAL { ?_s gg:ofBody ?body }
  OPTIONAL { ?_s gg:place ?place } }"""


def schema_org(store: Store, iri: str, page_url: str, url_for_iri) -> dict | None:
    """An Organization, Person or Event for `iri`, or None when no schema.org type fits.
    `url_for_iri` gives the absolute page address of another resource."""
    idx = browse.index(store)
    kind = idx.kind(iri)
    item: dict = {"@context": "https://schema.org", "@id": iri, "url": page_url,
                  "name": idx.label(iri)}
    if kind == "body":
        item["@type"] = "Organization"
        rows = browse._select(store, _BODY, {"_s": URIRef(iri)})
        parents = sorted({str(r["parent"]) for r in rows if "parent" in r})
        alternates = sorted({str(r["alt"]) for r in rows if "alt" in r})
        if parents:
            item["parentOrganization"] = [{"@type": "Organization", "@id": p,
                                           "name": idx.label(p), "url": url_for_iri(p)}
                                          for p in parents]
        if alternates:
            item["alternateName"] = alternates
    elif kind == "person":
        item["@type"] = "Person"
    elif kind == "meeting":
        item["@type"] = "Event"
        rows = browse._select(store, _MEETING, {"_s": URIRef(iri)})
        row = rows[0] if rows else {}
        if "date" in row:
            item["startDate"] = str(row["date"])
        if "body" in row:
            body = str(row["body"])
            item["organizer"] = {"@type": "Organization", "@id": body, "name": idx.label(body),
                                 "url": url_for_iri(body)}
        if "place" in row:
            item["location"] = {"@type": "Place", "name": str(row["place"])}
    else:
        return None
    return item


def script_text(item: dict) -> str:
    """JSON for a `<script type="application/ld+json">`: `</` escaped so it cannot end it."""
    return json.dumps(item, ensure_ascii=False, indent=1).replace("</", "<\\/")
