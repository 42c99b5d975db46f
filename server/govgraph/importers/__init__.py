"""Importers: documents as officers keep them (minutes, spreadsheets) read into draft proposals.

An importer never changes the graph: it reads a file, matches what it names against the
current graph, and returns a draft of structure operations for a person to review, with
everything it could not place listed. No Flask here; `cli.py` and `govgraph.web.imports`
are the shells.
"""
