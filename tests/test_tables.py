"""Rule tables: one format, one loader, a bad row named by file and line, every rule with its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.tables import TableError, read_table

ROOT = Path(__file__).resolve().parent.parent


def test_a_table_is_read_by_its_header_with_comments_and_blank_lines_skipped(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("# what it is\nword\tkind\n\n机关\tpublic\n# a comment between rows\n矿山\tbusiness\n",
                     encoding="utf-8")
    assert read_table(table, ["word", "kind"]) == [{"word": "机关", "kind": "public"},
                                                    {"word": "矿山", "kind": "business"}]


def test_a_row_with_more_cells_than_the_header_is_refused_naming_file_and_line(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("word\tkind\n机关\tpublic\n矿山\tbusiness\textra\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"t\.tsv, line 3: 3 cells"):
        read_table(table, ["word", "kind"])


def test_a_table_without_a_column_the_loader_needs_is_refused(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("word\n机关\n", encoding="utf-8")
    with pytest.raises(TableError, match="no column kind"):
        read_table(table, ["word", "kind"])


def test_an_empty_required_cell_is_refused(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("word\tkind\n机关\t\n", encoding="utf-8")
    with pytest.raises(TableError, match="line 2: no kind"):
        read_table(table, ["word", "kind"], required=["word", "kind"])


@pytest.mark.parametrize("name", ["duties.tsv", "subjects.tsv", "opposites.tsv", "sanctions.tsv"])
def test_every_rule_of_the_gap_analysis_names_the_text_it_states(name):
    rows = read_table(ROOT / "analysis" / "gap" / "data" / name, ["source"])
    assert rows and all(r["source"] for r in rows)


def test_the_region_table_holds_the_34_provincial_level_divisions():
    from ingest.regions import province_of, provinces

    assert len(provinces()) == 34 and province_of()["杭州市"] == "浙江省" and province_of()["延边朝鲜族自治州"] == "吉林省"
