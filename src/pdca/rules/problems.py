"""What is wrong with a scheme file, gathered whole so an admin fixes it in one pass.

Two kinds of problem are collected: a *shape* problem (an unknown key, a value of the
wrong type, found against the declaration in ``scheme_format``) and a *rule* problem
(weights that do not sum to 100, a trigger to an unknown stage). A rule check over a
part whose shape is already wrong would only repeat the same fault in other words, so
it is dropped.
"""

from __future__ import annotations


class Problems:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.items: list[str] = []
        self.warnings: list[str] = []
        self._shape: list[str] = []

    def shape(self, key: str, message: str) -> None:
        """A key path whose shape breaks the declaration."""
        self._shape.append(key)
        self.items.append(f"{key}: {message}")

    def add(self, key: str, message: str) -> None:
        """A broken rule; said only when nothing above, at or under ``key`` is misshapen."""
        if any(_related(s, key) for s in self._shape):
            return
        self.items.append(f"{key}: {message}")

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(f"{key}: {message}")

    def message(self) -> str:
        listed = "；".join(f"{n}) {p}" for n, p in enumerate(self.items, 1))
        return f"方案文件无效 {self.origin}：{len(self.items)} 处问题：{listed}"


def _related(a: str, b: str) -> bool:
    """Whether one key path is the other or lies under it."""
    return a == b or a.startswith((f"{b}.", f"{b}[")) or b.startswith((f"{a}.", f"{a}["))
