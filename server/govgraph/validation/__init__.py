"""SHACL validation: the shapes compiled to SPARQL and run in Oxigraph.

pyshacl is the reference, the W3C test suite (`w3c_suite`) checks an engine's reports, and
`scope/` finds which focus nodes a change check must validate again.
"""
