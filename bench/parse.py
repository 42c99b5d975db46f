"""Reading a proposal's SPARQL Update: the linear path (`changes.parse_update`) beside rdflib's
own parse and translation, at several sizes, in one run.

    python bench/parse.py

rdflib's translation reorders template triples in quadratic time (4,999 triples took 133 s), so
it is measured only up to 2,000 triples here.
"""

from __future__ import annotations

import time

from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate

from govgraph.changes.parse import parse_update


def insert_data(triples: int) -> str:
    rows = "\n".join(f'<body/b{i}> skos:altLabel "Name {i}"@en .' for i in range(triples))
    return f"INSERT DATA {{\n{rows}\n}}"


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    prefixes = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nBASE <https://x.org/>\n"
    print(f"{'triples':>8}{'govgraph s':>12}{'rdflib s':>10}")
    for triples in (500, 1000, 2000, 4999):
        text = insert_data(triples)
        ours = timed(lambda text=text: parse_update(text, "bench"))
        theirs = ""
        if triples <= 2000:
            theirs = f"{timed(lambda text=text: translateUpdate(parseUpdate(prefixes + text))):.2f}"
        print(f"{triples:>8}{ours:>12.3f}{theirs:>10}", flush=True)


if __name__ == "__main__":
    main()
