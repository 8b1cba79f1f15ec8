"""Search and clause lookup against a running server (STDKB_URL), over its JSON API: for `stdkb
search`, `stdkb clause` and the LlamaIndex retriever (`api/llama.py`), so it sits beside the faces.

A one-shot command that opens the knowledge base pays for importing the encoder and loading the
model (seconds with e5) on every call; a server has paid it once. The answers are the API's own
typed results, so a face shows exactly what it shows from a local knowledge base.
"""

from __future__ import annotations

from index.results import ClauseLookup, SearchResult
from index.search.filters import SearchFilters
from ingest.errors import StdkbError

TIMEOUT_S = 30


class RemoteError(StdkbError):
    """The server at STDKB_URL could not be reached or did not answer as a stdkb server does."""


def search(url: str, query: str, k: int, filters: SearchFilters) -> SearchResult:
    return SearchResult.model_validate(_get(url, "/api/v1/search", {"q": query, "k": k, **_params(filters)}))


def clause(url: str, citation: str, filters: SearchFilters) -> ClauseLookup:
    return ClauseLookup.model_validate(_get(url, "/api/v1/clause", {"citation": citation, **_params(filters)},
                                            not_found_ok=True))


def _params(filters: SearchFilters) -> dict:
    """The filters a user set, as query parameters (defaults are the server's defaults too)."""
    return filters.model_dump(exclude_defaults=True)


def _get(url: str, path: str, params: dict, not_found_ok: bool = False) -> dict:
    import httpx

    base = url.rstrip("/")
    try:
        response = httpx.get(base + path, params=params, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise RemoteError(f"cannot reach the stdkb server at {base} (STDKB_URL): {exc}") from exc
    if response.status_code == 404 and not_found_ok:
        return response.json()
    if response.status_code >= 400:
        detail = response.text[:300]
        raise RemoteError(f"the stdkb server at {base} answered {response.status_code}: {detail}")
    try:
        return response.json()
    except ValueError as exc:
        raise RemoteError(f"{base} did not answer with JSON; is STDKB_URL a stdkb server?") from exc
