"""Provisions that punish a breach (法律责任) rather than set a duty: never the basis of a requirement.

e5 ranks 第一百二十五条 (违反本法规定……采购不符合食品安全标准的食品原料……处罚款) as near to
"不采购不符合食品安全标准的食材" as the article that sets the duty, because both say the act. A
standard's requirement rests on the duty; the fine only shows that the duty exists. Which
provisions sanction is read from their chapter and their opening words, listed in
data/sanctions.tsv for a drafter to read and extend.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from index.results import Hit
from ingest.tables import read_table

DATA = Path(__file__).resolve().parent / "data" / "sanctions.tsv"
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+条\s*")


@lru_cache(maxsize=1)
def sanction_words() -> dict[str, tuple[str, ...]]:
    rows = read_table(DATA, ["where", "words"], required=["where", "words"])
    return {where: tuple(r["words"] for r in rows if r["where"] == where) for where in ("heading", "opening")}


def sanctions(hit: Hit) -> bool:
    """Whether the provision is in a chapter of sanctions or opens like one (违反本法规定……)."""
    words = sanction_words()
    text = _ARTICLE.sub("", hit.text.strip())
    return any(w in heading for heading in hit.heading_path for w in words["heading"]) \
        or text.startswith(words["opening"])
