"""Sign-in throttling: too many wrong passwords for one user name lock it for a while."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoginThrottle:
    """``max_failures`` wrong passwords for a user name within ``window_s`` seconds lock that
    name for ``lockout_s`` seconds (per process; a correct password is refused while locked).
    """

    max_failures: int = 5
    window_s: float = 900.0
    lockout_s: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _locked_until: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def locked_for(self, username: str) -> float:
        """Seconds the name stays locked (0 when it may try)."""
        key = username.casefold()
        with self._lock:
            until = self._locked_until.get(key, 0.0)
            left = until - self.clock()
            if left <= 0 and key in self._locked_until:
                del self._locked_until[key]
            return max(left, 0.0)

    def failed(self, username: str) -> bool:
        """Record a wrong password; True when this failure locks the name."""
        key = username.casefold()
        now = self.clock()
        with self._lock:
            recent = self._failures.setdefault(key, deque())
            recent.append(now)
            while recent and recent[0] <= now - self.window_s:
                recent.popleft()
            if len(recent) < self.max_failures:
                return False
            self._locked_until[key] = now + self.lockout_s
            del self._failures[key]
            return True

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.casefold(), None)
