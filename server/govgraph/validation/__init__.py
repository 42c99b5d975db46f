"""SHACL validation: the shapes compiled to SPARQL and run in Oxigraph (pyshacl as the
reference), the W3C test suite, and the scope of a change check (`scope/`)."""
