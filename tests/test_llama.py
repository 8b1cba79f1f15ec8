"""`api.llama.StdkbRetriever`: stdkb search as a LlamaIndex retriever, run through real LlamaIndex
pipelines (no LLM: the no_text response mode and node post-processors)."""

from __future__ import annotations

import asyncio

import pytest
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor import SimilarityPostprocessor
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers.no_text import NoText
from llama_index.core.schema import MetadataMode

from api.errors import classify
from api.llama import StdkbRetriever
from index.errors import InvalidRequest
from index.search.filters import SearchFilters

QUESTION = "公共机构应当如何实行能源消费计量制度？"
CITATION_KEYS = {"title", "article", "level", "status", "publish_date", "citation", "gbt7714"}


def test_nodes_from_a_data_directory_carry_what_a_citation_needs(kb_dir):
    with StdkbRetriever(data_dir=kb_dir, similarity_top_k=5) as retriever:
        nodes = retriever.retrieve(QUESTION)
    assert 0 < len(nodes) <= 5
    first = nodes[0]
    assert CITATION_KEYS <= set(first.node.metadata) and "source" in first.node.metadata
    meta = first.node.metadata
    assert meta["citation"] == f"《{meta['title']}》{meta['article']}"
    assert meta["title"] in meta["gbt7714"] and meta["gbt7714"].endswith(".")
    assert 0 <= first.score <= 1 and [n.score for n in nodes] == sorted((n.score for n in nodes), reverse=True)


def test_the_llm_reads_the_clause_with_its_citation_but_not_the_file_path(kb):
    node = StdkbRetriever(kb=kb, similarity_top_k=1).retrieve("机关事务管理条例第十条")[0].node
    shown = node.get_content(MetadataMode.LLM)
    assert node.metadata["article"] == "第十条" and "《机关事务管理条例》第十条" in shown
    assert node.text in shown and node.metadata["source"] not in shown


def test_a_citation_comes_back_as_its_clause_with_the_full_score(kb):
    nodes = StdkbRetriever(kb=kb, similarity_top_k=3).retrieve("机关事务管理条例第十条")
    assert nodes[0].node.metadata["article"] == "第十条" and nodes[0].score == 1.0
    assert nodes[0].node.node_id == kb.search("机关事务管理条例第十条", k=3).hits[0].id


def test_filters_restrict_the_nodes_as_they_restrict_search(kb):
    retriever = StdkbRetriever(kb=kb, similarity_top_k=5, level="行政法规", status=["现行有效"])
    ids = [n.node.node_id for n in retriever.retrieve(QUESTION)]
    expected = kb.search(QUESTION, k=5, filters=SearchFilters(level=["行政法规"], status=["现行有效"]))
    assert ids == [h.id for h in expected.hits]
    assert {n.node.metadata["level"] for n in retriever.retrieve(QUESTION)} == {"行政法规"}


@pytest.mark.parametrize("bad, named", [({"status": "有效期内"}, "status"), ({"as_of": "2020-13-40"}, "as_of"),
                                        ({"levels": "法律"}, "levels")])
def test_a_bad_filter_is_refused_naming_it(kb, bad, named):
    with pytest.raises(InvalidRequest, match=named) as caught:
        StdkbRetriever(kb=kb, **bad)
    assert classify(caught.value).status == 422


@pytest.mark.parametrize("k", [0, 101])
def test_a_top_k_out_of_range_is_refused(kb, k):
    with pytest.raises(InvalidRequest, match="similarity_top_k"):
        StdkbRetriever(kb=kb, similarity_top_k=k)


def test_an_empty_query_is_refused_not_searched(kb):
    with pytest.raises(InvalidRequest, match="empty"):
        StdkbRetriever(kb=kb).retrieve("  ")


def test_a_query_engine_without_an_llm_returns_the_clauses_as_source_nodes(kb):
    # no_text writes nothing, so no LLM is asked; the post-processor cuts weak hits. NoText is built here
    # with MockLLM because get_response_synthesizer("no_text") drops the llm and falls back on
    # Settings.llm, which is OpenAI (llama-index-core 0.14).
    engine = RetrieverQueryEngine(StdkbRetriever(kb=kb, similarity_top_k=8), response_synthesizer=NoText(llm=MockLLM()),
                                  node_postprocessors=[SimilarityPostprocessor(similarity_cutoff=0.3)])
    response = engine.query(QUESTION)
    assert not response.response and response.source_nodes
    assert all(n.score >= 0.3 for n in response.source_nodes)
    assert any("公共机构节能条例" in n.node.metadata["citation"] for n in response.source_nodes)


def test_async_retrieval_finds_what_retrieval_finds(kb):
    retriever = StdkbRetriever(kb=kb, similarity_top_k=3)
    assert [n.node.node_id for n in asyncio.run(retriever.aretrieve(QUESTION))] == \
        [n.node.node_id for n in retriever.retrieve(QUESTION)]


def test_a_running_server_gives_the_nodes_a_data_directory_gives(kb, kb_url):
    remote = StdkbRetriever(url=kb_url, similarity_top_k=5, level="行政法规")
    local = StdkbRetriever(kb=kb, similarity_top_k=5, level="行政法规")
    assert [(n.node.node_id, n.node.metadata) for n in remote.retrieve(QUESTION)] == \
        [(n.node.node_id, n.node.metadata) for n in local.retrieve(QUESTION)]


def test_a_closed_retriever_says_so(kb_dir):
    retriever = StdkbRetriever(data_dir=kb_dir)
    retriever.close()
    with pytest.raises(InvalidRequest, match="closed"):
        retriever.retrieve(QUESTION)
