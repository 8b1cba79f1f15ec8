"""stdkb as a LlamaIndex retriever: `StdkbRetriever` answers a query with the clauses stdkb search
finds, as `NodeWithScore`s that carry how to cite them, so a LlamaIndex pipeline (a
`RetrieverQueryEngine`, node post-processors, an agent's tool) quotes the clause and names it
exactly instead of paraphrasing a chunk.

It asks a data directory (opened here, closed by `close()`) or a running server (`url`, over
`api/remote.py`, so no model is loaded in the caller's process), with the filters of search.
"""

from __future__ import annotations

import asyncio

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.callbacks import CallbackManager
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from analysis.cite import hit_reference, short_citation
from api import remote
from api.filters import search_filters
from api.settings import load_settings
from index.errors import InvalidRequest
from index.kb import KnowledgeBase
from index.results import Hit, SearchResult

MAX_K = 100   # as the JSON API allows

# What an LLM reading a node is shown besides the clause: enough to cite it and to know whether it
# binds today. The rest (the reference-list entry, the file) is for the program around it.
_FOR_THE_LLM = ("citation", "level", "status", "publish_date")


class StdkbRetriever(BaseRetriever):
    """A LlamaIndex retriever over a stdkb knowledge base.

    Parameters
    ----------
    data_dir:
        A data directory to open (read-only use); the environment's STDKB_ settings say how (the
        embedder, the vector store). Closed by `close()` or at the end of a `with` block.
    url:
        A running stdkb server (http://host:port) to ask instead. With neither, STDKB_URL when it is
        set, else STDKB_DATA_DIR.
    kb:
        A knowledge base the caller has open already (left open by `close()`).
    similarity_top_k:
        Hits per query, 1-100.
    **filters:
        The filters of search: level, status (a string or a list), region, document, as_of,
        date_from, date_to.

    Raises
    ------
    InvalidRequest
        A filter or `similarity_top_k` stdkb cannot use, naming it; an empty query at retrieval.

    Each node's text is the clause; its metadata holds exactly `title`, `article`, `level`, `status`,
    `publish_date`, `citation` (《题名》第十条), `gbt7714` (the GB/T 7714—2015 entry), and besides
    `source`, `heading_path`, `issuer`, `doc_number`, `rank` and `low_confidence` (the search
    found no reliable answer). Its score is the hit's score, 0..1. `last_result` is the whole
    SearchResult of the latest query, with its notice (e.g. a cited article that does not exist).
    """

    def __init__(self, data_dir=None, url: str = "", kb: KnowledgeBase | None = None, similarity_top_k: int = 10,
                 callback_manager: CallbackManager | None = None, **filters):
        if sum(x is not None and x != "" for x in (data_dir, url, kb)) > 1:
            raise InvalidRequest("give one of data_dir, url and kb: the retriever asks one knowledge base")
        if not isinstance(similarity_top_k, int) or not 1 <= similarity_top_k <= MAX_K:
            raise InvalidRequest(f"similarity_top_k must be a whole number from 1 to {MAX_K}, not {similarity_top_k!r}")
        self.filters = search_filters(**filters)
        self.similarity_top_k = similarity_top_k
        self.last_result: SearchResult | None = None
        self._kb, self._owned, self._url = kb, False, url
        if kb is None and not url:
            settings = load_settings(**({"data_dir": data_dir} if data_dir is not None else {}))
            if data_dir is None and settings.url:
                self._url = settings.url
            else:
                self._kb, self._owned = settings.open_index(), True
        super().__init__(callback_manager=callback_manager)

    # ------------------------------------------------------------------------- retrieval
    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        query = query_bundle.query_str.strip()
        if not query:
            raise InvalidRequest("the query is empty: ask a question or cite a clause")
        if self._kb is None and not self._url:
            raise InvalidRequest("this retriever is closed")
        result = remote.search(self._url, query, self.similarity_top_k, self.filters) if self._url else \
            self._kb.search(query, k=self.similarity_top_k, filters=self.filters)
        self.last_result = result
        return [NodeWithScore(node=_node(hit, result.low_confidence), score=hit.score) for hit in result.hits]

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # Search is synchronous (SQLite, the encoder, or an HTTP call): off the event loop.
        return await asyncio.to_thread(self._retrieve, query_bundle)

    # ---------------------------------------------------------------------------- closing
    def close(self) -> None:
        """Close the knowledge base this retriever opened (one given as `kb` stays open)."""
        if self._owned and self._kb is not None:
            self._kb.close()
        self._kb, self._owned, self._url = None, False, ""

    def __enter__(self) -> "StdkbRetriever":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _node(hit: Hit, low_confidence: bool) -> TextNode:
    metadata = {
        "title": hit.title,
        "article": hit.article,
        "level": hit.level,
        "status": hit.status,
        "publish_date": hit.publish_date,
        "citation": short_citation(hit.title, hit.article),
        "gbt7714": hit_reference(hit),
        "source": hit.source,
        "heading_path": " / ".join(hit.heading_path),
        "issuer": hit.issuer,
        "doc_number": hit.doc_number,
        "rank": hit.rank,
        "low_confidence": low_confidence,
    }
    hidden = [k for k in metadata if k not in _FOR_THE_LLM]
    # The clause id is the node id: the same clause found twice is one node to LlamaIndex.
    return TextNode(id_=hit.id, text=hit.text, metadata=metadata, excluded_llm_metadata_keys=hidden,
                    excluded_embed_metadata_keys=list(metadata))
