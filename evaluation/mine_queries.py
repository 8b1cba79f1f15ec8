"""Queries mined from the corpus itself, with their gold, for fitting the ranker (fit_ranker.py).

Where an article refers to another of its own work (违反本法第十二条规定，擅自改变公务用车用途的，
由……责令改正), the words around the reference restate what the cited article says, in other words
than its own: "擅自改变公务用车用途" is a query whose answer is 第十二条. The reference itself, the
verbs that introduce it and the penalty that follows are cut away; what is left must still hold
MIN_CHARS Chinese characters. No question set is read.

    python -m evaluation.mine_queries DATA_DIR [-n 20]   # print a sample
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict
from dataclasses import dataclass

from analysis.evaluate.retrieval import Gold

REFERENCE = re.compile(r"(?:违反|依照|按照|根据|依据|有|除)?本(?:法|条例|办法|规定|细则|准则|规则)"
                       r"(第[一二三四五六七八九十百零]+条)(?:第[一二三四五六七八九十]+款)?(?:第[（(]?[一二三四五六七八九十]+[）)]?项)?"
                       r"(?:、第[一二三四五六七八九十百零]+条)*(?:的)?(?:规定|所列|所称|所指)?(?:的)?")
PENALTY = re.compile(r"责令|处以|罚款|处分|追究|没收|吊销|警告|通报批评|依法给予|处[一二三四五六七八九十百千万\d]")
MIN_CHARS = 8
PER_DOCUMENT = 6


@dataclass(frozen=True)
class Mined:
    id: str
    query: str
    relevant: list[Gold]
    own: str        # the citing clause: it is the query's own text, not an answer


def restatement(sentence: str, match: re.Match) -> str:
    """The sentence without the reference and without its penalty parts."""
    text = sentence[:match.start()] + "，" + sentence[match.end():]
    parts = [p.strip() for p in re.split(r"[，,：:]", text)]
    kept = [p for p in parts if p and not PENALTY.search(p) and not p.startswith("由")]
    out = "，".join(kept).strip("，、的 ")
    return re.sub(r"^(?:[（(][一二三四五六七八九十]+[）)]|规定|的规定|第[一二三四五六七八九十]+款规定)+", "", out).strip("，、 ")


def mine(index, limit: int, seed: int = 0) -> list[Mined]:
    """Up to `limit` mined queries, at most PER_DOCUMENT from one document, current versions only."""
    by_doc: dict[str, list[Mined]] = defaultdict(list)
    labels: dict[str, set[str]] = defaultdict(set)
    rows = list(index.catalog.iter_clauses())
    for clause, doc in rows:
        labels[doc.source].add(clause.label)
    for clause, doc in rows:
        if doc.status not in ("现行有效", "") or clause.kind == "heading":
            continue
        for sentence in re.split(r"[。；;]", clause.text):
            for m in REFERENCE.finditer(sentence):
                article = m.group(1)
                if article not in labels[doc.source] or article == clause.label:
                    continue
                query = restatement(sentence, m)
                if len(re.findall(r"[\u4e00-\u9fff]", query)) < MIN_CHARS or "本法" in query or "本条例" in query:
                    continue
                gold = Gold(title=doc.title, publish_date=doc.publish_date, article=article, path=doc.source)
                by_doc[doc.source].append(Mined(f"m{len(by_doc)}-{len(by_doc[doc.source])}", query, [gold],
                                                clause.parent or clause.id))
    rng = random.Random(seed)
    out = []
    for source in sorted(by_doc):
        found = by_doc[source]
        rng.shuffle(found)
        out += found[:PER_DOCUMENT]
    rng.shuffle(out)
    return out[:limit]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir")
    ap.add_argument("-n", type=int, default=20)
    args = ap.parse_args()
    from pathlib import Path

    from api.settings import load_settings
    index = load_settings(data_dir=Path(args.data_dir)).open_index()
    found = mine(index, 100000)
    print(f"{len(found)} mined queries")
    for m in found[: args.n]:
        print(f"{m.relevant[0].title} {m.relevant[0].article}\t{m.query}")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
