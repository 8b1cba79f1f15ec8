"""Every stdkb error means the same on every face: the status of `api/errors.py` over HTTP and on the
pages, its exit code on the command line, and its message everywhere."""

from __future__ import annotations

import inspect

import pytest
from fastapi.testclient import TestClient

import analysis.evaluate.retrieval  # noqa: F401
import api.cli.main
import api.http.app  # noqa: F401  (with the next two: every module that defines an error)
from api.errors import ERROR_TABLE, UNEXPECTED, classify
from api.settings import Settings
from index.index import Index
from ingest.errors import StdkbError


def _all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_all_subclasses(sub)]
    return out


ERRORS = [StdkbError, *_all_subclasses(StdkbError)]


def _instance(cls: type[StdkbError]) -> StdkbError:
    params = [p for p in inspect.signature(cls.__init__).parameters.values()
              if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD]
    return cls(*["蓝鲸"] * len(params)) if params else cls("蓝鲸出了问题")


def test_every_error_class_is_mapped_by_its_own_row_or_a_specific_base():
    listed = {cls for cls, _ in ERROR_TABLE}
    unmapped = [cls.__name__ for cls in ERRORS
                if cls is not StdkbError and not any(base in listed and base is not StdkbError for base in cls.__mro__)]
    assert unmapped == []


def test_a_subclass_row_comes_before_its_base():
    order = [cls for cls, _ in ERROR_TABLE]
    for i, cls in enumerate(order):
        assert not any(issubclass(cls, earlier) for earlier in order[:i]), f"{cls.__name__} is shadowed"


def test_an_error_outside_stdkb_is_an_internal_error():
    assert classify(KeyError("x")) == UNEXPECTED


@pytest.fixture(scope="module")
def client(kb_dir):
    with TestClient(create_app(kb_dir)) as c:
        yield c


def create_app(kb_dir):
    from api.http.app import create_app as make

    return make(Settings(data_dir=kb_dir, rate_limit_per_minute=0))


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_an_error_has_its_status_over_http(client, monkeypatch, cls):
    exc = _instance(cls)
    monkeypatch.setattr(client.app.state.kb, "search", lambda *a, **k: (_ for _ in ()).throw(exc))
    r = client.get("/api/v1/search", params={"q": "节能"})
    assert r.status_code == classify(exc).status
    assert r.json() == {"error": str(exc), "type": cls.__name__}


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_an_error_has_its_status_and_heading_on_the_pages(client, monkeypatch, cls):
    exc = _instance(cls)
    monkeypatch.setattr(client.app.state.kb, "documents", lambda *a, **k: (_ for _ in ()).throw(exc))
    r = client.get("/documents")
    assert r.status_code == classify(exc).status
    assert classify(exc).page_title in r.text and "蓝鲸" in r.text


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_an_error_has_its_exit_code_on_the_command_line(kb_dir, monkeypatch, capsys, cls):
    exc = _instance(cls)
    monkeypatch.setattr(Index, "search", lambda *a, **k: (_ for _ in ()).throw(exc))
    assert api.cli.main.main(["search", "节能", "--data-dir", str(kb_dir)]) == classify(exc).exit_code
    assert capsys.readouterr().err.strip() == f"stdkb: error: {exc}"
