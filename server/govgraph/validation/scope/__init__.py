"""The scope of a change check: which focus nodes a change can reach, worked out from the
constraints' own SPARQL."""
