"""A page image made fit to read (issue 32): grey by the red channel (a red seal fades), straightened
(a page fed a degree or two askew), and without the ruling lines of tables. Pure functions of a PIL
image; the engines never see what these take away."""

from __future__ import annotations

RULE_SHARE = 0.08             # a straight run of ink this share of the page wide is a ruling line
MAX_SKEW = 5.0                # degrees a page may lie askew on the scanner and be straightened


def to_grey(image):
    """A page image in grey by its red channel: black print stays black, and a red seal stamped
    across the text (公章) turns pale instead of a grey blot over the characters it covers."""
    if image.mode in ("L", "1"):
        return image.convert("L")
    return image.convert("RGB").getchannel("R")


def skew(image) -> float:
    """Degrees (anticlockwise, as PIL turns) that straighten a page fed a little askew; 0.0 when it
    lies straight. Lines of print make the row sums of a straight page alternate sharply between
    ink and paper; the angle whose turn makes them alternate most (the largest variance) is the
    one, searched on a small copy in half degrees, then in tenths. A skewed page otherwise gives
    boxes so tall that neighbouring lines are taken for one row."""
    import numpy as np

    small = image.copy()
    small.thumbnail((800, 800))
    ink = small.point(lambda v: 255 if v < 160 else 0)     # ink white on black, for rotate's fill

    def sharpness(angle: float) -> float:
        return float(np.asarray(ink.rotate(angle, resample=bicubic()), dtype=np.float32).sum(axis=1).var())

    if not np.asarray(ink).any():
        return 0.0
    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    # Less than a quarter degree shifts a line end by two pixels: not worth resampling the page.
    return 0.0 if abs(best) < 0.25 else round(float(best), 2)


def without_rules(image):
    """The page with the ruling lines of tables (and underlines, frames) painted out: a run of ink
    longer than RULE_SHARE of the page's width, across or down, is a line, not a character, and an
    engine reading a grid takes its lines for strokes (Tesseract read a ruled table as 'DIEIITIT')."""
    import numpy as np
    from PIL import Image

    a = np.asarray(image)
    ink = a < 128
    length = max(20, int(RULE_SHARE * image.width))
    rules = _long_runs(ink, length, axis=1) | _long_runs(ink, length, axis=0)
    if not rules.any():
        return image
    out = a.copy()
    out[rules] = 255
    return Image.fromarray(out)


def _long_runs(ink, length: int, axis: int):
    """Pixels that lie on a run of at least `length` ink pixels along `axis` (an opening of the
    ink by a 1×length line: the windows all ink, spread back over the pixels they cover)."""
    import numpy as np

    ink = ink if axis == 1 else ink.T
    padded = np.concatenate([np.zeros((ink.shape[0], 1), dtype=np.int32), np.cumsum(ink, axis=1, dtype=np.int32)], axis=1)
    full = (padded[:, length:] - padded[:, :-length]) == length          # window starting at j all ink
    starts = np.concatenate([np.zeros((ink.shape[0], 1), dtype=np.int32), np.cumsum(full, axis=1, dtype=np.int32)], axis=1)
    # pixel j is covered when a full window starts in (j - length, j]
    j = np.arange(ink.shape[1])
    hi = np.minimum(j + 1, full.shape[1])
    lo = np.clip(j - length + 1, 0, full.shape[1])
    cover = (starts[:, hi] - starts[:, lo]) > 0
    return cover if axis == 1 else cover.T


def bicubic():
    from PIL import Image

    return Image.Resampling.BICUBIC
