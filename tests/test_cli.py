"""The stdkb command line, run through its real entry point."""

from __future__ import annotations

import json

import pytest

from api.cli.main import main

from .conftest import CORPUS, SUBSET


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


@pytest.mark.slow
def test_ingest_without_paths_takes_the_corpus_option(tmp_path, subset_corpus, capsys):
    assert main(["ingest", "--corpus", str(subset_corpus), "--data-dir", str(tmp_path / "kb"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents_added"] == len(SUBSET) and report["skipped"] == []
    assert report["embedder_trained"] is True


def test_search_json_follows_the_contract(kb_dir, capsys):
    assert main(["search", "机关事务管理条例第十条", "--json", "-k", "2", "--data-dir", str(kb_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"query", "low_confidence", "hits"} <= set(out)
    hit = out["hits"][0]
    assert {"rank", "score", "title", "publish_date", "level", "status", "article", "heading_path", "text",
            "source"} <= set(hit)
    assert (hit["rank"], hit["title"], hit["article"], hit["heading_path"]) == (1, "机关事务管理条例", "第十条",
                                                                              ["第二章 经费管理"])
    assert hit["source"] == "行政法规/机关事务管理条例(2012-06-28).md"


def test_search_filters_on_the_command_line(kb_dir, capsys):
    assert main(["search", "国家秘密", "--json", "--as-of", "2020-01-01", "--data-dir", str(kb_dir)]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and all(h["publish_date"] != "2024-02-27" for h in hits)


def test_a_bad_filter_is_a_clear_error(kb_dir, capsys):
    assert main(["search", "国家秘密", "--as-of", "2020-02-30", "--data-dir", str(kb_dir)]) == 2
    assert "2020-02-30" in capsys.readouterr().err


def test_human_search_output_marks_the_matched_words(kb_dir, capsys):
    assert main(["search", "公共机构节能规划", "-k", "1", "--data-dir", str(kb_dir)]) == 0
    out = capsys.readouterr().out
    assert "【" in out and "公共机构节能条例" in out


def test_clause_json_has_neighbours_and_outline(kb_dir, capsys):
    assert main(["clause", "《机关事务管理条例》第10条", "--json", "--data-dir", str(kb_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    hit = out["hits"][0]
    assert hit["article"] == "第十条" and hit["previous"]["article"] == "第九条" and hit["next"]["article"] == "第十一条"
    assert hit["outline"]


def test_clause_that_does_not_exist_exits_nonzero_with_a_notice(kb_dir, capsys):
    assert main(["clause", "机关事务管理条例第九十九条", "--json", "--data-dir", str(kb_dir)]) == 3
    assert "第九十九条" in json.loads(capsys.readouterr().out)["notice"]


def test_eval_scores_stdkb_next_to_the_baselines(kb_dir, subset_corpus, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "type": "clause_ref", "query": "公共机构节能条例第十七条",
         "relevant": [{"title": "公共机构节能条例", "publish_date": "2017-03-01", "article": "第十七条",
                       "path": "行政法规/公共机构节能条例(2017-03-01).md"}]},
        {"id": "b", "type": "version", "query": "国家秘密的密级分为哪几级？",
         "relevant": [{"title": "中华人民共和国保守国家秘密法", "publish_date": "2024-02-27", "article": "第十四条",
                       "path": "法律/保守国家秘密法(2024-02-27).md"}],
         "stale": [{"title": "中华人民共和国保守国家秘密法", "publish_date": "2010-04-29", "article": "第十条",
                    "path": "法律/保守国家秘密法(2010-04-29).md"}]},
        {"id": "c", "type": "no_answer", "query": "红烧肉怎么做才好吃？", "relevant": []},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["eval", str(questions), "--json", "--corpus", str(subset_corpus), "--data-dir", str(kb_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    ours = report["systems"]["stdkb"]
    assert ours["by_type"]["clause_ref"]["recall@1"] == 1.0
    assert ours["stale_above_gold"] == {"questions_with_stale": 1, "stale_ranked_above_gold": 0}
    assert ours["low_confidence"]["flagged_without_gold"] == 1
    assert set(report["systems"]) == {"stdkb", "bm25_naive_chunks", "dense_naive_chunks"}
    assert 0 <= report["systems"]["bm25_naive_chunks"]["overall"]["recall@5"] <= 1


def test_eval_reports_progress_per_system_on_stderr(kb_dir, subset_corpus, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "a", "query": "公共机构节能条例第十七条", "relevant": []}), encoding="utf-8")
    assert main(["eval", str(questions), "--json", "--corpus", str(subset_corpus), "--data-dir", str(kb_dir)]) == 0
    err = capsys.readouterr().err
    assert "stdkb: questions 1/1 (100%) — stdkb" in err
    assert "embedding naive chunks" in err and "stdkb: questions 1/1 (100%) — dense_naive_chunks" in err


def test_eval_names_a_bad_questions_line(kb_dir, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "x", "query": "a"}\nnot json\n', encoding="utf-8")
    # a questions file that cannot be read is a bad input file like any other: exit 3 (api/errors.py)
    assert main(["eval", str(questions), "--no-baselines", "--data-dir", str(kb_dir)]) == 3
    assert "line 2" in capsys.readouterr().err


def test_ingest_progress_off_a_terminal_is_plain_lines_about_every_tenth_of_a_stage():
    import io

    from api.cli.progress import ProgressBar

    out = io.StringIO()
    bar = ProgressBar(out)
    for done in range(0, 101):
        bar("embedding", done, 100)
    bar("indexing text", 1, 1)
    lines = out.getvalue().splitlines()
    assert lines[0] == "stdkb: embedding 0/100 (0%)" and lines[-2] == "stdkb: embedding 100/100 (100%)"
    assert 10 <= len(lines) <= 13 and lines[-1] == "stdkb: indexing text 1/1 (100%)"


# ------------------------------------------------------------------------- STDKB_URL (a server)
def test_search_through_a_running_server_prints_what_a_local_search_prints(kb_dir, kb_url, capsys, monkeypatch):
    query = "公共机构应当如何实行能源消费计量制度？"
    assert main(["search", query, "--json", "-k", "5", "--level", "行政法规", "--data-dir", str(kb_dir)]) == 0
    local = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("STDKB_URL", kb_url)
    assert main(["search", query, "--json", "-k", "5", "--level", "行政法规"]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in remote["hits"]] == [h["id"] for h in local["hits"]]
    assert {h["level"] for h in remote["hits"]} == {"行政法规"}
    assert main(["search", query, "-k", "3"]) == 0
    assert "公共机构节能条例" in capsys.readouterr().out


def test_clause_through_a_running_server_keeps_its_answer_and_exit_codes(kb_url, capsys, monkeypatch):
    monkeypatch.setenv("STDKB_URL", kb_url)
    assert main(["clause", "机关事务管理条例第十条", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["article"] == "第十条"
    assert main(["clause", "机关事务管理条例第九十九条"]) == 3
    assert "没有第九十九条" in capsys.readouterr().out


def test_an_unreachable_server_is_named_with_its_setting(capsys, monkeypatch):
    monkeypatch.setenv("STDKB_URL", "http://127.0.0.1:9")
    assert main(["search", "节能"]) == 10
    err = capsys.readouterr().err
    assert "STDKB_URL" in err and "127.0.0.1:9" in err


def test_a_bad_filter_is_named_by_the_option_that_carried_it(kb_dir, capsys):
    assert main(["search", "节能", "--from", "2020-13-45", "--status", "有效期内", "--data-dir", str(kb_dir)]) == 2
    err = capsys.readouterr().err
    assert "--from: '2020-13-45' is not a date" in err and "--status: unknown status '有效期内'" in err
