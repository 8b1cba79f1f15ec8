"""The stdkb command line, run through its real entry point."""

from __future__ import annotations

import json

from api.cli import main

from .conftest import CORPUS


def test_parse_json_has_the_contract_fields(capsys):
    assert main(["parse", str(CORPUS / "行政法规" / "机关事务管理条例(2012-06-28).md"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"title", "level", "issuer", "doc_number", "publish_date", "effective_date", "status", "clauses"} <= set(out)
    tenth = next(c for c in out["clauses"] if c["label"] == "第十条")
    assert tenth["heading_path"] == ["第二章 经费管理"]
    assert set(tenth) >= {"id", "label", "heading_path", "text", "parent"}


def test_parse_of_a_bad_file_names_it_and_fails(tmp_path, capsys):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    assert main(["parse", str(bad), "--json"]) == 3
    assert "bad.pdf" in capsys.readouterr().err


def test_search_json_prints_one_object_per_query_from_stdin(kb_dir, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("机关运行经费\n保密审查\n"))
    assert main(["search", "-", "--json", "-k", "3", "--data-dir", str(kb_dir)]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert [json.loads(x)["query"] for x in lines] == ["机关运行经费", "保密审查"]
    assert len(json.loads(lines[0])["hits"]) == 3


def test_check_reports_ok_on_a_consistent_directory(kb_dir, capsys):
    assert main(["check", "--data-dir", str(kb_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_ingest_into_the_corpus_folder_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("STDKB_CORPUS", str(CORPUS))
    assert main(["ingest", "--data-dir", str(CORPUS / "data")]) == 2
    assert "must not be inside the corpus" in capsys.readouterr().err


def test_ingest_without_paths_takes_the_corpus_option(tmp_path, subset_corpus, capsys):
    assert main(["ingest", "--corpus", str(subset_corpus), "--data-dir", str(tmp_path / "kb"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents_added"] == 6 and report["skipped"] == []
    assert report["embedder_trained"] is True
