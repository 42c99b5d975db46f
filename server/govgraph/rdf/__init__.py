"""RDF itself: the model's namespaces, loading files with readable errors, terms and their
skolem IRIs, rdflib <-> Oxigraph, and the wording of dates the documents only bound."""
