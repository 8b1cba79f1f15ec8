"""Files → documents → clauses with metadata. The lowest layer: imports nothing from index/, analysis/, api/."""
