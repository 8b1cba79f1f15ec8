"""The whole API against its own OpenAPI schema: schemathesis generates requests for every operation
(bounded examples, with the write key so uploads and deletes run too) and none may get a 5xx.

The operations are walked by hand rather than with `schema.parametrize()`: the schema needs an app
over a temporary knowledge base (a fixture), and schemathesis' fixture-based loader does not run
under pytest 9.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.http.app import create_app
from api.settings import Settings

pytestmark = pytest.mark.slow

KEY = "schema-test-key-0123456789abcdef"
EXAMPLES = int(os.environ.get("STDKB_SCHEMA_EXAMPLES", "25"))  # more for a deeper run


def test_no_request_the_schema_allows_gets_a_server_error(kb_copy):
    app = create_app(Settings(data_dir=kb_copy, api_key=KEY, rate_limit_per_minute=0, max_upload_mb=1))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None)
        @given(case=operation.as_strategy())
        def exercise(case):
            nonlocal tried
            tried += 1
            response = case.call(headers={"X-API-Key": KEY})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query or ''} → "
                                f"{response.status_code} {response.text[:300]}")

        exercise()
    print(f"schemathesis: {tried} requests, {len(failures)} server errors")
    assert tried > 200
    assert failures == []
