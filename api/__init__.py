"""The faces of stdkb for programs and people at a terminal: the command line (cli.py) and the
HTTP service (app.py: the JSON API under /api/v1, the pages of web/ at /, OpenAPI docs at /docs).
Each parses input, makes one call to the knowledge base or to analysis/, and formats the result."""
