"""The stores of one data directory: the SQLite catalogue (documents, clauses, keyword rows), the
Chroma vectors behind the `VectorStore` protocol, the directory's own manifest and lock, writes in
crash-safe order, check and repair, and the chosen crash points of the fault tests."""
