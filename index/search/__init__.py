"""Queries → ranked clauses: reading the query (`query.py`, `citations.py`, `titles.py`), exact
lookup (`lookup.py`), the keyword, dense and approximate views (`keyword.py`, `dense.py`, `ann.py`),
their fusion (`fusion.py`, `ranker.py`), the views of one generation (`snapshot.py`, `layers.py`,
`view_cache.py`), confidence, filters and highlighting."""
