"""The framework of areas (标准体系结构): a TSV data file a drafter can read and edit.

The default (`data/framework.tsv`) has the pilot plan's six first-level areas, named exactly as
the plan names them, and second-level areas under each; `STDKB_SYSTEM_FILE` (see api/settings.py)
points to a drafter's own file of the same columns.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ingest.errors import DocumentError
from ingest.tables import TableError, numbered_rows

DEFAULT_FRAMEWORK = Path(__file__).resolve().parent / "data" / "framework.tsv"
COLUMNS = ("id", "parent", "name", "keywords", "description")


class Area(BaseModel):
    id: str
    name: str
    parent: str = ""                     # the parent area's id; "" for a first-level area
    description: str
    keywords: list[str] = []             # words whose presence in a document's title points here

    def query(self) -> str:
        """What the area is searched by: its name and description."""
        return f"{self.name}：{self.description}"


def load_framework(path: Path | None = None) -> list[Area]:
    """The areas in file order; DocumentError naming the file and line for a malformed file."""
    path = path or DEFAULT_FRAMEWORK
    try:
        rows = numbered_rows(path, COLUMNS)
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(str(path), f"cannot read the framework file: {exc}") from None
    except TableError as exc:
        raise DocumentError(str(path), f"a framework file needs the tab-separated columns {', '.join(COLUMNS)}; "
                                       f"line {exc.line}: {exc.problem}") from None
    areas: list[Area] = []
    ids: set[str] = set()
    for n, row in rows:
        area_id, parent, name = row["id"], row["parent"], row["name"]
        if not area_id or not name:
            raise DocumentError(str(path), f"line {n}: an area needs an id and a name")
        if area_id in ids:
            raise DocumentError(str(path), f"line {n}: the id {area_id} is used twice")
        if parent and parent not in ids:
            raise DocumentError(str(path), f"line {n}: parent {parent} is not an area above this row")
        ids.add(area_id)
        keywords = [k.strip() for k in row["keywords"].replace(",", "、").split("、") if k.strip()]
        areas.append(Area(id=area_id, name=name, parent=parent, description=row["description"],
                          keywords=keywords))
    return areas


def leaves(framework: list[Area]) -> list[Area]:
    """The areas no other area sits under (the second level of the default framework)."""
    parents = {a.parent for a in framework}
    return [a for a in framework if a.id not in parents]


def path_of(area: Area, by_id: dict[str, Area]) -> list[str]:
    """The names from the first level down to `area`: ["公共机构节能降碳", "节能管理"]."""
    names = [area.name]
    while area.parent:
        area = by_id[area.parent]
        names.insert(0, area.name)
    return names
