"""A larger corpus grown from the shared one by deterministic variation, for evaluation/bench_scale.py.

A provincial office's knowledge base is mostly documents like the shared ones, re-issued by other
regions and in other years: 《江苏省机关事务管理办法》 beside 《浙江省机关事务管理办法》. Copy k of
a document therefore gets another region (in its title, issuer and text), dates shifted by whole
years, amounts varied, and, sentence by sentence, a few wording swaps chosen by a hash of (k,
sentence), so that most clauses differ from every other copy. The text is never a byte copy, the
vocabulary stays that of real rules (keyword statistics stay realistic), and the structure (条、款、
项, 5.2.1) is untouched, so every copy splits into the same number of clauses as its original.

Everything is a pure function of (original, k): the same corpus is written on every run.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

REGIONS = (
    "北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 陕西省 甘肃省 青海省 "
    "宁夏回族自治区 新疆维吾尔自治区 杭州市 宁波市 温州市 南京市 苏州市 无锡市 合肥市 福州市 厦门市 济南市 青岛市 "
    "郑州市 武汉市 长沙市 广州市 深圳市 成都市 西安市 沈阳市 大连市 长春市 哈尔滨市 石家庄市 太原市 南昌市 昆明市 "
    "贵阳市 南宁市 兰州市 银川市 西宁市 海口市 拉萨市 乌鲁木齐市 呼和浩特市"
).split()
# Region names the originals use, replaced by the copy's region wherever they occur.
_REGION_IN_TEXT = re.compile("|".join(sorted(set(REGIONS) | {"浙江", "杭州", "上海", "北京"}, key=len, reverse=True)))
# Wording swaps that keep a rule's meaning (applied to some sentences of some copies).
SWAPS = (("应当", "应"), ("有关部门", "相关部门"), ("加强", "强化"), ("建立健全", "健全"), ("按照", "依照"),
         ("及时", "适时"), ("组织实施", "实施"), ("统筹", "统一"), ("保障", "保证"), ("严格", "切实"),
         ("工作人员", "从业人员"), ("管理制度", "制度"), ("机关事务", "机关后勤"), ("节约", "节俭"))
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-2]\d)(?=年|-|—|－|\)|）)")
_AMOUNT = re.compile(r"(?<![\d.第])(\d{2,6})(?=\s*(?:万元|元|平方米|千瓦时|人|辆|天|个工作日|小时))")
_SENTENCE = re.compile(r"(?<=[。；！？\n])")


@dataclass(frozen=True)
class Original:
    """One document of the shared corpus, as listed in its manifest."""
    path: str
    row: dict
    clauses: int          # how many clauses it splits into (read from an ingested catalogue)


def _pick(k: int, key: str, n: int) -> int:
    digest = hashlib.blake2b(f"{k}|{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n


def region_of(k: int, path: str) -> str:
    """The region re-issuing copy k of a document (each copy of one document has its own region)."""
    return REGIONS[(k + _pick(0, path, len(REGIONS))) % len(REGIONS)]


def shift_years(text: str, k: int) -> str:
    shift = k % 7 - 3
    return _YEAR.sub(lambda m: str(min(max(int(m.group(1)) + shift, 1990), 2029)), text)


def shift_date(date: str, k: int) -> str:
    """YYYY-MM-DD shifted like the years in the text (29 February becomes the 28th)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return date
    year = shift_years(date[:4] + "年", k)[:4]
    rest = "02-28" if date[5:] == "02-29" else date[5:]
    return f"{year}-{rest}"


def vary_text(text: str, k: int, region: str) -> str:
    """Copy k of a document's text: region, years, amounts and some wording changed."""
    text = _REGION_IN_TEXT.sub(region, text)
    text = shift_years(text, k)
    text = _AMOUNT.sub(lambda m: str(int(m.group(1)) * (k % 3 + 1) + k % 10), text)
    out = []
    for n, sentence in enumerate(_SENTENCE.split(text)):
        if sentence.strip() and not sentence.lstrip().startswith("#"):
            for a, b in SWAPS:
                if a in sentence and _pick(k, f"{n}|{a}", 3) == 0:
                    sentence = sentence.replace(a, b)
        out.append(sentence)
    return "".join(out)


def vary_title(title: str, region: str) -> str:
    bare = title.removeprefix("中华人民共和国")
    m = _REGION_IN_TEXT.match(bare)
    return region + (bare[m.end():] if m else bare)


def vary_row(row: dict, k: int, path: str, region: str) -> dict:
    out = dict(row)
    out["path"] = path
    out["title"] = vary_title(row["title"], region)
    out["issuer"] = f"{region}人民政府" if row.get("issuer") else ""
    out["doc_number"] = f"{region[:2]}{row['doc_number']}" if row.get("doc_number") else ""
    out["publish_date"] = shift_date(row.get("publish_date", ""), k)
    out["effective_date"] = shift_date(row.get("effective_date", ""), k)
    out["source"] = f"scale:{k}/{path}"
    return out


def originals(corpus: Path, clause_counts: dict[str, int]) -> list[Original]:
    """The shared corpus's documents in manifest order, with their clause counts by path."""
    with (corpus / "manifest.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    return [Original(r["path"], r, clause_counts[r["path"]]) for r in rows if clause_counts.get(r["path"])]


def sequence(docs: list[Original], shared: int, target: int) -> list[tuple[int, Original]]:
    """(copy, original) pairs, copy 1 of every document, then copy 2, …, until the shared corpus
    (`shared` clauses) and the copies hold at least `target` clauses. A larger target extends the
    sequence of a smaller one, so a corpus grows size by size."""
    out, total, k = [], shared, 1
    if not any(d.clauses for d in docs):
        return out
    while total < target:
        for d in docs:
            if total >= target:
                break
            out.append((k, d))
            total += d.clauses
        k += 1
    return out


def write_copies(corpus: Path, copies: list[tuple[int, Original]], out: Path) -> Path:
    """Write the copies (and their manifest.csv) into `out`; returns `out`. Existing files are kept."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for k, doc in copies:
        region = region_of(k, doc.path)
        rel = f"{k:03d}/{doc.path}"
        target = out / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            text = (corpus / doc.path).read_text(encoding="utf-8")
            target.write_text(vary_text(text, k, region), encoding="utf-8")
        rows.append(vary_row(doc.row, k, rel, region))
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["path"])
        writer.writeheader()
        writer.writerows(rows)
    return out
