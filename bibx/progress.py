"""What a long run tells while it works: the step, entries settled, requests sent and planned,
what is being waited for, and the time left.

A live run of a few hundred entries takes minutes by arXiv's rules (one request every 3 s), so
the user is told up front how long a step will take at least (`planned`), and then how far it
is. `Progress` tells nothing (a library user, a test, `-q`); `Console` draws one status line on
a terminal, rewritten in place, and plain lines now and then when stderr is a file or a pipe.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

# service -> (requests at least, seconds at least at its rate limits)
Plan = dict[str, tuple[int, float]]

# What a command tells as it goes, line by line: report(level, message), levels "error",
# "warning", "merged", "duplicate", "change", "info" (bibx/run.py).
Report = Callable[[str, str], None]


def ignore(level: str, message: str) -> None:
    """A `report` that keeps nothing."""


class Progress:
    """The events of a run; each does nothing here."""

    def stage(self, text: str) -> None:
        """A new step begins ("searching 40 titles in arxiv, crossref")."""

    def planned(self, plan: Plan) -> None:
        """The step will send at least these requests, taking at least these seconds."""

    def settled(self, done: int, total: int) -> None:
        """`done` of `total` entries are decided."""

    def sent(self, service: str) -> None:
        """A request went to `service` (cache hits are not requests)."""

    def waiting(self, service: str, seconds: float) -> None:
        """A request waits `seconds` for `service`'s rate limit (or a Retry-After)."""

    def clear(self) -> None:
        """Make room for a line of output (a terminal's status line is wiped)."""


def duration(seconds: float) -> str:
    """`42 s`, `3 min 5 s`, `1 h 2 min`: for people, not machines."""
    seconds = max(0, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60} min"


def describe_plan(plan: Plan) -> str:
    """`at least 12 s at the services' rate limits (arxiv 4 requests, crossref 10)`."""
    asked = {name: pair for name, pair in plan.items() if pair[0]}
    if not asked or max(seconds for _, seconds in asked.values()) < 1:
        return ""  # a second or less: not worth a line
    longest = max(seconds for _, seconds in asked.values())
    parts = [f"{name} {n} request{'s' * (n != 1)}" for name, (n, _) in asked.items()]
    return f"at least {duration(longest)} at the services' rate limits ({', '.join(parts)})"


class Console(Progress):
    """Progress on a stream: a status line on a terminal, a line every `every` seconds (and a
    wait of `long_wait` seconds or more) otherwise."""

    BAR = 20

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        live: bool | None = None,
        every: float = 30.0,
        long_wait: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.every, self.long_wait, self.clock = every, long_wait, clock
        self._lock = threading.Lock()
        self._step = ""
        self._done = self._total = 0
        self._sent = self._planned = 0
        self._until: float | None = None  # when the step's planned time is up
        self._wait = ""
        self._last_line = clock()
        self._shown = False

    # ---------------------------------------------------------------- events

    def stage(self, text: str) -> None:
        with self._lock:
            self._step, self._wait = text, ""
            self._sent = self._planned = 0
            self._until = None
            self._line(f"{text} ...")

    def planned(self, plan: Plan) -> None:
        if not plan:
            return
        said = describe_plan(plan)
        with self._lock:
            self._planned = sum(n for n, _ in plan.values())
            self._sent = 0
            self._until = self.clock() + max(seconds for _, seconds in plan.values())
            if said:
                self._line(f"  {said}")

    def settled(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total
            self._draw()

    def sent(self, service: str) -> None:
        with self._lock:
            self._sent += 1
            self._wait = ""
            self._draw()

    def waiting(self, service: str, seconds: float) -> None:
        with self._lock:
            self._wait = f"waiting {seconds:.1f} s for {service}"
            if not self.live and seconds >= self.long_wait:
                self._line(f"  {self._wait}'s rate limit")
            self._draw()

    def clear(self) -> None:
        with self._lock:
            if self.live and self._shown:
                self.stream.write("\r\033[K")
                self.stream.flush()
                self._shown = False

    # ---------------------------------------------------------------- drawing

    def status(self) -> str:
        """The status as one line: what a terminal shows, and what a log gets now and then."""
        parts = [self._step] if self._step else []
        if self._total:
            parts.append(f"{self._done}/{self._total} entries settled")
        if self._planned:
            parts.append(f"{self._sent}/{max(self._planned, self._sent)} requests")
        if self._wait:
            parts.append(self._wait)
        if self._until is not None:
            left = self._until - self.clock()
            parts.append(f"about {duration(left)} left" if left >= 1 else "finishing")
        return " · ".join(parts)

    def _bar(self) -> str:
        if self._planned:
            share = min(1.0, self._sent / self._planned)
        elif self._total:
            share = self._done / self._total
        else:
            return ""
        filled = round(share * self.BAR)
        return "[" + "#" * filled + "." * (self.BAR - filled) + "] "

    def _draw(self) -> None:
        if self.live:
            self.stream.write(f"\r  {self._bar()}{self.status()}"[:160] + "\033[K")
            self.stream.flush()
            self._shown = True
        elif self.clock() - self._last_line >= self.every:
            self._line(f"  {self.status()}")

    def _line(self, text: str) -> None:
        if self.live and self._shown:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.stream.flush()
        self._shown = False
        self._last_line = self.clock()
