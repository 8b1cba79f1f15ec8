"""Search filters from what a face was given, with a bad value refused as `InvalidRequest` naming
the filter as that face spells it (`--as-of` on the command line, `as_of` for the retriever and the
MCP tools), so the error table answers it the same way everywhere."""

from __future__ import annotations

from typing import Callable

from pydantic import ValidationError

from index.errors import InvalidRequest
from index.search.filters import SearchFilters

# The filters a face may set: every field of SearchFilters but `exclude`, which analyses set.
FILTER_FIELDS = ("level", "status", "region", "document", "as_of", "date_from", "date_to")


def search_filters(spell: Callable[[str], str] = str, **values) -> SearchFilters:
    """SearchFilters from `values` (None or empty: no restriction); a single level or status may be
    given as a string. InvalidRequest naming each bad filter by `spell(field)`."""
    unknown = sorted(set(values) - set(FILTER_FIELDS))
    if unknown:
        raise InvalidRequest(f"unknown filter {', '.join(unknown)}; the filters are {', '.join(FILTER_FIELDS)}")
    fields = {}
    for name, value in values.items():
        if value in (None, "", []):
            continue
        fields[name] = [value] if name in ("level", "status") and isinstance(value, str) else value
    try:
        return SearchFilters(**fields)
    except ValidationError as exc:
        raise InvalidRequest("; ".join(f"{spell('.'.join(str(p) for p in e['loc']))}: "
                                       f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())) from None
