"""Named failpoints: places where a test may have a real dispatch kill itself.

Off unless the shell arms them (the CLI reads ``RESIDEGI_FAILPOINTS`` — only tests set it):
``after_number_commit=5`` kills the process, with SIGKILL and no clean-up, at the fifth time
that point is reached.  Nothing else in the code looks at the environment for this.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

POINTS = frozenset({"after_number_commit", "after_pdf_stored", "before_state_commit"})


@dataclass
class Failpoints:
    armed: dict[str, int] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Failpoints:
        """Failpoints armed by ``RESIDEGI_FAILPOINTS=name=N[,name=N…]``; unknown names refused."""
        armed: dict[str, int] = {}
        for item in filter(None, environ.get("RESIDEGI_FAILPOINTS", "").split(",")):
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
