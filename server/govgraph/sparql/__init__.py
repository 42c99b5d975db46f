"""SPARQL text and results, independent of any store: limits checked before parsing, a linear
reader of update text, and the result writers."""
