"""`govgraph export turtle [DIR]`: the current graph written back to Turtle, one file per document.

So that an operator can keep the data in version control as `data/` is kept: every resource
(with the blank nodes that hang from it) goes to the file of the one document its statements
cite (`prov:wasDerivedFrom` a document or a part of one, `lt:doc/NAME/…`); a resource citing
several documents or none (bodies, people, the documents themselves) goes to `core.ttl`. A
document's file keeps the name it has in the project's data files (the file citing it most),
else `NAME.ttl`. The ontology and vocabularies are left out: they have their own files.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from govgraph.files import install, stage
from govgraph.rdf.namespaces import PROV, bind_prefixes

CORE = "core.ttl"
Triple = tuple[Node, Node, Node]


def document_of(cited: Node, base_iri: str) -> str | None:
    """The document a cited resource belongs to (`lt:doc/NAME` for `lt:doc/NAME/part`)."""
    prefix = f"{base_iri}doc/"
    if not isinstance(cited, URIRef) or not str(cited).startswith(prefix):
        return None
    name = str(cited)[len(prefix):].split("/", 1)[0].split("#", 1)[0]
    return name or None


def file_names(data_files: Iterable[Path], base_iri: str) -> dict[str, str]:
    """Document name -> the data file that cites it most (core.ttl is never a document's)."""
    best: dict[str, tuple[int, str]] = {}
    for path in data_files:
        if Path(path).name == CORE:
            continue
        graph = Graph()
        graph.parse(path, format="turtle", publicID=base_iri)
        counts = Counter(document_of(o, base_iri) for o in graph.objects(None,
                                                                         PROV.wasDerivedFrom))
        counts.pop(None, None)
        for document, count in counts.items():
            if count > best.get(document, (0, ""))[0]:
                best[document] = (count, Path(path).name)
    return {document: name for document, (_, name) in best.items()}


def group_by_document(graph: Graph, model: Graph, base_iri: str,
                      names: dict[str, str]) -> dict[str, list[Triple]]:
    """File name -> the triples it holds (the model's own triples left out)."""
    model_subjects = {s for s in model.subjects() if isinstance(s, URIRef)}
    parent: dict[BNode, Node] = {}
    for s, _, o in graph:
        if isinstance(o, BNode) and o != s:
            parent.setdefault(o, s)

    def root(node: Node) -> Node:
        seen = set()
        while isinstance(node, BNode) and node in parent and node not in seen:
            seen.add(node)
            node = parent[node]
        return node

    by_root: dict[Node, list[Triple]] = defaultdict(list)
    for triple in graph:
        top = root(triple[0])
        if top not in model_subjects and triple not in model:
            by_root[top].append(triple)
    files: dict[str, list[Triple]] = defaultdict(list)
    for triples in by_root.values():
        documents = {document_of(o, base_iri) for _, p, o in triples if p == PROV.wasDerivedFrom}
        documents.discard(None)
        if len(documents) == 1:
            document = documents.pop()
            files[names.get(document, f"{document}.ttl")].extend(triples)
        else:
            files[CORE].extend(triples)
    return files


def export_turtle(graph: Graph, model: Graph, directory: Path, *, base_iri: str,
                  data_files: Sequence[Path] = ()) -> list[tuple[Path, int]]:
    """Write the graph's data as Turtle files in `directory`; (file, triples) written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    groups = group_by_document(graph, model, base_iri, file_names(data_files, base_iri))
    for name, triples in sorted(groups.items()):
        out = bind_prefixes(Graph(), base_iri)
        for triple in triples:
            out.add(triple)
        path = directory / name
        install(stage(path, out.serialize(format="turtle", encoding="utf-8")), path)
        written.append((path, len(triples)))
    return written
