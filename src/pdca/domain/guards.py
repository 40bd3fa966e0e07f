"""Guards a scheme can put on a trigger, by name.

A guard reads the cycle's recorded facts and answers whether a move may happen.
Guards are consulted only when a command is checked, never when an event is
applied, so a history replays the same whatever the guards say today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Guard:
    name: str
    #: What must hold, in the words a supervisor reads when it does not.
    requirement: str
    holds: Callable[[Any], bool]


def _task_list_published(cycle: Any) -> bool:
    return bool(cycle.task_list_published)


def _has_tasks(cycle: Any) -> bool:
    return bool(cycle.tasks)


def _all_tasks_completed(cycle: Any) -> bool:
    return all(task.completed for task in cycle.tasks.values())


GUARDS: dict[str, Guard] = {
    g.name: g
    for g in (
        Guard("task_list_published", "任务清单已发布（pdca task publish）", _task_list_published),
        Guard("has_tasks", "任务清单至少有一项任务（pdca task add）", _has_tasks),
        Guard("all_tasks_completed", "任务清单中的任务全部完成", _all_tasks_completed),
    )
}
