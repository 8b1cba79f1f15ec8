"""The faces of stdkb for programs and people at a terminal: the command line (`cli/`), the HTTP
service (`http/`), the MCP server for LLM assistants (`mcp/`) and the LlamaIndex retriever
(`llama.py`). `settings.py` reads every setting once; `errors.py` is the one table that turns an
error into an HTTP status, a page heading and an exit code for all of them; `filters.py` and
`remote.py` (asking a running server) are shared by the faces, which never import each other."""
