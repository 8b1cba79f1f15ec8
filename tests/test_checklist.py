"""标准实施: a self-assessment checklist holds every requirement sentence of its document, at its clause."""

from __future__ import annotations

import json
import re

import pytest

from analysis.implement.checklist import checklist, kind_of
from api.cli.main import main
from ingest.parse import parse_file

from .conftest import SHARED

DRAFT = SHARED / "drafts" / "dev_draft.md"


def _requirement_sentences(path) -> list[tuple[str, str]]:
    """Counted from the file itself, not by the checklist: numbered lines outside chapters 1 and 2,
    cut at 。 and ；, holding a modal word (and not only inside 供应, 相应, 应急, 适宜, 反应)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d+(?:\.\d+)+)\s+(.*)$", line)
        if not m or m.group(1).split(".")[0] in ("1", "2"):
            continue
        for sentence in re.split(r"(?<=[。；])", m.group(2)):
            if sentence.strip() and re.search("应|不得|宜|须|可", re.sub("供应|相应|应急|适宜|反应", "", sentence)):
                found.append((m.group(1), sentence.strip()))
    return found


def test_the_checklist_of_the_dev_draft_has_an_item_for_every_requirement_sentence_at_its_clause():
    doc = parse_file(DRAFT)
    items = [(i.clause, i.requirement) for i in checklist(doc.title, doc.clauses).items]
    assert items == _requirement_sentences(DRAFT)


@pytest.mark.parametrize("sentence, kind", [
    ("食堂应建立食材采购验收制度。", "要求"),
    ("从业人员不得佩戴戒指、手镯等饰物。", "禁止"),
    ("就餐区宜设置公示栏。", "推荐"),
    ("就餐人数较少的食堂可参照执行。", "允许"),
    ("食堂应对每餐次供应的菜品进行留样。", "要求"),
    ("各单位积极应对突发事件。", None),
    ("本文件规定了机关食堂餐饮服务的要求。", None),
])
def test_a_sentence_is_a_requirement_a_prohibition_a_recommendation_or_a_permission(sentence, kind):
    assert kind_of(sentence) == kind


def test_the_checklist_of_a_draft_file_keeps_the_json_contract(capsys):
    assert main(["checklist", str(DRAFT), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"].startswith("机关事务管理") and data["items"]
    assert set(data["items"][0]) == {"clause", "requirement", "kind", "evidence"}
    assert all(i["kind"] in ("要求", "禁止", "推荐", "允许") and i["evidence"] for i in data["items"])


def test_a_document_of_the_knowledge_base_is_named_by_its_title(kb_dir, capsys):
    assert main(["checklist", "《公共机构节能条例》", "--json", "--data-dir", str(kb_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"] == "公共机构节能条例" and data["items"][0]["clause"].startswith("第")


def test_a_title_the_knowledge_base_does_not_hold_is_an_error_naming_it(kb_dir, capsys):
    assert main(["checklist", "公务用车管理办法", "--data-dir", str(kb_dir)]) == 3
    assert "公务用车管理办法" in capsys.readouterr().err


# ------------------------------------------------------------------------------- training sets
def _training(doc_title, clauses, others=()):
    from analysis.implement.training import training_set

    return training_set(doc_title, checklist(doc_title, clauses).items, n=30, other_titles=list(others))


def _check(questions, clauses):
    """Each question against its clause's own text, not the generator's flags (evaluation/training_check.py)."""
    from evaluation.training_check import clause_sentences, problems

    text = clause_sentences(clauses)
    for q in questions:
        assert not problems(q, text[q.citation.article]), (q, problems(q, text[q.citation.article]))


def test_a_training_set_of_the_dev_draft_is_decided_by_each_clause_s_text():
    doc = parse_file(DRAFT)
    result = _training(doc.title, doc.clauses, others=["中华人民共和国食品安全法", "公共机构节能条例", "机关事务管理条例"])
    assert len(result.questions) == 30 and {q.kind for q in result.questions} == {"判断题", "填空题", "单选题", "文件题"}
    _check(result.questions, doc.clauses)
    assert len({(q.kind, q.stem) for q in result.questions}) == len(result.questions)


def test_a_training_set_of_a_regulation_is_decided_by_each_article_s_text(kb):
    page = kb.document("行政法规/公共机构节能条例(2017-03-01).md")
    result = _training(page.title, page.clauses)
    assert result.questions
    _check(result.questions, page.clauses)


@pytest.mark.parametrize("path", ["法律/反食品浪费法(2021-04-29).md", "地方性法规/杭州市会展业促进条例(2017-10-16).md"])
def test_a_training_set_of_a_law_and_of_a_local_regulation_is_decided_by_each_article_s_text(path):
    doc = parse_file(SHARED / "corpus" / path)
    result = _training(doc.title, doc.clauses, others=["中华人民共和国食品安全法", "公共机构节能条例", "机关事务管理条例"])
    assert len(result.questions) == 30
    _check(result.questions, doc.clauses)


def test_chinese_numerals_of_a_law_are_asked_as_written():
    doc = parse_file(SHARED / "corpus" / "地方性法规/杭州市会展业促进条例(2017-10-16).md")
    result = _training(doc.title, doc.clauses)
    assert any(q.kind == "填空题" and q.answer == "三十" for q in result.questions)
    choice = next(q for q in result.questions if q.kind == "单选题" and q.answer == "三十日")
    # 于活动举办三十日前备案 is a lower bound: sixty days ahead complies, so no wrong option lies above it
    from evaluation.training_check import value

    assert all(value(o.removesuffix("日")) < 30 for o in choice.options if o != "三十日")


@pytest.mark.parametrize("sentence, wrong", [("在岗培训每年不少于3次。", "4"), ("应当在5个工作日内反馈。", "4")])
def test_a_false_number_is_one_the_true_sentence_does_not_imply(sentence, wrong):
    from analysis.implement.checklist import ChecklistItem
    from analysis.implement.training import training_set

    item = ChecklistItem(clause="5.1", requirement=sentence, kind="要求", evidence=["记录"])
    from evaluation.training_check import changed_number

    false = [q for q in training_set("规范", [item]).questions if q.kind == "判断题" and q.answer == "错误"
             and changed_number(q.stem, q.proof)]
    assert [changed_number(q.stem, q.proof)[1] for q in false] == [wrong]


def test_stdkb_train_keeps_the_json_contract(capsys):
    assert main(["train", str(DRAFT), "-n", "8", "--json", "--data-dir", "/nonexistent-stdkb-data"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["questions"]) == 8
    assert set(data["questions"][0]) == {"kind", "stem", "options", "answer", "citation", "proof", "difficulty"}
    assert set(data["questions"][0]["citation"]) == {"title", "article"}
