"""RDF itself: the model's namespaces and terms, and how files of them are read.

Loading files with readable errors, terms and their skolem IRIs, rdflib <-> Oxigraph conversion,
and the wording of dates the documents only bound.
"""
