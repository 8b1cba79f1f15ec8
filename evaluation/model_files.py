"""Writing one embedder's entry into a fitted-model file (fusion weights, confidence, on-point)."""

from __future__ import annotations

import json
from pathlib import Path


def store(path: Path, section: str, embed_model: str, entry: dict, about: str = "") -> None:
    """Set `data[section][embed_model]` in the JSON file at `path` (made when missing). The float32
    e5-small shares the int8 model's entry: their cosines differ by under 0.01."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {section: {}}
    if about:
        data["about"] = about
    data[section][embed_model] = entry
    if embed_model == "e5-small-int8":
        data[section]["e5-small"] = entry
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
