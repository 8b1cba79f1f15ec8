"""Citation parsing and title resolution: how drafters write references."""

from __future__ import annotations

import pytest

from index.results import DocumentInfo
from index.search.citations import parse_citation
from index.search.titles import TitleIndex


@pytest.mark.parametrize("text, title, number", [
    ("机关事务管理条例第十条", "机关事务管理条例", "10"),
    ("机关事务管理条例 第28条", "机关事务管理条例", "28"),
    ("《中华人民共和国预算法》第五十二条", "预算法", "52"),
    ("节能法第一百零二条", "节能法", "102"),
    ("保密法第２０条", "保密法", "20"),
    ("食品安全法第十七条之一", "食品安全法", "17-1"),
])
def test_article_numbers_are_read_in_chinese_and_arabic_numerals(text, title, number):
    c = parse_citation(text)
    assert c is not None and c.title == title and c.articles[0].number == number


def test_paragraph_and_item_are_kept():
    c = parse_citation("《标准化法》第2条第二款第（三）项")
    assert (c.articles[0].article, c.articles[0].paragraph, c.articles[0].item) == (2, 2, 3)
    assert c.articles[0].label == "第二条第二款第三项"


def test_several_articles_of_one_work():
    c = parse_citation("中华人民共和国预算法第五十二条、第五十三条")
    assert [a.article for a in c.articles] == [52, 53]


def test_a_year_in_the_citation_selects_a_version():
    c = parse_citation("保密法（2010年）第二十条")
    assert c.year == "2010" and c.title == "保密法"


@pytest.mark.parametrize("text", ["GB/T 30520—2014 3.1", "GB/T 30520-2014 3.1", "GB/T30520–2014 第3.1条"])
def test_standard_numbers_with_any_dash(text):
    c = parse_citation(text)
    assert (c.standard_code, c.standard_year, c.clause_number) == ("GB/T 30520", "2014", "3.1")


@pytest.mark.parametrize("text", ["公车多少年能换？", "5..2", "", "第", "开会能不能安排宴请"])
def test_questions_and_junk_are_not_citations(text):
    assert parse_citation(text) is None


def test_article_zero_is_kept_so_the_caller_can_refuse_it():
    assert parse_citation("机关事务管理条例第零条").articles[0].article == 0


def _doc(source, title, level="法律", date="2020-01-01", status="现行有效"):
    return DocumentInfo(source=source, title=title, level=level, publish_date=date, effective_date=date,
                        status=status)


TITLES = TitleIndex([
    _doc("a", "中华人民共和国节约能源法"),
    _doc("b", "中华人民共和国保守国家秘密法", date="2010-04-29", status="已被修订"),
    _doc("c", "中华人民共和国保守国家秘密法", date="2024-02-27"),
    _doc("d", "中华人民共和国保守国家秘密法实施条例", level="行政法规"),
    _doc("e", "机关团体建设楼堂馆所管理条例", level="行政法规"),
    _doc("f", "上海市会展业条例", level="地方性法规"),
    _doc("g", "杭州市会展业促进条例", level="地方性法规"),
    _doc("h", "中华人民共和国预算法"),
    _doc("i", "浙江省实施《中华人民共和国节约能源法》办法", level="地方性法规"),
])


@pytest.mark.parametrize("name, key", [
    ("节能法", "节约能源法"), ("保密法", "保守国家秘密法"), ("楼堂馆所条例", "机关团体建设楼堂馆所管理条例"),
    ("楼堂馆所管理条例", "机关团体建设楼堂馆所管理条例"), ("中华人民共和国预算法", "预算法"), ("《预算法》", "预算法"),
])
def test_short_names_resolve_to_the_full_title(name, key):
    assert TITLES.resolve(name)[0].work.key == key


def test_a_short_name_keeps_the_kind_of_instrument():
    # 保密法 is the law, never its 实施条例; 节能法 never the province's 实施办法.
    assert [m.work.key for m in TITLES.resolve("保密法")] == ["保守国家秘密法"]
    assert [m.work.key for m in TITLES.resolve("节能法")] == ["节约能源法"]


def test_the_current_version_of_a_work_is_the_one_in_force():
    work = TITLES.resolve("保密法")[0].work
    assert work.current().source == "c"


def test_a_question_names_works_and_regions_inside_it():
    assert [w.key for w in TITLES.mentions("按现行保密法，设区的市级机关可以确定哪些密级？")] == ["保守国家秘密法"]
    assert {w.key for w in TITLES.mentions("各地会展业条例怎么定义会展业")} == {"上海市会展业条例", "杭州市会展业促进条例"}
    assert TITLES.regions("杭州对办展览有什么要求") == ["杭州市"]
    assert TITLES.mentions("法律上讲的节约能源是什么意思") == []


def test_a_title_that_holds_a_title_uses_angle_brackets_inside():
    from analysis.cite import short_citation
    from ingest.metadata import book_title

    assert book_title("浙江省实施《中华人民共和国节约能源法》办法") == "《浙江省实施〈中华人民共和国节约能源法〉办法》"
    assert book_title("《公共机构节能条例》") == "《公共机构节能条例》"
    assert short_citation("浙江省实施《中华人民共和国档案法》办法", "第三条") == "《浙江省实施〈中华人民共和国档案法〉办法》第三条"


def test_resolving_by_the_rarest_character_finds_what_comparing_every_title_finds():
    # The index compares a name only with works holding its rarest character; on the real corpus's
    # titles it must answer exactly as the scan over every work did, for names and their fragments.
    import csv

    from index.search.citations import clean_title
    from index.search.titles import _quality, kind_of

    from .conftest import CORPUS

    with (CORPUS / "manifest.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    titles = TitleIndex([_doc(r["path"], r["title"], r["level"], r["publish_date"] or "2000-01-01") for r in rows])

    def scan(name):
        q, found = clean_title(name), []
        for w in titles.works:
            if kind_of(q) and w.kind != kind_of(q):
                continue
            quality = _quality(q, w, kind_of(q))
            if quality:
                found.append((w.key, quality))
        if any(quality >= 4 for _, quality in found):
            found = [(k, quality) for k, quality in found if quality >= 4]
        return sorted(found)

    names = [r["title"] for r in rows] + [r["title"][i:] for r in rows for i in (2, 4, 6)] + ["节能法", "保密法", "会展业条例"]
    for name in names:
        if len(clean_title(name)) >= 2:
            assert sorted((m.work.key, m.quality) for m in titles.resolve(name)) == scan(name), name


def test_a_title_index_updated_by_document_answers_as_one_built_whole():
    import csv

    from .conftest import CORPUS

    with (CORPUS / "manifest.csv").open(encoding="utf-8-sig") as f:
        docs = [_doc(r["path"], r["title"], r["level"], r["publish_date"] or "2000-01-01") for r in csv.DictReader(f)]
    # Every tenth document arrives later (new works, new versions of works, new regions); one goes.
    later, gone = docs[::10], docs[1]
    earlier = [d for d in docs if d not in later]
    updated = TitleIndex(earlier).updated(later, {d.source for d in later} | {gone.source})
    whole = TitleIndex([d for d in docs if d is not gone])

    def answers(titles, name):
        return [(m.work.key, m.quality, [v.source for v in m.work.versions]) for m in titles.resolve(name)]

    for name in [d.title for d in docs] + [d.title[i:] for d in docs for i in (2, 4)] + ["节能法", "会展业条例"]:
        assert answers(updated, name) == answers(whole, name), name
    assert updated.regions("杭州和宁波的会展业") == whole.regions("杭州和宁波的会展业")
    assert not updated.resolve(gone.title) or gone.source not in answers(updated, gone.title)[0][2]


CODE = TitleIndex([_doc("法律/民法典_总则.md", "中华人民共和国民法典 总则"),
                   _doc("法律/民法典_合同编.md", "中华人民共和国民法典 合同编"),
                   _doc("法律/民法典_侵权责任编.md", "中华人民共和国民法典 侵权责任编"),
                   _doc("法律/合同法.md", "中华人民共和国合同法", date="1999-03-15")])


def test_a_code_stored_in_parts_named_whole_means_every_part():
    assert sorted(m.work.key for m in CODE.resolve("《中华人民共和国民法典》")) == \
        ["民法典侵权责任编", "民法典合同编", "民法典总则"]


@pytest.mark.parametrize("name, key", [("民法典合同编", "民法典合同编"), ("民法典总则编", "民法典总则"),
                                       ("民法典总则", "民法典总则"), ("合同法", "合同法")])
def test_a_part_of_a_code_is_named_with_or_without_编(name, key):
    assert [m.work.key for m in CODE.resolve(name)] == [key]
