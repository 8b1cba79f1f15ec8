"""The scale benchmark's corpus (evaluation/scale_corpus.py): copies that read like re-issued rules,
split like their originals, and are the same on every run."""

from __future__ import annotations

import csv

from evaluation.scale_corpus import Original, originals, region_of, sequence, vary_text, write_copies
from ingest.parse import parse_file, parse_text

from .conftest import CORPUS

LAW = "行政法规/机关事务管理条例(2012-06-28).md"


def test_a_copy_splits_into_the_same_clauses_as_its_original():
    text = (CORPUS / LAW).read_text(encoding="utf-8")
    original = parse_text(text, "a.md")
    copy = parse_text(vary_text(text, 5, region_of(5, LAW)), "b.md")
    assert [c.label for c in copy.clauses] == [c.label for c in original.clauses]


def test_most_clauses_of_a_copy_differ_from_the_original():
    text = (CORPUS / LAW).read_text(encoding="utf-8")
    original = {c.text for c in parse_text(text, "a.md").clauses}
    copy = [c.text for c in parse_text(vary_text(text, 5, region_of(5, LAW)), "b.md").clauses]
    assert sum(t not in original for t in copy) > len(copy) / 2


def test_copies_are_the_same_on_every_run_and_differ_between_copies():
    text = (CORPUS / LAW).read_text(encoding="utf-8")
    assert vary_text(text, 3, "江苏省") == vary_text(text, 3, "江苏省")
    assert vary_text(text, 3, "江苏省") != vary_text(text, 4, "江苏省")


def test_a_larger_corpus_extends_the_sequence_of_a_smaller_one():
    docs = [Original(f"{n}.md", {}, 10 + n) for n in range(5)]
    small, large = sequence(docs, 100, 160), sequence(docs, 100, 400)
    assert large[:len(small)] == small
    assert 100 + sum(d.clauses for _, d in large) >= 400 > 100 + sum(d.clauses for _, d in large[:-1])


def test_written_copies_are_ingestible_documents_with_their_own_titles(tmp_path):
    docs = [d for d in originals(CORPUS, {LAW: 60}) if d.path == LAW]
    folder = write_copies(CORPUS, [(1, docs[0]), (2, docs[0])], tmp_path / "copies")
    with (folder / "manifest.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len({r["title"] for r in rows}) == 2 and all(r["title"] != "机关事务管理条例" for r in rows)
    parsed = parse_file(folder / rows[0]["path"], folder)
    assert len(parsed.clauses) == len(parse_file(CORPUS / LAW, CORPUS).clauses)
