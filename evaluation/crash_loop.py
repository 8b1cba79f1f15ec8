"""Crash safety under SIGKILL: kill `stdkb ingest` at chosen points, many times, and verify the stores.

    python -m evaluation.crash_loop ../shared/corpus --kills 30 [--seed 1] [--change 5]

Each round edits a few documents of a private copy of the corpus (so every ingest has replacements
to write), then runs `stdkb ingest` in its own process with a fault plan (STDKB_FAULT_AT, see
index/store/faults.py) drawn from a seeded schedule: the process SIGKILLs itself the Nth time it
reaches a stage of the write path (model trained, model link removed, document hidden, its
vectors written, its clauses written). Where the kill lands is chosen, not left to the machine's
speed, so the loop kills exactly as often as it means to on a busy machine too, and a round whose
plan was never reached is reported as such. After every kill the stores are read directly (SQLite
and Chroma, not through stdkb) and every visible document must be whole: all its clauses in the
catalogue, the keyword index and the vector store, text and metadata equal to one of the versions
of its file that was ever ingested. `stdkb check` must run and report only what a crash can leave
(hidden half-written documents, their vectors). At the end one uninterrupted `stdkb ingest` must
finish, `stdkb check` must say OK, and every document must match its file as it is now.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from index.embed.model import DOMAIN
from ingest.metadata import MANIFEST_NAME, read_manifest
from ingest.parse import find_files, parse_file

ROOT = Path(__file__).resolve().parent.parent
# What `stdkb check` may report right after a kill: documents hidden half-written, their vectors,
# clauses whose vectors were still being computed.
CRASH_SHAPED = ("half-written by an interrupted", "vector(s) without a clause", "clause(s) without a vector",
                "vectors were built by a previous embedder")


# Stages that every ingest with something to write reaches (once per changed document).
DOCUMENT_STAGES = ("document-pending", "document-complete", "document-vectors")
# Stages reached only when the domain model is trained (a fresh data directory, or a lost model).
TRAINING_STAGES = ("model-trained", "model-link-removed")


@dataclass
class Round:
    number: int
    plan: str            # the fault plan: STAGE:N
    killed_after_s: float
    killed: bool         # False when the ingest finished without reaching its plan
    writes_seen: int
    check_problems: list[str]
    violations: list[str]


@dataclass
class LoopResult:
    rounds: list[Round] = field(default_factory=list)
    final_ok: bool = False
    final_problems: list[str] = field(default_factory=list)
    final_violations: list[str] = field(default_factory=list)
    final_seconds: float = 0.0

    @property
    def violations(self) -> list[str]:
        return [v for r in self.rounds for v in r.violations] + self.final_violations

    @property
    def kills(self) -> int:
        return sum(r.killed for r in self.rounds)


def stdkb(*args: str, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args, "--data-dir", str(data_dir)]


def _env(fault_at: str = "") -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TOKENIZERS_PARALLELISM="false", STDKB_FAULT_AT=fault_at)
    env.pop("STDKB_DATA_DIR", None)
    return env


def draw_plan(rng: random.Random, data_dir: Path, writes: int) -> str:
    """A fault plan this round's ingest is sure to reach: a document stage at one of its `writes`
    writes, or, when the ingest must train a model first, sometimes a training stage."""
    stages = list(DOCUMENT_STAGES)
    trains = os.environ.get("STDKB_EMBED_MODEL", "") == DOMAIN   # the default, e5, is converted, never trained
    if trains and not (data_dir / "models" / "domain").exists():
        stages += TRAINING_STAGES
    stage = rng.choice(stages)
    return f"{stage}:{1 if stage in TRAINING_STAGES else rng.randint(1, max(writes, 1))}"


def _generation(data_dir: Path) -> int:
    """The catalogue's write counter, read without taking part in any write."""
    path = data_dir / "catalog.sqlite3"
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        finally:
            conn.close()
        return int(row[0]) if row else 0
    except sqlite3.Error:
        return -1


def edit_documents(corpus: Path, rng: random.Random, count: int, round_no: int) -> list[str]:
    """Give `count` random text documents a new last paragraph, so their next ingest replaces them."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt"))
    chosen = rng.sample(files, min(count, len(files)))
    for path in chosen:
        text = path.read_text(encoding="utf-8").rstrip("\n")
        lines = text.split("\n")
        if lines and lines[-1].startswith("校对记录"):
            lines = lines[:-1]
        path.write_text("\n".join(lines) + f"\n校对记录：第{round_no}轮。\n", encoding="utf-8")
    return [p.relative_to(corpus).as_posix() for p in chosen]


def parse_corpus(corpus: Path) -> dict[str, tuple[str, dict, list[tuple[str, str]]]]:
    """source → (content hash, metadata, [(clause id, text)]) as ingest would store them now."""
    manifest = read_manifest(corpus / MANIFEST_NAME) if (corpus / MANIFEST_NAME).exists() else {}
    out = {}
    for path, root in find_files([corpus]):
        doc = parse_file(path, root, manifest.get(path.relative_to(root).as_posix()))
        meta = {"title": doc.title, "level": doc.level, "publish_date": doc.publish_date,
                "effective_date": doc.effective_date, "issuer": doc.issuer}
        out[doc.source] = (doc.content_hash, meta, [(c.id, c.text) for c in doc.clauses])
    return out


def read_stores(data_dir: Path) -> tuple[dict, dict, dict, set]:
    """Straight from the files: complete documents, their clauses, vector ids by source, keyword rowids."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    conn = sqlite3.connect(f"file:{data_dir / 'catalog.sqlite3'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    docs = {r["source"]: dict(r) for r in conn.execute("SELECT * FROM documents WHERE state='complete'")}
    clauses: dict[str, list[tuple[str, str, int]]] = {}
    for r in conn.execute("SELECT rowid, id, source, text FROM clauses ORDER BY source, position"):
        clauses.setdefault(r["source"], []).append((r["id"], r["text"], r["rowid"]))
    keyword_rowids = {r[0] for r in conn.execute("SELECT rowid FROM clause_fts")}
    conn.close()
    # Another process wrote the Chroma files; drop this process's cached view of them.
    SharedSystemClient.clear_system_cache()
    # The same settings as index/store/vectors.py: Chroma refuses a second client of one path with other settings.
    client = chromadb.PersistentClient(path=str(data_dir / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
    vectors: dict[str, set[str]] = {}
    try:
        got = client.get_collection("clauses").get(include=["metadatas"])
        for i, m in zip(got["ids"], got["metadatas"]):
            vectors.setdefault((m or {}).get("source", ""), set()).add(i)
    except Exception:  # no collection yet: nothing was written
        pass
    return docs, clauses, vectors, keyword_rowids


def violations(data_dir: Path, versions: dict[str, list[tuple]] | None = None) -> list[str]:
    """Every way a visible document is not whole, or (given `versions`) not one of the versions of its file."""
    if not (data_dir / "catalog.sqlite3").exists():
        return []
    docs, clauses, vectors, keyword_rowids = read_stores(data_dir)
    found = []
    for source, doc in docs.items():
        mine = clauses.get(source, [])
        ids = [c[0] for c in mine]
        if len(mine) != doc["clause_count"]:
            found.append(f"{source}: {len(mine)} clauses stored, {doc['clause_count']} written")
        # Vectors come after the text, so a kill may leave clauses without one (repair embeds them);
        # a vector of a clause the document no longer has would pair old meaning with new text.
        strays = vectors.get(source, set()) - set(ids)
        if strays:
            found.append(f"{source}: {len(strays)} vector(s) of clauses it does not have")
        if any(c[2] not in keyword_rowids for c in mine):
            found.append(f"{source}: clauses missing from the keyword index")
        if versions is None:
            continue
        known = versions.get(source, [])
        match = [v for v in known if v[0] == doc["content_hash"]]
        if not match:
            found.append(f"{source}: stored content matches no version of its file")
            continue
        _hash, meta, expected = match[0]
        if [(c[0], c[1]) for c in mine] != expected:
            found.append(f"{source}: clauses differ from the version they claim to be")
        if any(doc[k] != v for k, v in meta.items()):
            found.append(f"{source}: metadata differs from its file")
    return found


def run_check(data_dir: Path) -> tuple[bool, list[str]]:
    out = subprocess.run(stdkb("check", "--json", data_dir=data_dir), capture_output=True, text=True,
                         env=_env(), cwd=ROOT)
    if not out.stdout.strip():
        return False, [f"stdkb check failed (exit {out.returncode}): {out.stderr.strip()[-500:]}"]
    report = json.loads(out.stdout)
    return report["ok"], report["problems"]


def crash_loop(corpus: Path, data_dir: Path, kills: int, seed: int = 1, change: int = 3,
               log=lambda msg: None) -> LoopResult:
    """Run `kills` rounds on a private copy of `corpus`; `data_dir` must be new or empty."""
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="stdkb-crash-corpus-"))
    try:
        shutil.copytree(corpus, work / "corpus")
        corpus = work / "corpus"
        versions: dict[str, list[tuple]] = {}

        def remember():
            for source, version in parse_corpus(corpus).items():
                if version not in versions.setdefault(source, []):
                    versions[source].append(version)

        remember()
        documents = len(versions)
        result = LoopResult()
        for n in range(1, kills + 1):
            # The first round writes every document; later ones at least the `change` edited ones.
            writes = documents if n == 1 else min(change, documents)
            if n > 1:
                edit_documents(corpus, rng, change, n)
                remember()
            plan = draw_plan(rng, data_dir, writes)
            before = _generation(data_dir)
            started = time.time()
            proc = subprocess.run(stdkb("ingest", str(corpus), data_dir=data_dir), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, env=_env(plan), cwd=ROOT)
            killed = proc.returncode == -signal.SIGKILL
            elapsed = time.time() - started
            ok, problems = run_check(data_dir)
            wrong = [p for p in problems if not any(s in p for s in CRASH_SHAPED)]
            bad = violations(data_dir, versions) + [f"stdkb check: {p}" for p in wrong]
            if not killed and proc.returncode != 0:
                bad.append(f"ingest exited {proc.returncode} without being killed: {proc.stderr.strip()[-300:]}")
            r = Round(n, plan, round(elapsed, 2), killed, _generation(data_dir) - before, problems, bad)
            result.rounds.append(r)
            log(f"round {n:>3} {plan:<22} {'killed' if killed else 'NOT REACHED'} after {elapsed:6.2f}s, "
                f"{r.writes_seen:>3} writes; check: {'OK' if ok else '; '.join(problems)}"
                + (f"; VIOLATIONS: {bad}" if bad else ""))
        started = time.time()
        done = subprocess.run(stdkb("ingest", str(corpus), data_dir=data_dir), capture_output=True, text=True,
                              env=_env(), cwd=ROOT)
        result.final_seconds = round(time.time() - started, 2)
        if done.returncode != 0:
            result.final_violations.append(f"final ingest failed: {done.stderr.strip()[-500:]}")
        result.final_ok, result.final_problems = run_check(data_dir)
        current = parse_corpus(corpus)
        result.final_violations += violations(data_dir, {s: [v] for s, v in current.items()})
        docs, *_ = read_stores(data_dir)
        missing = sorted(set(current) - set(docs))
        if missing:
            result.final_violations.append(f"{len(missing)} document(s) absent after the final ingest: {missing[:3]}")
        log(f"final ingest {result.final_seconds}s; check {'OK' if result.final_ok else result.final_problems}; "
            f"{len(docs)} documents; violations: {result.final_violations or 'none'}")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--change", type=int, default=5, help="documents edited before each round")
    ap.add_argument("--data-dir", type=Path, default=None, help="a new directory (default: a temporary one)")
    args = ap.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="stdkb-crash-data-"))
    result = crash_loop(args.corpus, data_dir, args.kills, seed=args.seed, change=args.change, log=print)
    half = sum(1 for r in result.rounds if any("half-written" in p for p in r.check_problems))
    by_stage: dict[str, int] = {}
    for r in result.rounds:
        if r.killed:
            by_stage[r.plan.split(":")[0]] = by_stage.get(r.plan.split(":")[0], 0) + 1
    print(f"\n{result.kills} of {len(result.rounds)} planned kills happened "
          f"({', '.join(f'{k} {v}' for k, v in sorted(by_stage.items()))}); {half} left a half-written document "
          f"that the next ingest repaired; violations: {len(result.violations)}; final check "
          f"{'OK' if result.final_ok else 'FAILED'}")
    return 0 if result.final_ok and not result.violations and result.kills == len(result.rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
