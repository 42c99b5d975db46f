"""Any other resource, described by its properties."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import BNode, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govgraph.pages.common import Ref, Source, index, page_query, select_rows
from govgraph.pages.dates import literal_text
from govgraph.rdf.namespaces import prefixed
from govgraph.store import Store

# --- any other resource -----------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """An object in a description: a link, a literal, or a blank node summarised as text."""

    ref: Ref | None = None
    text: str = ""
    datatype: str = ""


@dataclass
class ResourcePage:
    """What a resource page shows: types, properties, what points to it, and its source."""

    resource: Ref
    types: list[Ref]
    properties: list[tuple[Ref, list[Value]]]
    incoming: list[tuple[Ref, Ref]]
    source: Source | None


def resource_page(store: Store, iri: str) -> ResourcePage | None:
    """A plain description of any resource: its statements and what points at it (at most 500
    of those: queries/incoming.rq)."""
    idx = index(store)
    subject = {"_s": URIRef(iri)}
    rows = select_rows(store, page_query("resource-statements"), subject)
    incoming_rows = select_rows(store, page_query("incoming"), subject)
    if not rows and not incoming_rows:
        return None
    blanks: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    nested: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    objects: dict[str, list[Node]] = defaultdict(list)
    for row in rows:
        prop, obj = str(row["p"]), row["o"]
        if obj not in objects[prop]:
            objects[prop].append(obj)
        if "p2" in row:
            blanks[str(obj)][str(row["p2"])].add(row["o2"])
        if "p3" in row:
            nested[str(row["o2"])][str(row["p3"])].add(row["o3"])

    def summary(node: Node) -> str:
        parts = []
        for prop, values in sorted(blanks[str(node)].items()):
            if prop == str(RDF.type):
                continue
            shown = []
            for value in sorted(values):
                if isinstance(value, BNode):
                    inner = "; ".join(
                        f"{prefixed(p)} {', '.join(literal_text(v) for v in sorted(vs))}"
                        for p, vs in sorted(nested[str(value)].items())
                        if p != str(RDF.type)
                    )
                    shown.append(f"[{inner}]")
                else:
                    shown.append(
                        idx.label(value) if isinstance(value, URIRef) else literal_text(value)
                    )
            parts.append(f"{prefixed(prop)} {', '.join(shown)}")
        return "; ".join(parts) or "(blank node)"

    properties = []
    for prop in sorted(objects, key=lambda p: (p != str(RDF.type), prefixed(p))):
        values = []
        for obj in sorted(
            objects[prop],
            key=lambda o: (
                not isinstance(o, URIRef),
                idx.label(o) if isinstance(o, URIRef) else str(o),
            ),
        ):
            if isinstance(obj, URIRef):
                values.append(Value(ref=idx.ref(obj)))
            elif isinstance(obj, BNode):
                values.append(Value(text=summary(obj)))
            else:
                values.append(
                    Value(
                        text=str(obj),
                        datatype=prefixed(str(obj.datatype))
                        if getattr(obj, "datatype", None)
                        else "",
                    )
                )
        properties.append((Ref(prop, idx.labels.get(prop) or prefixed(prop)), values))
    incoming = sorted(
        {
            (
                idx.ref(r["s"]),
                Ref(str(r["p"]), idx.labels.get(str(r["p"])) or prefixed(str(r["p"]))),
            )
            for r in incoming_rows
        },
        key=lambda pair: (pair[1].label, pair[0].label),
    )
    return ResourcePage(
        resource=idx.ref(iri),
        types=[idx.ref(t) for t in sorted(idx.types.get(iri, ()))],
        properties=properties,
        incoming=incoming,
        source=idx.sources.get(iri),
    )


