"""One-line Chinese summaries of events, for ``pdca history`` and the like."""

from __future__ import annotations

from typing import Any

from pdca.schemes import Scheme

TYPE_LABELS = {
    "Opened": "开启周期",
    "StageAdvanced": "推进阶段",
    "TaskAdded": "添加任务",
    "TaskListPublished": "发布任务清单",
    "Registered": "登记单位",
}


def type_label(event_type: str) -> str:
    return TYPE_LABELS.get(event_type, event_type)


def describe(event: Any, scheme: Scheme) -> str:
    kind = type(event).__name__
    if kind == "Opened":
        return (
            f"开启 {event.unit}/{event.period}，方案 {event.scheme_id}@{event.scheme_version}"
            f"（摘要 {event.scheme_digest[:12]}），初始阶段{scheme.stage_label(event.stage)}"
        )
    if kind == "StageAdvanced":
        reason = f"，理由：{event.reason}" if event.reason else ""
        return (
            f"{scheme.stage_label(event.from_stage)} → {scheme.stage_label(event.to_stage)}"
            f"（{event.trigger}）{reason}"
        )
    if kind == "TaskAdded":
        indicator = f"，指标 {event.indicator}" if event.indicator else ""
        return (
            f"任务 #{event.task_no}「{event.title}」，截止 {event.deadline.isoformat()}{indicator}"
        )
    if kind == "TaskListPublished":
        return f"任务清单发布，共 {event.task_count} 项"
    return type_label(kind)
