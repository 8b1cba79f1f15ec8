"""Chinese word segmentation for the keyword index and for queries: jieba + the domain dictionary.

The dictionary and the synonym map are data files in `ingest/data/` so that drafters can extend
them without touching code. A `Segmenter` owns its own jieba Tokenizer (no global state).
"""

from __future__ import annotations

import hashlib
import logging
import re
from functools import cached_property
from pathlib import Path

from .tables import read_table

DATA_DIR = Path(__file__).parent / "data"
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"
SYNONYMS = DATA_DIR / "synonyms.tsv"

_WORDISH = re.compile(r"[\w\u4e00-\u9fff]")
_STOP_ROWS = read_table(DATA_DIR / "stopwords.tsv", ["word", "kind"], required=["word", "kind"])
# Function words that carry no retrieval signal in legal text or in questions about it.
STOPWORDS = frozenset(r["word"] for r in _STOP_ROWS if r["kind"] in ("function", "both"))
# Words of obligation and drafting that say nothing about a clause's subject (the gap analysis's).
DRAFTING_WORDS = frozenset(r["word"] for r in _STOP_ROWS if r["kind"] in ("drafting", "both"))


def _file_digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


class Segmenter:
    """jieba with the domain dictionary; `tokens` for indexing, `query_tokens` adds synonyms."""

    def __init__(self, dictionary: Path = DOMAIN_DICT, synonyms: Path = SYNONYMS, expand_synonyms: bool = True):
        self.dictionary_path = dictionary
        self.synonyms_path = synonyms
        self.synonyms = _read_synonyms(synonyms)
        # Off (STDKB_SYNONYMS=off), queries keep their own words only: what the map adds is then one
        # command away. The variants stay in jieba's dictionary, so the stored tokens do not change.
        self.expand_synonyms = expand_synonyms
        self.version = _file_digest(dictionary, synonyms)

    @cached_property
    def _jieba(self):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.load_userdict(str(self._clean_dictionary()))
        for variant in self.synonyms:
            tokenizer.add_word(variant, freq=500)
        return tokenizer

    def _clean_dictionary(self) -> Path:
        # jieba's load_userdict does not skip comment lines.
        import tempfile

        lines = [ln for ln in self.dictionary_path.read_text(encoding="utf-8").splitlines()
                 if ln.strip() and not ln.startswith("#")]
        out = Path(tempfile.gettempdir()) / f"stdkb-dict-{self.version}.txt"
        if not out.exists():
            out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return out

    def words(self, text: str) -> list[str]:
        """Plain jieba segmentation (precise mode), lower-cased, whitespace dropped."""
        return [w.lower() for w in self._jieba.cut(text, HMM=True) if w.strip()]

    def tokens(self, text: str) -> list[str]:
        """Index tokens: search-mode segmentation (words plus their sub-words), no stopwords or punctuation."""
        out = []
        for w in self._jieba.cut_for_search(text, HMM=True):
            w = w.strip().lower()
            if w and w not in STOPWORDS and _WORDISH.search(w):
                out.append(w)
        return out

    def query_tokens(self, text: str) -> list[str]:
        """Tokens of a query, with the canonical terms of any synonym it contains added."""
        toks = self.tokens(text)
        if not self.expand_synonyms:
            return toks
        extra: list[str] = []
        for variant, canonical in self.synonyms.items():
            if variant in text:
                for term in canonical:
                    extra.extend(self.tokens(term))
        return toks + [t for t in extra if t not in toks]


def _read_synonyms(path: Path) -> dict[str, list[str]]:
    return {r["variant"]: r["canonical"].split()
            for r in read_table(path, ["variant", "canonical"], required=["variant", "canonical"])}
