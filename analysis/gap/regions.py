"""Which jurisdictions' rules bind a draft: national ones everywhere, local ones in their region."""

from __future__ import annotations

from index.results import Hit
from index.search.titles import region_of
from ingest.models import Level
from ingest.regions import province_of

# Levels that bind everywhere in the country.
NATIONAL_LEVELS = {Level.LAW, Level.ADMINISTRATIVE_REGULATION, Level.DEPARTMENTAL_RULE, Level.PARTY_REGULATION,
                   Level.NATIONAL_STANDARD, Level.SECTOR_STANDARD}
# Levels that bind nobody: pilot documents and the unclassified can inform, never be a basis.
NON_NORMATIVE = {Level.PILOT, Level.OTHER}


def with_parents(regions: list[str]) -> list[str]:
    """Regions plus the provinces containing them: [杭州市] → [杭州市, 浙江省]."""
    out = list(regions)
    for r in regions:
        parent = province_of().get(r)
        if parent and parent not in out:
            out.append(parent)
    return out


def region_of_hit(hit: Hit) -> str:
    return region_of(hit.title) or next((r for r in (*province_of(), *province_of().values())
                                         if hit.issuer.startswith(r)), "")


def applicable(hit: Hit, regions: list[str]) -> bool:
    """Does the provision bind where the draft applies?

    National levels always. A local rule when its region is one of the draft's (a 杭州市 draft is
    bound by 杭州市 and 浙江省 rules) or lies inside one of them (a 浙江省 standard applies in 杭州
    too, so 杭州's rules bind it there). A national draft (no regions) applies everywhere.
    """
    if hit.level in NATIONAL_LEVELS or not regions:
        return True
    region = region_of_hit(hit)
    if not region:
        return False
    # The draft's own areas are the most specific of `regions`; the others are only their parents
    # (for [杭州市, 浙江省] a 宁波市 rule lies inside 浙江省 but not where the draft applies).
    own = [r for r in regions if not any(province_of().get(o) == r for o in regions)]
    return region in regions or province_of().get(region) in own

