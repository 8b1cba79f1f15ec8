"""Chosen crash points, so crash-safety tests kill an ingest where they mean to, not where luck lands.

The write path calls `reached(stage)` at each step whose interruption it must survive. A plan such
as "document-vectors:3" makes the process SIGKILL itself the third time that stage is reached: the
same abrupt end as a power cut or the OOM killer, at a moment the test chose. The default plan
does nothing. `evaluation/crash_loop.py` draws plans from a seeded random schedule.
"""

from __future__ import annotations

import os
import signal

# Every stage the write path announces, in the order one document goes through them.
STAGES = (
    "model-trained",        # the domain model is saved, not yet swapped in
    "model-link-removed",   # the old model link is gone, the new one not yet renamed into place
    "stored-reembedded",    # one stored document re-embedded with a new model
    "document-pending",     # a document is hidden (pending), its old vectors still there
    "document-complete",    # its clauses are written and it is visible again, without vectors
    "document-vectors",     # its new vectors are written
    "removal-hidden",       # a document being deleted is hidden, its vectors still there
)


class FaultPlan:
    """Kill this process at the Nth arrival at one stage ("STAGE:N"); an empty plan never kills."""

    def __init__(self, spec: str = ""):
        self.stage, self.at = "", 0
        if spec:
            stage, _, n = spec.partition(":")
            if stage not in STAGES or not n.isdigit() or int(n) < 1:
                raise ValueError(f"fault plan '{spec}': expected STAGE:N with STAGE one of {', '.join(STAGES)}")
            self.stage, self.at = stage, int(n)
        self._seen = 0

    def reached(self, stage: str) -> None:
        if stage != self.stage:
            return
        self._seen += 1
        if self._seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


NO_FAULTS = FaultPlan()
