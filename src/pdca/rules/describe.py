"""One-line Chinese summaries of events, for ``pdca history`` and the like."""

from __future__ import annotations

from typing import Any

from pdca.rules.schemes import Scheme

TYPE_LABELS = {
    "Opened": "开启周期",
    "StageAdvanced": "推进阶段",
    "TaskAdded": "添加任务",
    "TaskListPublished": "发布任务清单",
    "Registered": "登记单位",
    "TaskReported": "任务进度",
    "TaskCompleted": "任务完成",
    "FindingRecorded": "督查发现",
    "ItemScored": "指标得分",
    "PointScored": "采分点得分",
    "OpinionRecorded": "评价意见",
    "BallotsIssued": "发放测评票",
    "BallotsIssuedToRater": "向评价单位发放测评票",
    "BallotCast": "测评票",
    "BallotTokensUsed": "令牌已用",
    "BallotCounted": "测评票",
    "BallotBoxClosed": "关闭票箱",
    "VetoApplied": "一票否决",
    "ComponentNotApplicable": "不适用认定",
    "ItemNotApplicable": "指标不适用认定",
    "FactWithdrawn": "撤回记录",
    "FactAmended": "更正记录",
    "ProblemsCarriedIn": "结转老问题",
    "UnitStepRecorded": "单位步骤",
    "UnitStepReviewed": "审核单位步骤",
    "AppealLodged": "申诉",
    "AppealDecided": "复核决定",
    "CarriedProblemClosed": "老问题销号",
    # A rectification item's (整改事项, ``pdca rectify show``).
    "Ordered": "交办整改",
    "ProgressReported": "整改进展",
    "Submitted": "提交验收",
    "Verified": "验收",
    "DeadlineExtended": "延长期限",
    "Escalated": "逾期督办",
    "CarriedOver": "结转下一周期",
}


def type_label(event_type: str) -> str:
    return TYPE_LABELS.get(event_type, event_type)


def attached(refs: Any) -> str:
    """``；附件：a.pdf、b.jpg`` after a summary; nothing for an event with none."""
    names = [r.get("name", "") for r in refs or () if isinstance(r, dict)]
    return f"；附件：{'、'.join(names)}" if names else ""


def describe(event: Any, scheme: Scheme) -> str:
    return _describe(event, scheme) + attached(getattr(event, "attachments", ()))


def _describe(event: Any, scheme: Scheme) -> str:
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
    summaries = {
        "TaskReported": lambda e: (
            f"任务 #{e.task_no} 进度 {e.progress}%" + (f"：{e.note}" if e.note else "")
        ),
        "TaskCompleted": lambda e: (
            f"任务 #{e.task_no} 完成" + (f"，质量 {e.quality}" if e.quality else "")
        ),
        "FindingRecorded": lambda e: (
            f"{e.source} {e.indicator} {e.points}，发现于 {e.observed_on}：{e.evidence}"
        ),
        "ItemScored": lambda e: f"{e.item} = {e.value}：{e.evidence}",
        "PointScored": lambda e: f"{e.item}.{e.point} = {e.value}：{e.evidence}",
        "OpinionRecorded": lambda e: f"{e.item}：{e.opinion}（{e.evidence}）",
        "BallotsIssued": lambda e: f"{e.group} {len(e.token_digests)} 张",
        "BallotsIssuedToRater": lambda e: (
            f"{e.group} {len(e.token_digests)} 张，评价{'单位' if e.rater_unit else '联系片'} "
            f"{e.rater_unit or e.rater_grid}"
        ),
        "BallotCast": lambda e: f"{e.group} 合计 {sum(e.scores.values())}",
        "BallotTokensUsed": lambda e: (
            f"{len(e.token_digests)} 张令牌已用" + ("，票入票箱" if e.boxed else "，票随批记录")
        ),
        "BallotCounted": lambda e: f"{e.group} 合计 {sum(e.scores.values())}",
        "BallotBoxClosed": lambda e: (
            f"{e.group} 票箱开箱，计入 {e.count} 张（顺序已打乱）"
            + (f"；{e.missing} 张已用令牌的票未入箱" if e.missing else "")
        ),
        "VetoApplied": lambda e: (
            f"{e.rule}：{e.reason}（证据：{e.evidence}"
            + (f"，查实于 {e.observed_on}" if e.observed_on else "")
            + "）"
        ),
        "ComponentNotApplicable": lambda e: f"{e.component} 不适用：{e.reason}",
        "ItemNotApplicable": lambda e: f"指标 {e.item} 不适用：{e.reason}",
        "FactWithdrawn": lambda e: f"撤回 #{e.fact_position}：{e.reason}",
        "FactAmended": lambda e: f"#{e.fact_position} 更正为 {e.value}：{e.reason}",
        "ProblemsCarriedIn": lambda e: "；".join(
            f"{i['item'][:8]}「{i['problem']}」（{i['from_cycle']}）" for i in e.items
        ),
        "CarriedProblemClosed": lambda e: f"{e.item[:8]} 于 {e.on} 销号",
        "UnitStepRecorded": lambda e: (
            f"{_step_label(scheme, e.step)}：{e.text}（依据：{e.evidence}）"
        ),
        "UnitStepReviewed": lambda e: (
            f"#{e.fact_position} {'批准' if e.approved else '不批准'}：{e.reason}"
        ),
        "AppealLodged": lambda e: f"申诉：{e.reason}（依据：{e.evidence}）",
        "AppealDecided": lambda e: (
            f"申诉 #{e.appeal_position} 复核{'支持' if e.upheld else '驳回'}：{e.reason}"
        ),
    }
    summary = summaries.get(kind)
    return summary(event) if summary else type_label(kind)


def _step_label(scheme: Scheme, step_id: str) -> str:
    found = scheme.rules.unit_step(step_id)
    return f"{found.label}（{step_id}）" if found else step_id


def describe_rectification(kind: str, fields: dict[str, Any]) -> str:
    return _describe_rectification(kind, fields) + attached(fields.get("attachments"))


def _describe_rectification(kind: str, fields: dict[str, Any]) -> str:
    """One line for a rectification item's event, from its stored fields."""

    def said(key: str, before: str = "：") -> str:
        return f"{before}{fields[key]}" if fields.get(key) else ""

    if kind == "Ordered":
        finding = f"，来源发现 #{fields['finding']}" if fields.get("finding") else ""
        return (
            f"交办「{fields['problem']}」（{fields['cycle']}{finding}），责任人 {fields['owner']}，"
            f"期限 {fields['due']}，交办日期 {fields['ordered_on']}"
        )
    if kind == "ProgressReported":
        return f"{fields['on']} 报告进展{said('note')}"
    if kind == "Submitted":
        return f"{fields['on']} 提交验收{said('note')}"
    if kind == "Verified":
        if fields.get("accepted"):
            return f"{fields['on']} 验收通过，销号{said('reason')}"
        return f"{fields['on']} 验收不通过，退回整改{said('reason')}"
    if kind == "DeadlineExtended":
        return f"期限延至 {fields['due']}{said('reason')}"
    if kind == "Escalated":
        return f"{fields['on']} 逾期督办第 {fields['level']} 级：{fields['measure']}"
    if kind == "CarriedOver":
        return f"未销号，结转至 {fields['to_cycle']}"
    return type_label(kind)
