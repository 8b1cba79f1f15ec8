"""The HTTP service: `app.py` builds one FastAPI app over one knowledge base (the JSON API of
`routes.py` and `system_routes.py` under /api/v1, the pages of web/ at /, OpenAPI at /docs);
`security.py` holds the API key, body and rate limits; `metrics.py` the request counts."""
