"""Progress of long CLI jobs (ingest, eval, gap) on stderr, as `progress(stage, done, total)` calls."""

from __future__ import annotations

import sys


class ProgressBar:
    """Progress on stderr: tqdm bars on a terminal; elsewhere (a log, CI, a pipe) one plain line
    per stage and about every tenth of it, so a long ingest is never silent."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self._bar = None
        self._stage = None
        self._shown = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        key, _, detail = stage.partition(":")
        if not self.terminal:
            self._line(key, detail.strip(), done, total)
            return
        from tqdm import tqdm

        if key != self._stage:
            if self._bar is not None:
                self._bar.close()
            self._bar = tqdm(total=total, desc=key, file=self.stream, leave=True)
            self._stage = key
        if detail:
            self._bar.set_postfix_str(detail.strip()[:50])
        self._bar.n = done
        self._bar.refresh()
        if done >= total:
            self._bar.close()
            self._bar, self._stage = None, None

    def _line(self, key: str, detail: str, done: int, total: int) -> None:
        tenth = done * 10 // total if total else 10
        if key == self._stage and tenth == self._shown and done < total:
            return
        self._stage, self._shown = key, tenth
        share = f" {done}/{total} ({done * 100 // total}%)" if total else ""
        print(f"stdkb: {key}{share}{' — ' + detail[:60] if detail else ''}", file=self.stream, flush=True)
