"""The knowledge base for LLM assistants over the Model Context Protocol (`stdkb mcp`): `server.py`
holds the tools, the resources and how an error reaches the assistant."""
