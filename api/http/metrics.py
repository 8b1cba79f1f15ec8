"""Request counts and latencies per route, kept in memory for /api/v1/metrics."""

from __future__ import annotations

import threading
import time


class RequestMetrics:
    """ASGI middleware counting requests, errors and time per route template (not per raw URL)."""

    def __init__(self, app, store: "MetricsStore", api_prefix: str = ""):
        self.app = app
        self.store = store
        self.api_prefix = api_prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def capture(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or "(unmatched)"
            # Routes of an included router report their path without the router's prefix.
            if route is not None and scope["path"].startswith(self.api_prefix + "/") and not name.startswith(self.api_prefix):
                name = self.api_prefix + name
            self.store.record(f"{scope['method']} {name}", status, time.perf_counter() - started)


class MetricsStore:
    def __init__(self):
        self._lock = threading.Lock()
        self.routes: dict[str, dict] = {}

    def record(self, key: str, status: int, seconds: float) -> None:
        with self._lock:
            entry = self.routes.setdefault(key, {"requests": 0, "errors_4xx": 0, "errors_5xx": 0, "seconds": 0.0})
            entry["requests"] += 1
            entry["errors_4xx"] += 400 <= status < 500
            entry["errors_5xx"] += status >= 500
            entry["seconds"] += seconds

    def snapshot(self) -> dict:
        with self._lock:
            return {key: {**v, "mean_ms": round(1000 * v["seconds"] / v["requests"], 2), "seconds": round(v["seconds"], 3)}
                    for key, v in sorted(self.routes.items())}
