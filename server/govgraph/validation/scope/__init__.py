"""The scope of a change check: which focus nodes a change can reach.

Worked out from the constraints' own SPARQL, so that only those nodes are validated again.
"""
