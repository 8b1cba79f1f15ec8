"""Gap analysis and review reports over the index."""
