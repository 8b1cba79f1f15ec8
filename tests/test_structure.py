"""Structure parsing over the whole shared corpus, and the hard cases of each family."""

from __future__ import annotations

import re

import pytest

from ingest.metadata import read_manifest, split_header
from ingest.parse import find_files, parse_file, parse_text
from ingest.readers import normalise_text
from ingest.structure import detect_family, parse_body

from .conftest import CORPUS

ARTICLE_LINE = re.compile(r"^第[零〇一二三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?\s")


@pytest.fixture(scope="module")
def corpus_docs():
    manifest = read_manifest(CORPUS / "manifest.csv")
    return [(path, parse_file(path, root, manifest.get(path.relative_to(root).as_posix())))
            for path, root in find_files([CORPUS])]


def _article_lines(path):
    body = split_header(path.read_text(encoding="utf-8")).body
    return [ln.strip() for ln in body.splitlines() if ARTICLE_LINE.match(ln.strip())]


def test_whole_corpus_parses_without_errors(corpus_docs):
    assert len(corpus_docs) == 292


def test_article_numbers_run_without_gaps_or_duplicates(corpus_docs):
    checked = 0
    for path, doc in corpus_docs:
        numbers = [int(c.number) for c in doc.clauses if c.kind == "article" and "-" not in c.number]
        if not numbers:
            continue
        checked += 1
        # 民法典 parts continue the numbering of the previous part, so runs start anywhere.
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), path
    assert checked >= 280


def test_article_count_equals_article_lines_in_text(corpus_docs):
    for path, doc in corpus_docs:
        lines = _article_lines(path)
        articles = [c for c in doc.clauses if c.kind == "article"]
        assert len(articles) == len(lines), path


def test_every_character_of_article_text_lands_in_exactly_one_clause(corpus_docs):
    def compact(text: str) -> str:
        return "".join(text.split())

    for path, doc in corpus_docs:
        if doc.family != "law":
            continue
        body = split_header(normalise_text(path.read_text(encoding="utf-8"))).body
        source_text = compact("".join(ln for ln in body.splitlines() if not ln.lstrip().startswith("#")))
        stored = "".join(compact(c.label + c.text) if c.kind == "article" else compact(c.text) for c in doc.clauses)
        assert stored == source_text, path


def test_no_clause_swallows_a_chapter(corpus_docs):
    longest = max(len(c.text) for _, doc in corpus_docs for c in doc.clauses)
    assert longest < 1000


def test_long_article_is_split_at_paragraphs_with_parent_link():
    body = "第一条 总则。\n\n第二条 " + "甲" * 400 + "。\n\n" + "乙" * 400 + "。\n\n（一）" + "丙" * 100 + "；\n\n第三条 完。"
    doc = parse_text("# 测试条例\n\n<!-- INFO END -->\n\n" + body, "t.md")
    second = [c for c in doc.clauses if c.label == "第二条"]
    assert [c.kind for c in second] == ["article", "part"]
    assert second[1].parent == second[0].id
    assert second[1].para_start == 2
    assert "".join(c.text for c in second).replace("\n", "") == "甲" * 400 + "。" + "乙" * 400 + "。" + "（一）" + "丙" * 100 + "；"


def test_cross_reference_at_line_start_is_not_an_article():
    body = "第一条 为了规范管理，制定本条例。\n\n第二条 依照本条例执行。\n\n第一条规定的事项，由主管部门负责。\n\n第三条 本条例自公布之日起施行。"
    clauses = parse_body(body, "law")
    assert [c.label for c in clauses if c.kind == "article"] == ["第一条", "第二条", "第三条"]
    assert "第一条规定的事项" in clauses[1].text


def test_chapter_heading_is_kept_in_heading_path_not_in_text():
    body = "## 第二章 经费管理\n\n第九条 各级人民政府应当加强机关运行经费管理。"
    [clause] = parse_body(body, "law")
    assert clause.heading_path == ["第二章 经费管理"]
    assert clause.text == "各级人民政府应当加强机关运行经费管理。"


def test_article_with_zhi_suffix_keeps_label_as_written():
    body = "第十七条 甲。\n\n第十七条之一 乙。\n\n第十八条 丙。"
    labels = [(c.label, c.number) for c in parse_body(body, "law")]
    assert labels == [("第十七条", "17"), ("第十七条之一", "17-1"), ("第十八条", "18")]


def test_pilot_document_headings_follow_the_prose_hierarchy(corpus_docs):
    doc = next(d for p, d in corpus_docs if d.source.startswith("试点文件/003"))
    stage = next(c for c in doc.clauses if c.label == "（四）" and c.heading_path == ["三、实施步骤"])
    assert stage.title.startswith("评估验收阶段")
    children = [c for c in doc.clauses if c.parent == stage.id]
    assert [c.label for c in children] == ["1.", "2.", "3."]


def test_explanatory_note_recovers_a_chapter_heading_that_lost_its_number(corpus_docs):
    doc = next(d for p, d in corpus_docs if d.source.startswith("试点文件/004"))
    assert detect_family(split_header((CORPUS / doc.source).read_text()).body) == "prose"
    clause = next(c for c in doc.clauses if c.label == "4.2")
    assert clause.heading_path == ["国内外现行相关法律、法规和标准情况"]
    # the standard's chapter list quoted in 3.2 stays inside 3.2
    assert all(c.heading_path[-1:] != ["8  评价与改进"] for c in doc.clauses)


def test_draft_standard_parses_numbered_clauses_and_chapters():
    doc = parse_file(CORPUS.parent / "drafts" / "dev_draft.md")
    assert doc.family == "standard"
    assert doc.level == "地方标准"
    labels = [c.label for c in doc.clauses if c.kind in ("clause", "heading")]
    assert labels[:4] == ["1", "2", "3", "3.1"]
    clause = next(c for c in doc.clauses if c.label == "4.2.2")
    assert clause.heading_path == ["4 管理要求", "4.2 人员管理"]
    assert clause.text.startswith("食堂应建立从业人员健康管理制度")
    assert "GB 31654—2021" in next(c for c in doc.clauses if c.label == "2").text


def test_standard_terms_are_their_own_records(corpus_docs):
    doc = next(d for p, d in corpus_docs if d.source.startswith("标准/"))
    terms = {c.label: c for c in doc.clauses if c.kind == "term"}
    assert set(terms) >= {"重伤", "轻伤", "轻微伤"}
    assert terms["轻伤"].text.startswith("使人肢体或者容貌损害")


def test_manifest_metadata_is_used(corpus_docs):
    doc = next(d for p, d in corpus_docs if d.source == "行政法规/机关事务管理条例(2012-06-28).md")
    assert (doc.title, doc.level, doc.issuer, doc.publish_date, doc.status) == (
        "机关事务管理条例", "行政法规", "国务院", "2012-06-28", "现行有效")


# ------------------------------------------------------------ front matter is metadata (issue 33)
ISSUED = ("会议室使用管理办法\n（2023年5月8日国管局印发　国管办发〔2023〕12号）\n发布日期：2023-05-08\n"
          "第一条 会议室应当按预约顺序使用。\n第二条 会议结束后应当关闭空调和照明。\n")


def test_front_matter_of_an_uploaded_notice_is_metadata_not_a_clause():
    from ingest.parse import parse_text

    doc = parse_text(ISSUED, "会议室使用管理办法.txt")
    assert [c.label for c in doc.clauses] == ["第一条", "第二条"]
    assert (doc.title, doc.issuer, doc.doc_number, doc.publish_date) == \
        ("会议室使用管理办法", "国管局", "国管办发〔2023〕12号", "2023-05-08")


@pytest.mark.parametrize("line", ["（2012年6月13日国务院第208次常务会议通过）", "发文字号：国办发〔2021〕36号",
                                  "国管办发〔2023〕12号", "2012年6月28日中华人民共和国国务院令第621号公布"])
def test_issuing_lines_are_front_matter(line):
    from ingest.front_matter import is_front_matter

    assert is_front_matter(line)


@pytest.mark.parametrize("line", ["第一条 为了规范机关事务工作，制定本条例。", "（一）2023年5月8日以前购置的车辆；",
                                  "本办法自2023年5月8日起施行。", "《中华人民共和国保守国家秘密法》（2010年4月29日修订）",
                                  "（二）2025年12月31日前完成清理任务（国办发〔2023〕5号）"])
def test_a_rule_that_mentions_a_date_is_not_front_matter(line):
    from ingest.front_matter import is_front_matter

    assert not is_front_matter(line)
