"""Security: who may write, what a key leaves behind, what uploads may be, how much one client may ask."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.security import RateLimiter, key_matches
from api.settings import Settings
from ingest.errors import DocumentError
from ingest.parse import parse_file

from .test_formats import _pdf

KEY = "s3cret-key-for-the-tests-0123456789"
RULE = "某市机关会议室管理办法\n\n第一条 为了规范机关会议室的使用，制定本办法。\n第二条 会议室预约应当提前一个工作日提出。\n"


@pytest.fixture
def writer(kb_copy):
    with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY, rate_limit_per_minute=0))) as c:
        yield c


def _upload(client, name: str, data: bytes, content_type: str = "application/octet-stream", **headers):
    return client.post("/api/v1/documents", headers={"X-API-Key": KEY, **headers},
                       files={"file": (name, data, content_type)})


# ------------------------------------------------------------------------------------------- keys
def test_a_prefix_or_an_extension_of_the_key_is_not_the_key():
    assert key_matches(KEY, KEY)
    assert not key_matches(KEY[:-1], KEY) and not key_matches(KEY + "x", KEY) and not key_matches("", KEY)
    assert not key_matches("", "")   # no configured key: nothing matches, not even nothing


def test_a_key_in_the_url_is_not_accepted(writer):
    r = writer.post(f"/api/v1/documents?api_key={KEY}", files={"file": ("a.md", RULE.encode())})
    assert r.status_code == 401


def test_the_login_cookie_does_not_hold_the_key(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir, api_key=KEY, private_reads=True))) as c:
        r = c.post("/login", data={"key": KEY}, follow_redirects=False)
        cookie = r.cookies.get("stdkb_key")
        assert cookie and KEY not in cookie and "HttpOnly" in r.headers["set-cookie"]
        assert c.get("/?q=保密").status_code == 200
        c.cookies.clear()
        c.cookies.set("stdkb_key", KEY)   # the key itself is not a session
        assert c.get("/?q=保密", follow_redirects=False).status_code == 303


@pytest.mark.slow
def test_no_key_reaches_the_server_logs(kb_copy, tmp_path):
    """`stdkb serve` as users run it, access log on; every way of sending the key, right and wrong."""
    import os

    from .servers import start_stdkb_serve

    log = tmp_path / "server.log"
    server, url = start_stdkb_serve(kb_copy, log, dict(os.environ, STDKB_API_KEY=KEY, STDKB_PRIVATE_READS="1"))
    try:
        with httpx.Client(base_url=url, timeout=120) as c:
            assert c.post("/api/v1/documents", headers={"X-API-Key": KEY},
                          files={"file": ("a.md", RULE.encode())}).status_code == 201
            c.post("/api/v1/documents", headers={"Authorization": f"Bearer {KEY}"}, files={"file": ("b.md", b"\x00")})
            c.post("/api/v1/documents", headers={"X-API-Key": KEY[:-1]}, files={"file": ("c.md", RULE.encode())})
            c.post("/login", data={"key": KEY})
            c.post("/login", data={"key": KEY + "wrong"})
            c.get("/api/v1/search", params={"q": "保密"}, headers={"X-API-Key": KEY})
            c.get("/api/v1/search", params={"q": "保密"}, headers={"X-API-Key": "guess" + KEY})
    finally:
        server.terminate()
        server.wait(30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "POST /api/v1/documents" in text   # the access log was written
    assert KEY[:12] not in text


# ---------------------------------------------------------------------------------------- uploads
@pytest.mark.parametrize("name, data, problem", [
    ("rule.pdf", RULE.encode(), "named .pdf but the content is neither a PDF nor a ZIP"),
    ("rule.docx", RULE.encode(), "named .docx but the content is neither"),
    ("page.md", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "an HTML page"),
    ("old.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old binary Office file"),
])
def test_uploads_are_typed_by_content_not_by_name(writer, name, data, problem):
    r = _upload(writer, name, data)
    assert r.status_code == 422 and name in r.json()["error"] and problem in r.json()["error"], r.text


def test_a_pdf_under_a_text_name_is_refused(writer, tmp_path):
    _pdf(tmp_path / "x.pdf", ["第一条 测试条文。"])
    r = _upload(writer, "rule.md", (tmp_path / "x.pdf").read_bytes())
    assert r.status_code == 422 and "content is a PDF" in r.json()["error"]


def test_the_declared_content_type_is_ignored(writer):
    r = _upload(writer, "会议室办法.md", RULE.encode(), content_type="application/x-msdownload")
    assert r.status_code == 201 and r.json()["clauses"] == 2


def test_a_folder_file_with_a_lying_suffix_is_refused_by_content(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(DocumentError, match="named .pdf but the content is a ZIP"):
        parse_file(path)


# ----------------------------------------------------------------------------------- rate limits
def test_a_client_over_its_share_of_answers_gets_429_with_retry_after(kb_dir):
    settings = Settings(data_dir=kb_dir, rate_limit_per_minute=6, rate_limit_burst=2)
    app = create_app(settings)
    with TestClient(app, client=("10.0.0.1", 5000)) as one, TestClient(app, client=("10.0.0.2", 5000)) as two:
        codes = [one.get("/api/v1/ask", params={"q": "公共机构节能目标"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = one.get("/api/v1/ask", params={"q": "节能"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert "too many requests" in r.json()["error"]
        assert two.get("/api/v1/ask", params={"q": "节能"}).status_code == 200   # another client is not slowed
        assert one.get("/api/v1/search", params={"q": "节能"}).status_code == 200  # search is not limited
        page = one.get("/ask", params={"q": "节能"})
        assert page.status_code == 429 and "请求过于频繁" in page.text


def test_the_gap_endpoint_shares_the_limit(kb_dir):
    app = create_app(Settings(data_dir=kb_dir, rate_limit_per_minute=1, rate_limit_burst=1))
    with TestClient(app) as c:
        c.get("/api/v1/ask", params={"q": "节能"})
        r = c.post("/api/v1/gap", files={"file": ("draft.md", "某标准\n\n1 范围\n本文件规定了会议服务。\n".encode())})
        assert r.status_code == 429


def test_the_bucket_refills_with_time():
    limiter = RateLimiter(per_minute=60, burst=2)
    assert [limiter.retry_after("a", now=0.0) for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.retry_after("a", now=0.0) > 0
    assert limiter.retry_after("a", now=1.01) == 0.0


# ------------------------------------------------------------------------------- the upload page
def test_upload_page_without_a_server_key_says_how_to_enable_uploads(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir))) as c:
        r = c.get("/upload")
        assert r.status_code == 403 and "STDKB_API_KEY=" in r.text
        assert c.post("/upload", files=[("files", ("a.md", RULE.encode()))]).status_code == 403


def test_upload_page_sends_a_browser_without_the_key_to_the_login_form_and_back(kb_copy):
    with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY))) as c:
        r = c.get("/upload", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/upload"
        r = c.post("/upload", files=[("files", ("a.md", RULE.encode()))], headers={"Accept": "application/json"})
        assert r.status_code == 401
        r = c.post("/login", data={"key": KEY, "next": "/upload"}, follow_redirects=False)
        assert r.headers["location"] == "/upload"
        r = c.post("/upload", files=[("files", ("a.md", RULE.encode()))], headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.json()[0]["outcome"] == "added"


def test_login_never_sends_the_browser_to_another_site(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir, api_key=KEY))) as c:
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            r = c.post("/login", data={"key": KEY, "next": target}, follow_redirects=False)
            assert r.headers["location"] == "/", target


def test_upload_form_without_script_stores_every_file_and_skips_an_empty_file_input(kb_copy):
    with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY))) as c:
        c.post("/login", data={"key": KEY})
        r = c.post("/upload", files=[("files", ("a.md", RULE.encode())), ("files", ("", b"")),
                                     ("files", ("b.md", RULE.replace("一个", "两个").encode()))])
        assert r.status_code == 200
        assert r.text.count('class="tag added"') == 2 and "未接收" not in r.text


def test_an_api_upload_with_an_empty_file_part_is_a_clear_422_not_a_crash(writer):
    r = writer.post("/api/v1/documents", files={"file": ("", b"")}, headers={"X-API-Key": KEY})
    assert r.status_code == 422 and r.json()["type"] == "ValidationError" and "file" in r.json()["error"]
