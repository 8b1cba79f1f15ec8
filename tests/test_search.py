"""Clause search on a real index of a corpus subset: citations, evidence, versions, filters, confidence."""

from __future__ import annotations

import pytest

from index.search.filters import SearchFilters
from ingest.collect import collect

SECRETS_2024 = "法律/保守国家秘密法(2024-02-27).md"
SECRETS_2010 = "法律/保守国家秘密法(2010-04-29).md"


def test_a_citation_is_answered_by_exact_lookup_first(kb):
    first = kb.search("机关事务管理条例 第28条", k=5).hits[0]
    assert (first.title, first.article, first.score) == ("机关事务管理条例", "第二十八条", 1.0)
    assert first.heading_path and first.level == "行政法规" and first.status == "现行有效"


def test_a_short_name_cites_the_current_version(kb):
    first = kb.search("保密法第二十条", k=3).hits[0]
    assert (first.source, first.article) == (SECRETS_2024, "第二十条")


def test_a_year_cites_the_older_version(kb):
    first = kb.search("保密法（2010年）第二十条", k=3).hits[0]
    assert (first.source, first.article) == (SECRETS_2010, "第二十条")


def test_a_long_article_is_returned_whole(kb):
    cited = kb.search("机关事务管理条例第十条", k=1).hits[0]
    full = [c.text for c in kb.catalog.article("行政法规/机关事务管理条例(2012-06-28).md", "10")]
    assert cited.text == "\n".join(full)


def test_citing_a_missing_article_says_so(kb):
    result = kb.search("机关事务管理条例第九十九条", k=5)
    assert "没有第九十九条" in result.notice and "共" in result.notice
    assert result.low_confidence
    assert all(h.article != "第九十九条" for h in result.hits)


def test_article_zero_is_refused_cleanly(kb):
    result = kb.search("机关事务管理条例第零条", k=5)
    assert "不是有效的条号" in result.notice


def test_a_question_naming_a_law_favours_that_law(kb):
    hits = kb.search("按照公共机构节能条例，公共机构超过能源消耗定额使用能源怎么办？", k=3).hits
    assert hits[0].title == "公共机构节能条例" and hits[0].article == "第十七条"


def test_the_current_version_outranks_the_superseded_one_with_the_same_text(kb):
    hits = kb.search("国家秘密的密级分为绝密、机密、秘密三级", k=10).hits
    sources = [h.source for h in hits]
    assert SECRETS_2024 in sources and SECRETS_2010 in sources
    assert sources.index(SECRETS_2024) < sources.index(SECRETS_2010)


def test_identical_clauses_of_different_documents_stay_separate_hits(kb):
    hits = kb.search("国家秘密的密级分为绝密、机密、秘密三级", k=10).hits
    same = [h for h in hits if h.text.startswith("国家秘密的密级分为绝密、机密、秘密三级")]
    assert {h.source for h in same} == {SECRETS_2024, SECRETS_2010}
    assert {h.article for h in same} == {"第十四条", "第十条"}


def test_as_of_a_date_returns_the_version_then_in_force(kb):
    hits = kb.search("国家秘密的密级", k=10, filters=SearchFilters(as_of="2020-01-01")).hits
    assert hits and SECRETS_2024 not in {h.source for h in hits}
    assert SECRETS_2010 in {h.source for h in hits}


def test_status_filter_shows_only_superseded_documents(kb):
    hits = kb.search("保密", k=10, filters=SearchFilters(status=["已被修订"])).hits
    assert hits and {h.status for h in hits} == {"已被修订"}


def test_level_and_region_filters(kb):
    hits = kb.search("节能", k=10, filters=SearchFilters(level=["地方性法规"])).hits
    assert hits and {h.level for h in hits} == {"地方性法规"}
    hits = kb.search("节能", k=10, filters=SearchFilters(region="杭州")).hits
    assert hits and all(h.title.startswith("杭州") for h in hits)


def test_a_bad_filter_date_is_refused():
    with pytest.raises(ValueError):
        SearchFilters(as_of="2020-13-45")


def test_a_definition_question_finds_the_defining_clause(kb):
    first = kb.search("法律上讲的“节约能源”是什么意思？", k=5).hits[0]
    assert (first.title, first.article) == ("中华人民共和国节约能源法", "第三条")


def test_a_region_in_the_question_favours_its_documents(kb):
    hits = kb.search("杭州对办展览在节能环保方面有什么要求", k=3).hits
    assert hits[0].title == "杭州市会展业促进条例"


def test_a_question_the_rules_do_not_cover_is_low_confidence(kb):
    assert kb.search("红烧肉怎么做才好吃？", k=5).low_confidence


def test_a_question_the_rules_answer_is_not_low_confidence(kb):
    result = kb.search("公共机构应当如何实行能源消费计量制度？", k=5)
    assert not result.low_confidence and result.hits[0].title == "公共机构节能条例"


def test_pilot_documents_are_found_by_their_headings(kb):
    hits = kb.search("试点评估验收阶段要完成哪些工作", k=5).hits
    assert any(h.level == "试点文件" for h in hits)


@pytest.mark.parametrize("query", ["", "   ", "？？？！！"])
def test_a_query_without_words_gets_no_hits_and_says_why(kb, query):
    result = kb.search(query, k=5)
    assert result.hits == [] and result.low_confidence and "没有可检索的文字" in result.notice


@pytest.mark.parametrize("query, cleaned", [("\x00\x01控制字符", "控制字符"), ("5..2", "5..2"), ("第一万条", "第一万条")])
def test_odd_queries_are_searched_as_the_text_they_hold(kb, query, cleaned):
    result = kb.search(query, k=5)
    assert result.query == cleaned
    assert 0 < len(result.hits) <= 5 and [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))


def test_a_20000_character_query_is_searched_and_flagged(kb):
    result = kb.search("机" * 20000, k=5)
    assert len(result.hits) == 5 and result.low_confidence


def test_clause_lookup_gives_neighbours_and_outline(kb):
    result = kb.clause("机关事务管理条例第十条")
    hit = result.hits[0]
    assert result.found and hit.article == "第十条"
    assert hit.previous.article == "第九条" and hit.next.article == "第十一条"
    chapters = [e.heading for e in hit.outline]
    assert "第二章 经费管理" in chapters


def test_clause_lookup_of_something_that_is_not_a_citation(kb):
    result = kb.clause("开会能不能安排宴请")
    assert not result.found and "不是条文引用" in result.notice
    assert "没有名为" in kb.clause("不存在的管理条例第三条").notice


def test_a_citation_of_a_work_the_knowledge_base_lacks_says_so_and_is_low_confidence(kb):
    result = kb.search("《党政机关厉行节约反对浪费条例》第二十条", k=5)
    assert result.low_confidence and "知识库中没有名为“党政机关厉行节约反对浪费条例”的文件" in result.notice
    assert not kb.search("保密法第二十条", k=5).notice   # a work it holds is looked up, no such notice


def test_confidence_is_a_share_with_the_signals_it_was_computed_from(kb):
    result = kb.search("公共机构应当如何实行能源消费计量制度？", k=5)
    assert 0 < result.confidence <= 1 and set(result.signals) == {"nearest", "coverage", "unseen", "quantity_unstated"}
    assert result.signals["coverage"] > kb.search("红烧肉怎么做才好吃？", k=5).signals["coverage"]


def test_an_exact_citation_is_answered_with_full_confidence(kb):
    result = kb.search("机关事务管理条例第十条", k=5)
    assert result.confidence == 1.0 and not result.low_confidence


def test_a_repeated_query_is_encoded_once(kb, monkeypatch):
    embedder = kb.embedder()
    calls = []
    original = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts, query=False: calls.append(texts) or original(texts, query))
    kb.search("办公用房的面积标准由谁制定？一二三", k=3)
    kb.search("办公用房的面积标准由谁制定？一二三", k=3)
    assert len(calls) == 1


def test_similarity_ranks_the_sentence_that_answers_above_an_unrelated_one(kb):
    near, far = kb.text.similarity("公共机构怎样计量能源消费？",
                              ["公共机构应当实行能源消费计量制度，区分用能种类、用能系统实行能源消费分户、分类、分项计量。",
                               "红烧肉要先焯水再炒糖色。"])
    assert near > far


def test_dense_search_keeps_numpy_blas_to_one_thread_so_it_never_spins_against_the_encoder():
    from threadpoolctl import threadpool_info

    from index.search.dense import one_blas_thread

    with one_blas_thread():
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")


@pytest.mark.parametrize("query", ["保密法第二十条", "公共机构节能条例 能源消费计量", "杭州对办展览在节能环保方面有什么要求"])
def test_scores_lie_between_0_and_1_and_never_rise_down_the_list(kb, query):
    scores = [h.score for h in kb.search(query, k=10).hits]
    assert scores and all(0 <= s <= 1 for s in scores)
    assert scores == sorted(scores, reverse=True)


# --------------------------------------------------------------- search views saved on disk
def test_a_second_process_loads_the_saved_views_instead_of_building_them(kb_copy, monkeypatch):
    from index.index import Index
    from index.search.keyword import KeywordIndex

    first = Index(kb_copy).search("公共机构夏季室内空调温度", k=5)
    monkeypatch.setattr(KeywordIndex, "__init__", lambda *a, **k: pytest.fail("built the keyword view again"))
    monkeypatch.setattr("index.store.vectors.ChromaVectorStore.vectors_of",
                        lambda *a: pytest.fail("read every vector out of Chroma again"))
    again = Index(kb_copy).search("公共机构夏季室内空调温度", k=5)
    assert [h.id for h in again.hits] == [h.id for h in first.hits]
    assert again.confidence == first.confidence


def test_saved_views_of_an_older_generation_are_never_used(kb_copy, tmp_path):
    from index.index import Index

    before = Index(kb_copy)
    assert not before.search("会议结束后关闭空调和照明的规定", k=3).hits[0].title.startswith("会议室使用")
    rule = tmp_path / "会议室使用管理办法.md"
    rule.write_text("# 会议室使用管理办法\n\n第一条 会议结束后应当关闭空调和照明。\n", encoding="utf-8")
    Index(kb_copy).upsert(*collect([rule]))
    after = Index(kb_copy).search("会议结束后关闭空调和照明的规定", k=3, filters=SearchFilters(status=[]))
    assert after.hits[0].title == "会议室使用管理办法"


def test_a_damaged_saved_view_is_rebuilt(kb_copy):
    from index.index import Index

    expected = [h.id for h in Index(kb_copy).search("公务用车", k=5).hits]
    for saved in (kb_copy / "views").glob("*.npz"):
        saved.write_bytes(saved.read_bytes()[:100])
    assert [h.id for h in Index(kb_copy).search("公务用车", k=5).hits] == expected


def test_an_article_of_a_code_stored_in_parts_is_found_in_the_part_that_holds_it(tmp_path):
    # The 民法典 is stored as one document per part, its articles numbered through the whole code.
    from index.index import Index

    from .conftest import copy_subset

    corpus = copy_subset(tmp_path / "corpus", ["法律/民法典_合同编.md", "法律/民法典_侵权责任编.md"])
    index = Index(tmp_path / "kb")
    index.upsert(*collect([corpus]))
    tort, contract = index.clause("民法典第1165条"), index.clause("《中华人民共和国民法典》第五百七十七条")
    assert [(h.title, h.article) for h in tort.hits] == [("中华人民共和国民法典 侵权责任编", "第一千一百六十五条")]
    assert [(h.title, h.article) for h in contract.hits] == [("中华人民共和国民法典 合同编", "第五百七十七条")]
    assert index.search("民法典第1165条", k=1).hits[0].article == "第一千一百六十五条"
    index.close()


def test_an_article_no_part_of_the_code_holds_is_said_to_be_missing_once(tmp_path):
    from index.index import Index

    from .conftest import copy_subset

    corpus = copy_subset(tmp_path / "corpus", ["法律/民法典_合同编.md", "法律/民法典_侵权责任编.md"])
    index = Index(tmp_path / "kb")
    index.upsert(*collect([corpus]))
    missing = index.clause("民法典第3条")
    assert not missing.found and missing.notice == "《中华人民共和国民法典》的各编都没有第三条。"
    index.close()


def test_an_excluded_work_never_comes_back_in_any_version(kb):
    secrets = "法律/保守国家秘密法(2024-02-27).md"
    plain = kb.search("国家秘密的保密期限", k=10)
    assert any("保守国家秘密法" in h.title for h in plain.hits)
    hidden = kb.search("国家秘密的保密期限", k=10, filters=SearchFilters(exclude=[secrets]))
    assert hidden.hits and not any("保守国家秘密法" in h.title for h in hidden.hits)


def test_a_standard_the_knowledge_base_does_not_hold_gets_its_notice_and_no_unrelated_hits(kb):
    result = kb.search("GB/T 1.1—2020 3.1", k=10)
    assert result.hits == [] and result.low_confidence and "GB/T 1.1—2020" in result.notice


@pytest.mark.slow
@pytest.mark.parametrize("label, query", __import__("web.overview", fromlist=["EXAMPLES"]).EXAMPLES)
def test_every_example_the_home_page_offers_is_answered(full_kb_dir, label, query):
    from index.index import Index

    result = Index(full_kb_dir).search(query, k=5)
    assert result.hits and not result.low_confidence, (label, result.notice)


# ------------------------------------------------------------------ a version named in the query (issue 33)
IN_FORCE_BY_DEFAULT = SearchFilters(status=["现行有效", "状态不详"], status_is_default=True)


@pytest.mark.parametrize("query", ["2010年保守国家秘密法第二十条", "旧版保守国家秘密法第二十条",
                                   "2024年修正前的保守国家秘密法第二十条", "保守国家秘密法（2015年）第二十条"])
def test_a_version_named_in_the_query_wins_over_a_default_status(kb, query):
    result = kb.search(query, k=3, filters=IN_FORCE_BY_DEFAULT)
    assert (result.hits[0].publish_date, result.hits[0].article) == ("2010-04-29", "第二十条")
    assert "已被修订" in result.notice


def test_a_question_naming_a_version_is_answered_from_that_version(kb):
    result = kb.search("2010年保守国家秘密法关于涉密载体的规定", k=3, filters=IN_FORCE_BY_DEFAULT)
    assert {h.publish_date for h in result.hits} == {"2010-04-29"}


def test_a_year_without_a_version_of_its_own_gets_the_version_then_in_force_and_says_so(kb):
    result = kb.search("保守国家秘密法（2015年）第二十条", k=1)
    assert result.hits[0].publish_date == "2010-04-29"
    assert "没有《中华人民共和国保守国家秘密法》2015年的版本" in result.notice
    assert "2015年时施行的是2010-04-29的版本" in result.notice


def test_a_chosen_status_is_kept_and_the_version_shown_instead_is_named(kb):
    result = kb.search("2010年保守国家秘密法第二十条", k=1, filters=SearchFilters(status=["现行有效"]))
    assert result.hits[0].publish_date == "2024-02-27"
    assert "2010-04-29的版本不符合筛选条件，以下是2024-02-27的版本" in result.notice


def test_a_query_naming_no_version_keeps_the_default_status(kb):
    result = kb.search("保守国家秘密法第二十条", k=3, filters=IN_FORCE_BY_DEFAULT)
    assert {h.publish_date for h in result.hits} == {"2024-02-27"} and not result.notice


def test_an_older_version_of_a_work_held_once_is_said_to_be_missing(kb):
    result = kb.search("旧版机关事务管理条例第十条", k=1)
    assert result.hits[0].article == "第十条"
    assert "知识库中没有《机关事务管理条例》更早的版本" in result.notice


# ------------------------------------------------------------------ the synonym map, switchable (issue 29)
def test_the_synonym_map_expands_a_query_unless_it_is_switched_off():
    from ingest.segment import Segmenter

    assert "公务用车" in Segmenter().query_tokens("公车能不能私用")
    assert "公务用车" not in Segmenter(expand_synonyms=False).query_tokens("公车能不能私用")


def test_stdkb_synonyms_off_reaches_the_knowledge_base(kb_dir, monkeypatch):
    from api.settings import load_settings

    monkeypatch.setenv("STDKB_SYNONYMS", "off")
    index = load_settings(data_dir=kb_dir).open_index()
    assert index.segmenter.expand_synonyms is False
    index.close()


@pytest.mark.parametrize("query", ["保守国家秘密法对2023年以来新设的涉密岗位有什么要求", "保守国家秘密法要求报送2023年度定密情况吗"])
def test_a_year_that_names_no_version_leaves_the_versions_alone(kb, query):
    result = kb.search(query, k=3, filters=IN_FORCE_BY_DEFAULT)
    assert {h.publish_date for h in result.hits if "保守国家秘密法" in h.title} <= {"2024-02-27"}
    assert "版本" not in result.notice


def test_a_question_naming_a_version_is_not_made_low_confidence_by_the_version_notice(kb):
    result = kb.search("2010年保守国家秘密法关于涉密载体的规定", k=3, filters=IN_FORCE_BY_DEFAULT)
    assert "查询指明了版本" in result.notice and not result.low_confidence


def test_a_blas_library_loaded_later_is_held_to_one_thread_too():
    from threadpoolctl import threadpool_info

    from index.search.dense import one_blas_thread

    with one_blas_thread():
        pass
    import cv2  # noqa: F401 - opencv (the OCR reader's) brings an OpenBLAS of its own

    with one_blas_thread():
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")
