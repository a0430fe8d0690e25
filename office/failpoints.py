"""Named failpoints: places where a test may have a real dispatch kill itself.

Off unless armed by the setting ``failpoints`` (``RESIDEGI_FAILPOINTS``; only tests set it):
``after_number_commit=5`` kills the process, with SIGKILL and no clean-up, at the fifth time
that point is reached.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from dataclasses import dataclass, field

POINTS = frozenset({"after_number_commit", "after_pdf_stored", "before_state_commit"})


@dataclass
class Failpoints:
    armed: dict[str, int] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)

    @classmethod
    def parse(cls, spec: str) -> Failpoints:
        """Failpoints armed by ``name=N[,name=N…]`` (the setting); unknown names refused."""
        armed: dict[str, int] = {}
        for item in filter(None, spec.split(",")):
            name, _, count = item.partition("=")
            if name not in POINTS or not count.isdigit():
                raise ValueError(f"bad failpoint {item!r}; known: {sorted(POINTS)}")
            armed[name] = int(count)
        return cls(armed)

    def hit(self, name: str) -> None:
        """Reached ``name``: die here if it is armed for this hit."""
        self.hits[name] += 1
        if self.armed.get(name) == self.hits[name]:
            os.kill(os.getpid(), signal.SIGKILL)
