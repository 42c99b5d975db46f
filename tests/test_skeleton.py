"""The seeds of a SPARQL constraint (skeleton.py) reach every focus node whose answers a change
alters. Checked against the constraint's own answers before and after a random change, on small
random graphs (hypothesis): for hand-made constraints using each construct the reading handles,
and for every SPARQL constraint of the shapes.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parserutils import CompValue

from govgraph.config import Settings
from govgraph.rdf.namespaces import DCT, GG, ORG, RDF, SH, TIME
from govgraph.validation.scope.patterns import Neighbours, parsed_constraint
from govgraph.validation.scope.reach import ShapeReach
from govgraph.validation.scope.skeleton import Unsupported, seeds
from govgraph.validation.validate import load_shapes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("GOVGRAPH_PROPERTY_EXAMPLES", "40"))
EX = Namespace("http://example.org/")
SHAPES = "https://w3id.org/govgraph/shapes#"
NODES = [EX[f"n{i}"] for i in range(4)]
DATES = [Literal("2007-01-01", datatype=XSD.date), Literal("2008-01-01", datatype=XSD.date)]

SYNTHETIC = {
    "sibling EXISTS share a name, not a value":
        "SELECT $this WHERE { $this ex:p ?x . "
        "FILTER (EXISTS { ?y ex:q $this } && EXISTS { ?y ex:r ?x }) }",
    "either of two EXISTS":
        "SELECT $this WHERE { $this ex:p ?x . "
        "FILTER (EXISTS { ?x ex:q ?y } || EXISTS { ?x ex:r ?y }) }",
    "EXISTS inside NOT EXISTS":
        "SELECT $this ?x WHERE { $this ex:p ?x . "
        "FILTER NOT EXISTS { ?x ex:q ?y . FILTER EXISTS { ?y ex:r $this } } }",
    "OPTIONAL, BIND and BOUND":
        "SELECT $this ?v WHERE { $this ex:p ?x . OPTIONAL { ?x ex:q ?y } "
        "BIND (COALESCE(?y, ?x) AS ?v) FILTER (!BOUND(?y) || EXISTS { ?y ex:r ?x }) }",
    "UNION":
        "SELECT $this ?w WHERE { { $this ex:p ?w } UNION "
        "{ ?w ex:q $this . FILTER NOT EXISTS { ?w ex:r ?w } } }",
    "property paths":
        "SELECT $this ?z WHERE { $this (ex:p | ^ex:q)? ?z . ?z ex:r/ex:p* ?t . "
        "FILTER EXISTS { ?t ex:q+ $this } }",
    "a repeated sequence":
        "SELECT $this WHERE { $this (ex:p/^ex:q)+ ?x . FILTER EXISTS { ?x ex:r $this } }",
    "negated conjunction":
        "SELECT $this WHERE { $this ex:p ?x . "
        "FILTER (!(EXISTS { ?x ex:q ?y } && EXISTS { ?x ex:r ?y })) }",
    "a variable only an OPTIONAL binds, used by two EXISTS":
        "SELECT $this WHERE { $this ex:p ?x . OPTIONAL { $this ex:q ?y } "
        "FILTER (EXISTS { ?x ex:r ?y } && EXISTS { ?y ex:p ?x }) }",
    "a variable one branch of a UNION binds, used by two EXISTS":
        "SELECT $this WHERE { $this ex:p ?x . { $this ex:q ?y } UNION { $this ex:r ?x } "
        "FILTER (EXISTS { ?x ex:r ?y } && EXISTS { ?y ex:q ?x }) }",
    "a focus node with no triple pattern of its own":
        "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:p ?x . "
        "FILTER (EXISTS { ?x ex:q true } || EXISTS { ?x ex:r ?x }) } }",
}


def _shape_constraints() -> dict[str, str]:
    shapes = load_shapes(Settings(project_root=ROOT))
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in ShapeReach(shapes).prefixes.items())
    return {str(shape): header + str(shapes.value(constraint, SH.select))
            for shape, constraint in shapes.subject_objects(SH.sparql)}


CONSTRAINTS = {name: f"PREFIX ex: <{EX}>\n{text}" for name, text in SYNTHETIC.items()}
CONSTRAINTS.update(_shape_constraints())


def _templates(part: object, found: list, constants: set) -> list:
    """The triple patterns of a parsed query, property paths taken step by step, as (subject,
    predicate, object) with None for a variable: random graphs are made of their instances.
    The IRIs and literals its expressions compare with go into `constants`."""
    if isinstance(part, URIRef | Literal):
        constants.add(part)
    elif isinstance(part, CompValue):
        for key, value in part.items():
            if key == "triples":
                for s, p, o in (tuple(t)[:3] for t in value):
                    for predicate in _steps(p):
                        template = (_constant(s), predicate, _constant(o))
                        if template not in found:  # each as likely as the next
                            found.append(template)
            elif key not in ("_vars", "PV", "var"):
                _templates(value, found, constants)
        graph = getattr(part, "graph", None)  # an EXISTS keeps its pattern as the attribute
        if isinstance(graph, CompValue):
            _templates(graph, found, constants)
    elif isinstance(part, list | tuple):
        for item in part:
            _templates(item, found, constants)
    return found


def _steps(path: object) -> list[URIRef]:
    if isinstance(path, URIRef):
        return [path]
    parts = getattr(path, "args", None) or [getattr(path, "arg", None) or getattr(path, "path",
                                                                                  None)]
    return [step for part in parts if part is not None for step in _steps(part)]


def _constant(term: object) -> object:
    return term if isinstance(term, URIRef | Literal) else None


def _answers(query, graph: Graph, focus: URIRef) -> Counter:
    rows = graph.query(query, initBindings={"this": focus})
    return Counter(tuple(row) for row in rows)


def _assert_reached(name: str, before: Graph, touched: set[tuple]) -> set:
    """Every focus node whose answers to constraint `name` differ once the triples `touched`
    are toggled (removed if in `before`, else added) is reached by a seed; those nodes."""
    query = parsed_constraint(CONSTRAINTS[name])
    after = Graph()
    for t in before:
        after.add(t)
    removed = [t for t in touched if t in before]
    for t in removed:
        after.remove(t)
    for t in touched - set(removed):
        after.add(t)
    view = Neighbours(after, removed)
    reached: set = set()
    for seed in seeds(query.algebra):
        for t in touched:
            if seed.edge.predicate in (None, t[1]):
                if not seed.to_focus:
                    return set()  # any focus node may change: nothing to hold seeds to
                seed.match(t, view, reached)
    changed = {focus for focus in NODES
               if _answers(query, before, focus) != _answers(query, after, focus)}
    assert changed <= reached, f"{name}: {sorted(changed - reached)} not reached"
    return changed


PICK = st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
@hypothesis_settings(max_examples=EXAMPLES, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(PICK, min_size=3, max_size=60),
       change=st.lists(PICK, min_size=1, max_size=3))
def test_seeds_reach_every_focus_node_whose_answers_change(name, picks, change):
    constants: set = set()
    templates = _templates(parsed_constraint(CONSTRAINTS[name]).algebra, [], constants)
    values = NODES + sorted(constants, key=str) + (DATES if name not in SYNTHETIC else [])

    def triple(pick: tuple[int, int, int]) -> tuple:
        s, t, o = pick
        subject, predicate, obj = templates[t % len(templates)]
        return (subject if isinstance(subject, URIRef) else NODES[s % len(NODES)], predicate,
                values[o % len(values)] if obj is None else obj)

    before = Graph()
    for pick in picks:
        before.add(triple(pick))
    _assert_reached(name, before, {triple(pick) for pick in change})


F, X, Y, Z = NODES


@pytest.mark.parametrize(("name", "before", "toggled"), [
    ("sibling EXISTS share a name, not a value",
     [(F, EX.p, X), (Y, EX.r, X)], [(Z, EX.q, F)]),
    ("a variable one branch of a UNION binds, used by two EXISTS",
     [(F, EX.p, X), (F, EX.r, X), (Z, EX.q, X)], [(X, EX.r, Y)]),
    ("a variable only an OPTIONAL binds, used by two EXISTS",
     [(F, EX.p, X), (Z, EX.p, X)], [(X, EX.r, Y)]),
    ("negated conjunction", [(F, EX.p, X), (X, EX.r, Y)], [(X, EX.q, Y)]),
    # a path followed backwards: through an inverse step, and through a sequence
    ("property paths", [(X, EX.q, F), (Y, EX.q, F)], [(X, EX.r, Y)]),
    ("property paths", [(F, EX.p, X), (X, EX.r, Z), (Z, EX.p, Y)], [(Y, EX.q, F)]),
    ("a repeated sequence", [(F, EX.p, X), (Y, EX.q, X), (Y, EX.p, Z), (EX.w, EX.r, F)],
     [(EX.w, EX.q, Z)]),
    # the shapes' longest joins: a meeting before its body began; a chair whose membership
    # becomes a proposed one; a chair who holds a post with a seat on the body it is a form of
    (SHAPES + "WithinBodyLifeShape",
     [(F, RDF.type, GG.Meeting), (F, GG.ofBody, X), (F, DCT.date, DATES[0]),
      (X, GG.activeDuring, Y), (Y, TIME.hasBeginning, Z)], [(Z, TIME.inXSDDate, DATES[1])]),
    (SHAPES + "MeetingChairShape",
     [(F, GG.chairedBy, X), (F, GG.ofBody, Y), (Z, ORG.member, X), (Z, ORG.organization, Y)],
     [(Z, RDF.type, GG.ProposedMembership)]),
    (SHAPES + "MeetingChairShape",
     [(F, GG.chairedBy, X), (F, GG.ofBody, Y), (Y, GG.meetingFormOf, EX.w), (X, ORG.holds, EX.p),
      (Z, ORG.member, EX.p)], [(Z, ORG.organization, EX.w)]),
])
def test_seeds_reach_the_cases_random_graphs_rarely_build(name, before, toggled):
    graph = Graph()
    for t in before:
        graph.add(t)
    assert F in _assert_reached(name, graph, set(toggled))


def test_every_constraint_of_the_shapes_is_read_into_seeds():
    for name, text in _shape_constraints().items():
        assert seeds(parsed_constraint(text).algebra), name


def test_a_sub_query_is_not_read():
    query = parsed_constraint(f"PREFIX ex: <{EX}>\n"
                              "SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?x } } }")
    with pytest.raises(Unsupported):
        seeds(query.algebra)


def test_a_join_the_walk_would_follow_is_not_followed():
    """A new membership of a new body does not reach the meetings its member chairs elsewhere:
    the chair's membership must be of the meeting's own body (or the body it is a form of)."""
    text = _shape_constraints()["https://w3id.org/govgraph/shapes#MeetingChairShape"]
    gg, org = GG, ORG
    graph = Graph()
    graph.add((EX.meeting, gg.chairedBy, EX.alice))
    graph.add((EX.meeting, gg.ofBody, EX.board))
    graph.add((EX.old, org.member, EX.alice))
    graph.add((EX.old, org.organization, EX.board))
    new = [(EX.new, org.member, EX.alice), (EX.new, org.organization, EX.group)]
    for t in new:
        graph.add(t)
    reached: set = set()
    for seed in seeds(parsed_constraint(text).algebra):
        for t in new:
            if seed.edge.predicate == t[1]:
                seed.match(t, Neighbours(graph, []), reached)
    assert EX.meeting not in reached
    # ... and does reach them when the new membership is of the meeting's body
    graph.add((EX.new, org.organization, EX.board))
    t = (EX.new, org.organization, EX.board)
    for seed in seeds(parsed_constraint(text).algebra):
        if seed.edge.predicate == t[1]:
            seed.match(t, Neighbours(graph, []), reached)
    assert EX.meeting in reached


def test_a_shape_whose_constraint_is_not_read_re_checks_all_its_targets():
    sub_query = f"SELECT $this WHERE {{ {{ SELECT $this WHERE {{ $this <{EX.p}> ?x }} }} }}"
    shapes = Graph().parse(format="turtle", data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <{EX}> .
        ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:sparql [ sh:select "{sub_query}" ] .
        """)
    data = Graph()
    for node in NODES:
        data.add((node, RDF.type, EX.Thing))
    changed = [(F, EX.q, X)]  # a predicate the constraint does not even mention
    assert ShapeReach(shapes).focus_by_shape(data, changed)[EX.Shape] == set(NODES)
