"""How often the standards system places a document where a drafter would look for it.

    python -m evaluation.system_eval DATA_DIR [--expectations FILE]

Reads `system_expectations.tsv` (title → first-level area or 未归入), places every document once,
and scores the placement constants of analysis/system/placement.py: the current ones, and, in 5
folds × 5 shuffles over the titles, the best of a grid chosen on four fifths and scored on the
fifth (the held-out share is what to expect on a list nobody tuned on).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
from pathlib import Path

from analysis.system import placement
from analysis.system.framework import load_framework

HERE = Path(__file__).resolve().parent
UNASSIGNED = "未归入"
GRID = {"threshold": [0.8, 1.0, 1.2, 1.4, 1.6, 1.8], "relative": [0.4, 0.6, 0.8], "title_weight": [0.5, 1.0, 1.5]}


def load_expectations(path: Path) -> dict[str, str]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return {title.strip(): area.strip() for title, area in rows[1:]}


def right(placements_of_title: list, expected: str) -> bool:
    """Every version of the title where expected: in that first-level area, or in none."""
    for p in placements_of_title:
        firsts = {path[0] for path in p.areas}
        if (expected == UNASSIGNED and firsts) or (expected != UNASSIGNED and expected not in firsts):
            return False
    return True


def share(kb, framework, hits, expectations: dict[str, str], titles: list[str], **setting) -> float:
    placed = placement.place_documents(kb, framework, hits=hits, **setting)
    by_title: dict[str, list] = {}
    for p in placed:
        by_title.setdefault(p.title, []).append(p)
    scored = [right(by_title[t], expectations[t]) for t in titles if t in by_title]
    return sum(scored) / len(scored) if scored else 0.0


def main(argv: list[str] | None = None) -> int:
    from api.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--expectations", type=Path, default=HERE / "system_expectations.tsv")
    args = parser.parse_args(argv)
    kb = load_settings(data_dir=args.data_dir).open_index()
    framework = load_framework()
    expectations = load_expectations(args.expectations)
    held = {d.title for d in kb.documents().documents}
    missing = [t for t in expectations if t not in held]
    titles = [t for t in expectations if t in held]
    hits = placement.area_hits(kb, framework)
    current = share(kb, framework, hits, expectations, titles)
    print(f"{len(titles)} titles expected ({len(missing)} not in the knowledge base: {'、'.join(missing) or '—'})")
    print(f"current constants: {current:.3f} placed right")
    settings = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    held_out = []
    for shuffle in range(5):
        order = random.Random(shuffle).sample(titles, len(titles))
        for fold in range(5):
            test = order[fold::5]
            train = [t for t in order if t not in test]
            best = max(settings, key=lambda s: share(kb, framework, hits, expectations, train, **s))
            held_out.append(share(kb, framework, hits, expectations, test, **best))
    print(f"held out (5 folds × 5 shuffles): {statistics.mean(held_out):.3f} placed right")
    best = max(settings, key=lambda s: share(kb, framework, hits, expectations, titles, **s))
    print(f"best on all (optimistic): {share(kb, framework, hits, expectations, titles, **best):.3f} with {best}")
    for t in titles:
        placed = [p for p in placement.place_documents(kb, framework, hits=hits) if p.title == t]
        if not right(placed, expectations[t]):
            print(f"  wrong: {t} → {[p.areas[:2] for p in placed]} (expected {expectations[t]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
