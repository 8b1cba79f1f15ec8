"""The regions of China a local rule can belong to: the 34 provincial-level divisions and their
prefecture-level cities (data/regions.tsv), so that who is bound where is read from one table."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .tables import read_table

REGIONS_FILE = Path(__file__).parent / "data" / "regions.tsv"


@lru_cache(maxsize=1)
def province_of() -> dict[str, str]:
    """Each prefecture-level city → its province (杭州市 → 浙江省)."""
    return {city: r["province"] for r in read_table(REGIONS_FILE, ["province", "cities"], required=["province"])
            for city in r["cities"].split()}


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    """The 34 provincial-level divisions, in the table's order."""
    return tuple(r["province"] for r in read_table(REGIONS_FILE, ["province", "cities"], required=["province"]))


@lru_cache(maxsize=1)
def region_names() -> tuple[str, ...]:
    """Every province and city of the table, longest first (for reading the start of a title)."""
    return tuple(sorted({*provinces(), *province_of()}, key=lambda n: (-len(n), n)))
