"""The RapidOCR engine: PP-OCRv6 detection and recognition (small) on onnxruntime (issue 32).

The models ship inside the `rapidocr` wheel (site-packages/rapidocr/models). RapidOCR downloads a
model it cannot find at the path its config derives from a download URL; stdkb names the bundled
files explicitly (`model_paths`), so it never goes to the network, and refuses to start when one
is missing rather than letting the library fetch it. No Debian package is needed.

Orientation: the library's classifier turns single lines by 180° only, and a page fed sideways
gives it tall boxes it cannot read. So the page is judged whole, on a small copy: detection says
whether its lines lie across or along the page (90° or not), and recognition of a few lines, as
they are and turned over, says which way up they read (by the model's confidence).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from .ocr_layout import OcrLine

NAME = "rapidocr"
MODEL_FILES = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
               "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}
PROBE_SIDE = 1000     # the longer side of the copy the orientation is judged on
PROBE_LINES = 8       # lines recognised both ways up to tell 0 from 180


def model_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def model_paths() -> dict[str, Path]:
    """The bundled model file of each stage (Det, Rec, Cls)."""
    return {stage: model_dir() / name for stage, name in MODEL_FILES.items()}


@lru_cache(maxsize=1)
def missing() -> tuple[str, ...]:
    """What this engine lacks: the Python package or a bundled model (never a Debian package)."""
    import importlib.util

    if importlib.util.find_spec("rapidocr") is None:
        return ("rapidocr (pip)",)
    return tuple(f"rapidocr model {p.name}" for p in model_paths().values() if not p.is_file())


def params(use_det: bool = True, use_cls: bool = True, use_rec: bool = True) -> dict:
    """RapidOCR's configuration: the bundled models by path, one onnxruntime thread per call (the
    page pool runs pages side by side), quiet logging."""
    out = {f"{stage}.model_path": str(path) for stage, path in model_paths().items()}
    out.update({"Global.log_level": "error", "Global.use_det": use_det, "Global.use_cls": use_cls,
                "Global.use_rec": use_rec,
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1})
    return out


_lock = threading.Lock()


@lru_cache(maxsize=3)
def _engine(use_det: bool, use_cls: bool, use_rec: bool):
    """One engine per combination of stages. Each is built with its stages fixed and then called
    without overrides: RapidOCR stores a call's overrides on the object, which two page threads
    would race on."""
    from rapidocr import RapidOCR

    absent = [str(p) for p in model_paths().values() if not p.is_file()]
    if absent:
        # Without the file RapidOCR would download it; stdkb runs offline, so it stops here.
        raise FileNotFoundError(f"RapidOCR model(s) missing from the installed wheel: {', '.join(absent)}")
    with _lock:
        return RapidOCR(params=params(use_det, use_cls, use_rec))


def _rgb(image):
    import numpy as np

    return np.asarray(image.convert("RGB"))


def read(image) -> list[OcrLine]:
    """The lines of an upright page image (PIL), each with its box and confidence (0–100)."""
    # The line classifier is left out: the page is already upright (`orientation`), and the
    # classifier, turning single lines it takes for upside down, garbled whole lines of upright
    # print in the tuning scans (chars 0.964 with it, 0.984 without, on one regulation page).
    result = _engine(True, False, True)(_rgb(image))
    if result.boxes is None or result.txts is None:
        return []
    out = []
    for box, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
        out.append(OcrLine(text, min(xs), min(ys), max(xs), max(ys), 100.0 * float(score)))
    return out


def orientation(image) -> int:
    """Degrees (0, 90, 180, 270) to turn the page clockwise to set it upright; 0 for a page with no
    lines to judge by."""
    small = image.copy()
    small.thumbnail((PROBE_SIDE, PROBE_SIDE))
    boxes = _boxes(small)
    if not boxes:
        return 0
    turn = 0
    if sum(1 for w, h, _ in boxes if h > 1.5 * w) > sum(1 for w, h, _ in boxes if w > 1.5 * h):
        # Lines run down the page: it lies on its side. Turn it a quarter and look again; whether
        # it was a quarter the other way shows below, as the lines reading upside down.
        turn = 90
        small = small.rotate(-90, expand=True)
        boxes = _boxes(small)
    crops = [crop for _, _, crop in sorted(boxes, key=lambda b: -b[0])[:PROBE_LINES]]
    if crops and _mean_score([c.rotate(180) for c in crops]) > _mean_score(crops) + 0.05:
        turn += 180
    return turn % 360


def _boxes(image) -> list[tuple[float, float, object]]:
    """(width, height, crop) of each detected text box of a small page image."""
    result = _engine(True, False, False)(_rgb(image))
    if result.boxes is None:
        return []
    out = []
    for box in result.boxes:
        xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
        if x1 - x0 >= 4 and y1 - y0 >= 4:
            out.append((x1 - x0, y1 - y0, image.crop((int(x0), int(y0), int(x1) + 1, int(y1) + 1))))
    return out


def _mean_score(crops: list) -> float:
    engine = _engine(False, False, True)
    scores = []
    for crop in crops:
        result = engine(_rgb(crop))
        scores.extend(float(s) for s in (result.scores or [0.0]))
    return sum(scores) / len(scores) if scores else 0.0
