"""ggen for Python: ontology-driven code generation.

``ggen sync`` reads ``ggen.toml``, loads RDF, runs inference and SHACL checks,
runs each rule's SPARQL SELECT and renders its template into files. The library
entry point is :func:`ggen.pipeline.sync`; heavy libraries load only when used.
"""

__version__ = "0.1.0"
