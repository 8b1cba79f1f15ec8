"""Search filters and which documents they let through. Pure functions over document rows."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from pydantic import BaseModel, Field, field_validator

from index.results import DocumentInfo
from index.store.catalog import work_key
from ingest.metadata import parse_cn_date
from ingest.models import STATUSES, Status

# Words for "every status": a user who asks for all versions has chosen versions.
ALL_STATUSES = {"all", "全部", "全部版本"}


class SearchFilters(BaseModel):
    """Restrict a search. Empty fields do not restrict."""

    level: list[str] = Field(default_factory=list, description="Document levels, e.g. 法律, 地方性法规.")
    status: list[str] = Field(default_factory=list, description="现行有效 / 已被修订 / 已废止 / 状态不详 "
                              "(\"unknown\" is read as 状态不详).")
    region: str = Field("", description="Text in the issuer or at the start of the title: 杭州, 浙江省.")
    document: str = Field("", description="A document's source path, or text in its title.")
    as_of: str = Field("", description="YYYY-MM-DD: only the versions in force on that day.")
    date_from: str = Field("", description="Published on or after (YYYY-MM-DD).")
    date_to: str = Field("", description="Published on or before (YYYY-MM-DD).")
    status_is_default: bool = Field(False, description="The statuses are a page's default, not the user's "
                                    "choice: a version the query names (2010年…, 旧版…) wins over them.")
    exclude: list[str] = Field(default_factory=list, description="Sources of documents whose works (every "
                               "version) never come back: to search around a work, or to ask what answers a "
                               "question when a rule is not there.")

    @field_validator("status")
    @classmethod
    def _known_status(cls, v: list[str]) -> list[str]:
        out = []
        for s in v:
            if s.strip().lower() in ALL_STATUSES:   # every version, chosen on purpose (the pages' 全部版本)
                out += [x.value for x in STATUSES if x.value not in out]
                continue
            try:
                out.append(Status.read(s).value)
            except ValueError:
                raise ValueError(f"unknown status '{s}'; use one of {'、'.join(x.value for x in STATUSES)} "
                                 f"or all（未知的时效性“{s}”）") from None
        return out

    @field_validator("as_of", "date_from", "date_to")
    @classmethod
    def _iso_date(cls, v: str) -> str:
        if not v:
            return v
        parsed = parse_cn_date(v)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            try:
                parsed = date.fromisoformat(v).isoformat()
            except ValueError:
                parsed = ""
        if not parsed:
            raise ValueError(f"'{v}' is not a date (use YYYY-MM-DD)")
        return parsed

    def is_empty(self) -> bool:
        return not any([self.level, self.status, self.region, self.document, self.as_of, self.date_from,
                        self.date_to, self.exclude])

    @property
    def chooses_versions(self) -> bool:
        """The user picked versions explicitly: do not re-rank by status."""
        return bool(self.status or self.as_of or self.document)


def for_named_version(filters: SearchFilters) -> SearchFilters:
    """The filters a query naming a version is searched with: a default status gives way."""
    return filters.model_copy(update={"status": [], "status_is_default": False}) \
        if filters.status_is_default and filters.status else filters


def allowed_sources(documents: list[DocumentInfo], filters: SearchFilters) -> set[str] | None:
    """Sources of the documents `filters` let through; None when they let everything through."""
    if filters.is_empty():
        return None
    docs = documents
    if filters.as_of:
        docs = in_force_on(docs, filters.as_of)
    excluded = {work_key(d.title) for d in documents if d.source in set(filters.exclude)}
    out = set()
    for d in docs:
        if excluded and work_key(d.title) in excluded:
            continue
        if filters.level and d.level not in filters.level:
            continue
        if filters.status and d.status not in filters.status:
            continue
        if filters.region and filters.region not in d.issuer and not d.title.startswith(filters.region) \
                and not d.title.startswith("中华人民共和国" + filters.region):
            continue
        if filters.document and filters.document != d.source and filters.document not in d.title:
            continue
        if filters.date_from and (d.publish_date or "0000") < filters.date_from:
            continue
        if filters.date_to and (d.publish_date or "9999") > filters.date_to:
            continue
        out.add(d.source)
    return out


def in_force_on(documents: list[DocumentInfo], day: str) -> list[DocumentInfo]:
    """Of each work, the version in force on `day`: the latest that had taken effect by then.

    The corpus records when a version took effect but not when a repealed one stopped, so a
    已废止 document without a successor counts as in force after its effective date.
    """
    by_work: dict[str, list[DocumentInfo]] = defaultdict(list)
    for d in documents:
        by_work[work_key(d.title)].append(d)
    out = []
    for versions in by_work.values():
        started = [d for d in versions if (d.effective_date or d.publish_date) and
                   (d.effective_date or d.publish_date) <= day]
        if started:
            out.append(max(started, key=lambda d: (d.effective_date or d.publish_date, d.publish_date)))
    return out
