"""Embedder loading through sentence-transformers, tested with a tiny model built here (no download)."""

from __future__ import annotations

import numpy as np
import pytest

from index.embed.model import EmbedderError, hub_dir, load_embedder, pull_model
from index.errors import IndexMismatch
from index.index import Index
from ingest.collect import collect


def _tiny_model(path):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding
    from tokenizers import Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel

    vocab = {"[UNK]": 0, **{ch: i + 1 for i, ch in enumerate(dict.fromkeys("公务用车会议服务节能机关事标准"))}}
    tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    rng = np.random.default_rng(0)
    model = SentenceTransformer(modules=[StaticEmbedding(tok, embedding_weights=rng.normal(size=(len(vocab), 16)).astype(np.float32))])
    model.save(str(path))
    return path


def test_local_model_directory_loads_and_embeds(tmp_path):
    embedder = load_embedder(str(_tiny_model(tmp_path / "tiny")), tmp_path / "models")
    vecs = embedder.encode(["公务用车", "会议服务"])
    assert vecs.shape == (2, 16)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_hub_id_that_was_not_pulled_gives_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="stdkb models pull BAAI/bge-small-zh-v1.5"):
        load_embedder("BAAI/bge-small-zh-v1.5", tmp_path / "models")


def test_models_pull_downloads_loads_and_verifies(tmp_path, monkeypatch):
    import huggingface_hub

    source = _tiny_model(tmp_path / "tiny")

    def fake_snapshot_download(repo_id, local_dir, revision=None):
        import shutil

        shutil.copytree(source, local_dir)  # stands in for the hub: same files, same layout
        return local_dir

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    embedder = pull_model("org/tiny-zh", tmp_path / "models")
    assert embedder.dim == 16
    assert hub_dir(tmp_path / "models", "org/tiny-zh").is_dir()
    assert load_embedder("org/tiny-zh", tmp_path / "models").fingerprint == embedder.fingerprint


def test_configured_model_must_match_the_one_the_index_was_built_with(kb_copy, tmp_path):
    index = Index(kb_copy, embed_model=str(_tiny_model(tmp_path / "tiny")))
    with pytest.raises(IndexMismatch, match="STDKB_EMBED_MODEL=domain"):
        index.search("机关运行经费")


def test_ingest_with_a_local_model_reembeds_everything(kb_copy, tmp_path, subset_corpus):
    model = str(_tiny_model(tmp_path / "tiny"))
    index = Index(kb_copy, embed_model=model)
    index.upsert(*collect([subset_corpus]))
    assert index.data.manifest()["embed_model"] == model
    assert index.check().ok
    assert index.search("公务用车", k=3).hits


def test_the_same_model_named_by_another_path_re_embeds_nothing(tmp_path, monkeypatch):
    from index.embed.lifecycle import Embedding

    model = _tiny_model(tmp_path / "tiny")
    (tmp_path / "link").symlink_to(model, target_is_directory=True)
    rule = tmp_path / "规定.md"
    rule.write_text("# 公务用车规定\n\n第一条 公务用车应当节能。\n", encoding="utf-8")
    Index(tmp_path / "kb", embed_model=str(model)).upsert(*collect([rule]))

    def reembed(self, **_):
        raise AssertionError("every stored vector re-embedded for the same model")

    monkeypatch.setattr(Embedding, "reembed_stored", reembed)
    second = tmp_path / "会议.md"
    second.write_text("# 会议服务规定\n\n第一条 会议服务应当节俭。\n", encoding="utf-8")
    index = Index(tmp_path / "kb", embed_model=str(tmp_path / "link"))
    index.upsert(*collect([second]))
    assert index.check().ok and not index.data.manifest().get("vectors_stale")


# ------------------------------------------------------------------------------- vector cache
def test_the_vector_cache_reads_back_what_it_stored_per_model(tmp_path):
    import numpy as np

    from index.embed.vector_cache import VectorCache, text_key

    cache = VectorCache(tmp_path / "cache.sqlite3")
    key, vector = text_key("第一条 会议结束后应当关闭空调和照明。"), np.arange(4, dtype=np.float32)
    cache.put("model-a", [(key, vector)])
    assert np.array_equal(cache.get("model-a", [key], 4)[key], vector)
    assert cache.get("model-b", [key], 4) == {} and cache.count("model-a") == 1


def test_a_vector_cache_written_by_an_earlier_version_keeps_its_vectors(tmp_path):
    import sqlite3

    import numpy as np

    from index.embed.vector_cache import VectorCache, text_key

    path, key = tmp_path / "cache.sqlite3", text_key("第二条")
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE vectors (model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL,"
                " PRIMARY KEY (model, key)) WITHOUT ROWID")
    old.execute("INSERT INTO vectors VALUES (?, ?, ?)", ("m", key, np.ones(4, dtype=np.float32).tobytes()))
    old.commit()
    old.close()
    reader = VectorCache(path, read_only=True)                        # opened before any writer
    assert reader.count("m") == 1
    assert VectorCache(path).get("m", [key], 4)[key].tolist() == [1.0] * 4
    assert reader.get("m", [key], 4)[key].tolist() == [1.0] * 4      # the table moved under it
    assert VectorCache(path, read_only=True).count("m") == 1
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"clause_vectors"}
    assert sqlite3.connect(path).execute("PRAGMA freelist_count").fetchone()[0] == 0   # its pages given back
