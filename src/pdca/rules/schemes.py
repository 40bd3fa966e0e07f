"""Workflow definitions (考核方案): a TOML file → a frozen ``Scheme``.

Two ways in:

- ``load_file``/``parse``: a file an admin offers (``scheme validate``, ``scheme list``,
  ``cycle open``). It is checked whole against the declared format
  (``scheme_format``, through ``scheme_check``) and its rules (``scoring_read``); every
  problem is listed, each with its key path, in one message.
- ``pinned``: the exact text a cycle was opened with, stored in its history. It is never
  re-validated, so a format that grows stricter never makes old history unreadable: the
  workflow is read here without the validation library (``cycle status`` and
  ``cycle advance`` start fast), the scoring rules on first use, as pdca read them when
  the cycle was opened (format 1: the text carries no ``format`` key).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdca.domain.guards import GUARDS
from pdca.errors import SchemeInvalid
from pdca.hashes import sha256
from pdca.rules.problems import Problems
from pdca.rules.scheme_text import format_of, read_file, read_table

if TYPE_CHECKING:
    from pdca.rules.scoring_rules import Rules

#: The four PDCA phases plus the end state, in the order every cycle runs them.
PHASES: tuple[str, ...] = ("plan", "do", "check", "act", "closed")
PHASE_LABELS: dict[str, str] = {
    "plan": "计划",
    "do": "执行",
    "check": "督查",
    "act": "处理",
    "closed": "已结束",
}
SUBSTAGE_SEPARATOR = "."


@dataclass(frozen=True)
class Stage:
    """A state a cycle can be in: a phase, or a sub-stage of one (``check.on_site``)."""

    id: str
    label: str
    phase: str
    #: Format 3: the facts this sub-stage lets be recorded (``ballots:leaders``); None:
    #: whatever its phase allows.
    #: (Not in the repr: tests/unit/test_pinned_texts.py pins how older texts read.)
    records: tuple[str, ...] | None = field(default=None, repr=False)
    #: Format 3: the move out of it must be made by someone outside the unit's teams.
    approver_outside_team: bool = field(default=False, repr=False)

    def allows(self, kind: str, detail: str | None) -> bool:
        """Whether a fact of ``kind`` (of a ballot group or a component: ``detail``) may
        be recorded here."""
        if self.records is None:
            return True
        return any(
            r == kind or (detail is not None and r == f"{kind}:{detail}") for r in self.records
        )

    @property
    def full_label(self) -> str:
        if self.id == self.phase:
            return self.label
        return f"{PHASE_LABELS[self.phase]}·{self.label}"


@dataclass(frozen=True)
class Trigger:
    """A named move between stages, allowed only when all its guards hold."""

    name: str
    label: str
    sources: tuple[str, ...]
    dest: str
    guards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scheme:
    id: str
    version: str
    name: str
    source: str
    initial: str
    stages: tuple[Stage, ...]
    triggers: tuple[Trigger, ...]
    text: str = field(repr=False)
    digest: str
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)
    warnings: tuple[str, ...] = ()
    format: int = 1

    @cached_property
    def rules(self) -> Rules:
        """The scoring content. Read on first use: moving a cycle through its stages
        does not need it, and a supervisor's command should not pay for it."""
        from pdca.rules.scoring_read import rules_of

        return rules_of(self.data)

    @property
    def teams(self) -> tuple[dict[str, Any], ...]:
        """Format 3 ``[[teams]]``: id, label, grids and categories of each team."""
        raw = self.data.get("teams", []) if self.format >= 3 else []
        return tuple(
            {
                "id": str(t.get("id")),
                "label": str(t.get("label")),
                "grids": [str(g) for g in t.get("grids", [])],
                "categories": [str(c) for c in t.get("categories", [])],
            }
            for t in raw
            if isinstance(t, dict)
        )

    def team(self, name: str) -> dict[str, Any] | None:
        """The team whose id or label is ``name``."""
        return next((t for t in self.teams if name in (t["id"], t["label"])), None)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def stage_label(self, stage_id: str) -> str:
        try:
            return self.stage(stage_id).full_label
        except KeyError:
            return stage_id

    def triggers_from(self, stage_id: str) -> list[Trigger]:
        return [t for t in self.triggers if stage_id in t.sources]

    def trigger(self, name: str) -> Trigger | None:
        return next((t for t in self.triggers if t.name == name), None)


@lru_cache(maxsize=64)
def pinned(text: str) -> Scheme:
    """The scheme a cycle was opened with, from the text stored in its history."""
    return parse(text, origin="（周期锁定的方案）", strict=False)


def digest_of(text: str) -> str:
    return sha256(text.encode("utf-8")).hexdigest()


def load_file(path: Path) -> Scheme:
    """Read and check one scheme file; raise ``SchemeInvalid`` listing every problem."""
    return parse(read_file(path), origin=str(path))


def parse(text: str, origin: str = "<方案>", strict: bool = True) -> Scheme:
    """``strict``: check the text whole; otherwise read it as a cycle pinned it."""
    data = read_table(text, origin)
    problems = Problems(origin)
    if not strict:
        version = format_of(data, origin)
        scheme = _build(data, text, problems)
        if scheme is None:
            raise SchemeInvalid(problems.message())
        return replace(scheme, format=version)
    from pdca.rules.scheme_check import check
    from pdca.rules.scoring_read import read_rules

    declared = check(data, problems)
    scheme = _build(data, text, problems)
    rules = read_rules(declared, problems)
    if problems.items or scheme is None:
        raise SchemeInvalid(problems.message())
    scheme = replace(scheme, warnings=tuple(problems.warnings), format=declared.format)
    scheme.__dict__["rules"] = rules
    return scheme


def _text(
    table: dict[str, Any], key: str, where: str, problems: Problems, default: str | None = None
) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        problems.add(f"{where}.{key}", "必须是非空字符串")
        return default or ""
    return value


def _build(data: dict[str, Any], text: str, problems: Problems) -> Scheme | None:
    meta = data.get("scheme")
    if not isinstance(meta, dict):
        problems.add("scheme", "缺少 [scheme] 表（id、version、name）")
        meta = {}
    scheme_id = _text(meta, "id", "scheme", problems)
    version = _text(meta, "version", "scheme", problems)
    name = _text(meta, "name", "scheme", problems)
    source = str(meta.get("source", ""))

    workflow = data.get("workflow")
    if not isinstance(workflow, dict):
        problems.add("workflow", "缺少 [workflow] 表（stages、triggers）")
        return None
    stages, parents = _stages(workflow.get("stages"), problems)
    stage_ids = {s.id for s in stages}
    initial = _resolve_dest(str(workflow.get("initial", "plan")), parents, stages)
    if initial not in stage_ids:
        problems.add(
            "workflow.initial", f"未知阶段 '{initial}'；允许：{'、'.join(s.id for s in stages)}"
        )
    triggers = _triggers(workflow.get("triggers"), stages, parents, initial, problems)
    return Scheme(
        id=scheme_id,
        version=version,
        name=name,
        source=source,
        initial=initial,
        stages=tuple(stages),
        triggers=tuple(triggers),
        text=text,
        digest=digest_of(text),
        data=data,
    )


def _stages(raw: Any, problems: Problems) -> tuple[list[Stage], dict[str, list[str]]]:
    """Flatten phases and sub-stages into leaf states, in order."""
    if not isinstance(raw, list) or not raw:
        problems.add("workflow.stages", f"必须列出阶段：{'、'.join(PHASES)}")
        raw = [{"id": p} for p in PHASES]
    stages: list[Stage] = []
    parents: dict[str, list[str]] = {}
    seen_phases: list[str] = []
    for n, entry in enumerate(raw):
        where = f"workflow.stages[{n}]"
        if not isinstance(entry, dict):
            problems.add(where, "必须是表")
            continue
        phase = entry.get("id")
        if phase not in PHASES:
            problems.add(f"{where}.id", f"'{phase}' 不是阶段；允许：{'、'.join(PHASES)}")
            continue
        seen_phases.append(phase)
        label = entry.get("label", PHASE_LABELS[phase])
        subs = entry.get("substages", [])
        if not isinstance(subs, list):
            problems.add(f"{where}.substages", "必须是表的数组")
            subs = []
        if not subs:
            stages.append(Stage(phase, str(label), phase))
            continue
        parents[phase] = []
        for m, sub in enumerate(subs):
            sub_where = f"{where}.substages[{m}]"
            if not isinstance(sub, dict):
                problems.add(sub_where, "必须是表")
                continue
            sub_id = _text(sub, "id", sub_where, problems)
            sub_label = _text(sub, "label", sub_where, problems, default=sub_id)
            full = f"{phase}{SUBSTAGE_SEPARATOR}{sub_id}"
            parents[phase].append(full)
            records = sub.get("records")
            stages.append(
                Stage(
                    full,
                    sub_label,
                    phase,
                    tuple(str(r) for r in records) if isinstance(records, list) else None,
                    sub.get("approver_outside_team") is True,
                )
            )
    if seen_phases != list(PHASES):
        problems.add(
            "workflow.stages",
            f"阶段必须依次为 {'→'.join(PHASES)}，实际为 {'→'.join(seen_phases) or '（无）'}",
        )
    ids = [s.id for s in stages]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.add("workflow.stages", f"阶段 '{dup}' 重复")
    return stages, parents


def _resolve_dest(name: str, parents: dict[str, list[str]], stages: list[Stage]) -> str:
    """A phase with sub-stages is entered at its first sub-stage."""
    children = parents.get(name)
    return children[0] if children else name


def _resolve_sources(name: str, parents: dict[str, list[str]]) -> list[str]:
    """A phase with sub-stages, as a source, stands for every one of them."""
    return list(parents.get(name, [name]))


def _triggers(
    raw: Any, stages: list[Stage], parents: dict[str, list[str]], initial: str, problems: Problems
) -> list[Trigger]:
    if not isinstance(raw, list) or not raw:
        problems.add("workflow.triggers", "必须至少定义一个触发器 [[workflow.triggers]]")
        return []
    stage_ids = [s.id for s in stages]
    triggers: list[Trigger] = []
    names: list[str] = []
    for n, entry in enumerate(raw):
        where = f"workflow.triggers[{n}]"
        if not isinstance(entry, dict):
            problems.add(where, "必须是表")
            continue
        name = _text(entry, "name", where, problems)
        if name and not name.isidentifier():
            problems.add(f"{where}.name", f"'{name}' 必须是英文标识符（字母、数字、下划线）")
        names.append(name)
        label = _text(entry, "label", where, problems, default=name)
        raw_sources = entry.get("source")
        raw_sources = [raw_sources] if isinstance(raw_sources, str) else raw_sources
        sources: list[str] = []
        if not isinstance(raw_sources, list) or not raw_sources:
            problems.add(f"{where}.source", "必须是阶段名或阶段名列表")
            raw_sources = []
        for src in raw_sources:
            resolved = _resolve_sources(str(src), parents)
            for leaf in resolved:
                if leaf not in stage_ids:
                    problems.add(
                        f"{where}.source", f"未知阶段 '{src}'；允许：{'、'.join(stage_ids)}"
                    )
                elif leaf == "closed":
                    problems.add(f"{where}.source", "已结束的周期不能再触发")
                else:
                    sources.append(leaf)
        dest = _resolve_dest(str(entry.get("dest", "")), parents, stages)
        if dest not in stage_ids:
            problems.add(
                f"{where}.dest", f"未知阶段 '{entry.get('dest')}'；允许：{'、'.join(stage_ids)}"
            )
        guards = entry.get("guards", [])
        if not isinstance(guards, list) or not all(isinstance(g, str) for g in guards):
            problems.add(f"{where}.guards", "必须是守卫名列表")
            guards = []
        for guard in guards:
            if guard not in GUARDS:
                problems.add(
                    f"{where}.guards", f"未知守卫 '{guard}'；允许：{'、'.join(sorted(GUARDS))}"
                )
        triggers.append(Trigger(name, label, tuple(sources), dest, tuple(guards)))
    for dup in sorted({x for x in names if x and names.count(x) > 1}):
        # The same name from different sources is how a scheme says "this move
        # exists from several stages"; only an exact duplicate pair is an error.
        pairs = [(s, t.dest) for t in triggers if t.name == dup for s in t.sources]
        if len(pairs) != len(set(pairs)):
            problems.add("workflow.triggers", f"触发器 '{dup}' 在同一阶段重复定义")
    reachable = _reachable(triggers, initial)
    for stage in stages:
        if stage.id not in reachable:
            problems.add("workflow.triggers", f"阶段 '{stage.id}'（{stage.full_label}）无法到达")
    return triggers


def _reachable(triggers: list[Trigger], start: str) -> set[str]:
    seen = {start}
    frontier = [start]
    while frontier:
        current = frontier.pop()
        for t in triggers:
            if current in t.sources and t.dest not in seen:
                seen.add(t.dest)
                frontier.append(t.dest)
    return seen
