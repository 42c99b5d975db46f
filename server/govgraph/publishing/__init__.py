"""Publishing the graph openly, in the forms other people's tools read.

RDF in every usual syntax, whole-graph downloads with their VoID/DCAT description, Popolo JSON,
iCalendar and Atom. No Flask here: the views in `govgraph.web.linked_data`, `web.downloads` and
`web.feeds` only call these functions.
"""
