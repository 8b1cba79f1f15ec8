"""Who may do what, and how much they may send: the API key check, the request-body limit and the
per-client rate limit of the expensive endpoints. Keys are compared in constant time and never
logged, echoed or stored in cookies."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
from urllib.parse import quote

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPBearer

KEY_HEADER = "X-API-Key"
KEY_COOKIE = "stdkb_key"


def presented_key(request: Request) -> str:
    """The key a client sent: X-API-Key or `Authorization: Bearer …`."""
    key = request.headers.get(KEY_HEADER, "")
    auth = request.headers.get("Authorization", "")
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    return key


def key_matches(given: str, expected: str) -> bool:
    # compare_digest: the time taken does not tell how much of a wrong key was right.
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def session_token(expected: str) -> str:
    """What the login cookie holds: derived from the key, so the browser never stores the key itself."""
    return hmac.new(expected.encode(), b"stdkb page session", hashlib.sha256).hexdigest()


def has_key(request: Request, expected: str) -> bool:
    """The request carries the key (header) or a login cookie made from it."""
    if key_matches(presented_key(request), expected):
        return True
    cookie = request.cookies.get(KEY_COOKIE, "")
    return bool(expected and cookie) and hmac.compare_digest(cookie.encode(), session_token(expected).encode())


# Declared for OpenAPI, so that /docs offers an Authorize button; the key is read by presented_key.
API_KEY_HEADER = APIKeyHeader(name=KEY_HEADER, auto_error=False, description="STDKB_API_KEY of the server")
BEARER = HTTPBearer(auto_error=False, description="the same key as a Bearer token")


def require_write_key(request: Request, _header: str | None = Security(API_KEY_HEADER),
                      _bearer: object = Security(BEARER)) -> None:
    expected = request.app.state.settings.api_key
    if not expected:
        raise HTTPException(403, detail="writes over HTTP are disabled: the server has no STDKB_API_KEY set")
    if not key_matches(presented_key(request), expected):
        raise HTTPException(401, detail=f"a valid API key is required ({KEY_HEADER} header or Bearer token)",
                            headers={"WWW-Authenticate": "Bearer"})


def require_read_key(request: Request) -> None:
    settings = request.app.state.settings
    if settings.private_reads and not has_key(request, settings.api_key):
        raise HTTPException(401, detail=f"this knowledge base is private: send the API key ({KEY_HEADER} header)",
                            headers={"WWW-Authenticate": "Bearer"})


class RateLimiter:
    """Per-client token buckets for the expensive endpoints (ask, gap): `per_minute` requests a minute,
    in bursts of up to `burst`. Clients are told apart by address; thread-safe."""

    def __init__(self, per_minute: float, burst: int):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str, now: float | None = None) -> float:
        """0 when the request may go ahead (and is counted), else seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > 10_000:   # forget idle clients rather than grow without bound
                    self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 600}
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate > 0 else 60.0


def rate_limited(request: Request) -> None:
    """Dependency of ask and gap: 429 with Retry-After when this client has used its share."""
    limiter: RateLimiter | None = request.app.state.rate_limiter
    if limiter is None:
        return
    client = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(client)
    if wait > 0:
        raise HTTPException(429, detail=f"too many requests to this endpoint; try again in {math.ceil(wait)} s",
                            headers={"Retry-After": str(math.ceil(wait))})


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: refuse request bodies over `max_bytes` with 413, counting while they stream in.

    Content-Length is checked first; a chunked body is cut off as soon as it passes the limit,
    before the multipart parser has spooled it to disk.
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            return await self._refuse(send)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send):
        mb = self.max_bytes / (1024 * 1024)
        body = json.dumps({"error": f"request body too large (limit {mb:g} MB)", "type": "BodyTooLarge"},
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def require_page_reader(request: Request) -> None:
    """Pages of a private knowledge base send the browser to the login form instead of a 401."""
    settings = request.app.state.settings
    if settings.private_reads and not has_key(request, settings.api_key):
        raise HTTPException(303, detail="login required", headers={"Location": "/login"})


def page_write_access(request: Request) -> str:
    """Whether the upload page may write: "ok", "login" (a key is set, the browser has not shown it)
    or "disabled" (the server has no key, so nothing is written over HTTP)."""
    expected = request.app.state.settings.api_key
    if not expected:
        return "disabled"
    return "ok" if has_key(request, expected) else "login"


def login_router():
    from fastapi import APIRouter, Form
    from fastapi.responses import RedirectResponse

    r = APIRouter(include_in_schema=False)

    @r.post("/login")
    def login(request: Request, key: str = Form("", max_length=500), next: str = Form("/", max_length=200)):
        # Only a path on this site: a login form must not send the browser elsewhere.
        target = next if next.startswith("/") and not next.startswith("//") and "\\" not in next else "/"
        if not key_matches(key, request.app.state.settings.api_key):
            return RedirectResponse(f"/login?failed=1&next={quote(target, safe='/')}", status_code=303)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(KEY_COOKIE, session_token(key), httponly=True, samesite="strict")
        return response

    return r
