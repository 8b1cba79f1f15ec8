"""Properties of the hand-written parsers, over inputs hypothesis makes up: Chinese numerals, citations,
structure. No input crashes them, and what they write they read back."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from index.search.citations import ArticleRef, parse_citation
from ingest.numerals import cn_to_int, int_to_cn
from ingest.structure import parse_body

FAST = settings(max_examples=300, deadline=None)
SLOW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text the way documents and queries bring it: Chinese, numerals, punctuation, Latin, oddities.
CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ANY_TEXT = st.text(st.one_of(CHINESE, st.sampled_from("第条款项之章节编《》〈〉（）()、。；：，0123456789０１２３—–-./ \n\t"
                                                      "一二三四五六七八九十百千万亿零〇两GBDT/Z附录"),
                             st.characters()), max_size=300)
# A work title: Chinese words with no numeral or structure characters in them.
TITLE = st.text(CHINESE.filter(lambda c: c not in "一二三四五六七八九十百千万亿零〇两第条款项之章节编年版"),
                min_size=2, max_size=20)


# ---------------------------------------------------------------------------------------- numerals
@FAST
@given(st.integers(min_value=0, max_value=10**15))  # up to 千万亿; 亿亿 is not written
def test_every_number_written_in_chinese_reads_back(n):
    assert cn_to_int(int_to_cn(n)) == n


@FAST
@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_and_full_width_digits_read_as_themselves(n):
    full = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert cn_to_int(str(n)) == cn_to_int(full) == n


@FAST
@given(st.integers(min_value=1, max_value=9999))
def test_article_numbers_are_written_without_a_leading_one_before_ten(n):
    written = int_to_cn(n)
    assert not written.startswith("一十") and "零零" not in written and not written.endswith("零")


@FAST
@given(ANY_TEXT)
def test_anything_that_is_not_a_numeral_is_a_value_error(text):
    try:
        assert cn_to_int(text) >= 0
    except ValueError:
        pass


# --------------------------------------------------------------------------------------- citations
@FAST
@given(ANY_TEXT)
def test_the_citation_parser_never_crashes(text):
    citation = parse_citation(text)
    if citation is not None:
        assert all(a.article >= 0 and a.sub >= 0 for a in citation.articles)


@FAST
@given(TITLE, st.integers(1, 9999), st.integers(0, 9), st.integers(0, 20), st.booleans(), st.booleans())
def test_a_written_citation_reads_back(title, article, sub, paragraph, brackets, arabic):
    ref = ArticleRef(article, sub, paragraph)
    label = ref.label if not arabic else f"第{article}条" + (f"之{sub}" if sub else "") + \
        (f"第{paragraph}款" if paragraph else "")
    text = (f"《{title}》" if brackets else title) + label
    citation = parse_citation(text)
    assert citation is not None and citation.title == title
    assert citation.articles[0] == ref


@FAST
@given(st.sampled_from(["GB", "GB/T", "GB/Z", "DB33/T", "DB3301/T", "JGJ", "WS/T"]), st.integers(1, 999999),
       st.one_of(st.none(), st.integers(1950, 2030)), st.sampled_from(["—", "-", "–"]),
       st.one_of(st.none(), st.lists(st.integers(1, 30), min_size=1, max_size=4)))
def test_a_written_standard_number_reads_back(prefix, number, year, dash, clause):
    text = f"{prefix} {number}" + (f"{dash}{year}" if year else "") + \
        (" " + ".".join(map(str, clause)) if clause else "")
    citation = parse_citation(text)
    assert citation is not None and citation.standard_code == f"{prefix} {number}"
    assert citation.standard_year == (str(year) if year else "")
    assert citation.clause_number == (".".join(map(str, clause)) if clause else "")


# --------------------------------------------------------------------------------------- structure
@SLOW
@given(ANY_TEXT, st.sampled_from(["law", "standard", "prose"]))
def test_the_structure_parser_never_crashes(text, family):
    for clause in parse_body(text, family):
        assert clause.key and clause.kind


SENTENCE = st.text(st.one_of(CHINESE, st.sampled_from("，、；的和或")), min_size=1, max_size=40).map(
    lambda s: s.strip("，、；") + "。").filter(lambda s: len(s) > 1)


@SLOW
@given(st.lists(st.lists(SENTENCE, min_size=1, max_size=3), min_size=2, max_size=40),
       st.integers(min_value=0, max_value=3))
def test_a_law_written_article_by_article_parses_back_article_by_article(articles, chapters):
    assume(all(not s.startswith(("第", "附")) for body in articles for s in body))
    lines, n = [], 0
    per_chapter = max(1, len(articles) // max(chapters, 1))
    for i, body in enumerate(articles):
        if chapters and i % per_chapter == 0 and i // per_chapter < chapters:
            lines.append(f"第{int_to_cn(i // per_chapter + 1)}章 总则{i}")
        n += 1
        lines.append(f"第{int_to_cn(n)}条 " + "\n".join(body))
    clauses = parse_body("\n".join(lines), "law")
    heads = [c for c in clauses if c.kind == "article"]
    assert [c.label for c in heads] == [f"第{int_to_cn(k)}条" for k in range(1, n + 1)]
    text = "".join(c.text for c in clauses).replace("\n", "").replace(" ", "")
    assert text == "".join("".join(body) for body in articles).replace(" ", "")


@SLOW
@given(st.lists(st.tuples(st.integers(1, 9), st.lists(st.integers(1, 9), max_size=2), SENTENCE),
                min_size=1, max_size=20))
def test_a_standard_never_loses_text(rows):
    body = "\n".join(f"{'.'.join(map(str, [major, *minor]))} {text}" for major, minor, text in rows)
    kept = "".join(c.text + c.title + " ".join(c.heading_path) for c in parse_body(body, "standard"))
    for _major, _minor, text in rows:
        assert text.rstrip("。") in kept.replace("\n", "")


@FAST
@given(st.text(alphabet=string.printable, max_size=200))
def test_ascii_noise_parses_in_every_family(text):
    for family in ("law", "standard", "prose"):
        parse_body(text, family)
