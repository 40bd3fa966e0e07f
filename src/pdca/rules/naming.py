"""What a name means in a scheme: a thing's id, or its Chinese label, stands for it.

People read the labels (``scheme show``, ``explain``) and type them: ``--indicator
纪律性`` means ``discipline``. Every use case that takes an id of a scheme's things
(catalogue items, ledger indicators, components, ballot groups and ballot items,
vetoes, triggers) asks ``resolve`` here, so the answer is one and the same everywhere.

An id wins over a label (ids are what history stores); a label that several things
share is refused, listing the ids it could mean.
"""

from __future__ import annotations

from collections.abc import Iterable

from pdca.errors import RuleViolation, one_of
from pdca.rules.schemes import Scheme

#: Each kind of thing, as a refusal names it.
KINDS = {
    "item": "指标",
    "indicator": "台账指标",
    "component": "组成部分",
    "group": "评议群体",
    "ballot_item": "测评项目",
    "veto": "否决规则",
    "trigger": "触发器",
}


def things(scheme: Scheme, kind: str) -> list[tuple[str, str]]:
    """``(id, label)`` of every thing of ``kind`` in ``scheme``, in the scheme's order."""
    if kind == "trigger":
        return list(dict.fromkeys((t.name, t.label) for t in scheme.triggers))
    rules = scheme.rules
    found: Iterable[object]
    if kind == "item":
        found = [i for c in rules.categories for i in c.items]
    elif kind == "indicator":
        found = rules.ledger_indicators
    elif kind == "component":
        found = rules.components
    elif kind == "group":
        found = rules.ballot.groups if rules.ballot else ()
    elif kind == "ballot_item":
        # What a ballot may fill in: each item and its 采分点 (format 3).
        found = rules.ballot.accepted() if rules.ballot else ()
    elif kind == "veto":
        found = rules.vetoes
    else:
        raise ValueError(f"no kind {kind!r}; kinds: {', '.join(KINDS)}")
    return [(t.id, t.label) for t in found]  # type: ignore[attr-defined]


def resolve(scheme: Scheme, kind: str, text: str, *, unknown_as_is: bool = False) -> str:
    """The id ``text`` names among the scheme's things of ``kind``: an id as it is, else
    the one thing labelled ``text``. Refuse a label several things share, naming their
    ids; refuse a name nothing has, listing what there is — or, with ``unknown_as_is``,
    return it for the caller to refuse in its own words."""
    known = things(scheme, kind)
    name = text.strip()
    if any(thing_id == name for thing_id, _ in known):
        return name
    meant = list(dict.fromkeys(thing_id for thing_id, label in known if label == name))
    if len(meant) == 1:
        return meant[0]
    what = KINDS[kind]
    if meant:
        raise RuleViolation(
            f"{what} '{name}' 不明确：方案 {scheme.ref} 中有 {len(meant)} 个{what}叫这个名称"
            f"（{one_of(meant)}）；请用 ID"
        )
    if unknown_as_is:
        return text
    raise RuleViolation(
        f"未知{what} '{name}'；方案 {scheme.ref} 的{what}（ID 或名称）：{listed(known)}"
    )


def listed(known: list[tuple[str, str]]) -> str:
    """``discipline（纪律性）、…``: each thing's id and, where it differs, its label."""
    return one_of(
        thing_id if label == thing_id else f"{thing_id}（{label}）" for thing_id, label in known
    )


def resolve_target(scheme: Scheme, text: str) -> tuple[str, str | None]:
    """What ``score record`` names: a catalogue item ``(item, None)``, or one 采分点 of an
    item scored by its points ``(item, point)`` — written ``ITEM.POINT`` (each part an id
    or a label) or as the point's own id or label where no other point shares it."""
    rules = scheme.rules
    if rules.item(text) is not None:
        return text, None  # an id, as stored: no label to look through (an import's cells)
    as_item = resolve(scheme, "item", text, unknown_as_is=True)
    if rules.item(as_item) is not None:
        return as_item, None
    name = text.strip()
    pointed = [i for c in rules.categories for i in c.items if i.scored_points]
    if "." in name:
        head, _, tail = name.rpartition(".")
        item_id = resolve(scheme, "item", head, unknown_as_is=True)
        found = rules.item(item_id)
        if found is not None and found[1].scored_points:
            item = found[1]
            ids = [p.id for p in item.points if tail in (p.id, p.label)]
            if ids:
                return item.id, ids[0]
            raise RuleViolation(
                f"指标 {item.id} 没有采分点 '{tail}'；其采分点："
                f"{listed([(f'{item.id}.{p.id}', p.label) for p in item.points])}"
            )
    for attribute in ("id", "label"):
        meant = [(i.id, p.id) for i in pointed for p in i.points if getattr(p, attribute) == name]
        if len(meant) == 1:
            return meant[0]
        if meant:
            raise RuleViolation(
                f"采分点 '{name}' 不明确：方案 {scheme.ref} 中有 {len(meant)} 个采分点叫这个名称"
                f"（{one_of(f'{i}.{p}' for i, p in meant)}）；请写成 指标.采分点"
            )
    points = (
        "；采分点写成 指标.采分点（如 " + f"{pointed[0].id}.{pointed[0].points[0].id}）"
        if pointed
        else ""
    )
    raise RuleViolation(
        f"未知指标 '{name}'；方案 {scheme.ref} 的指标（ID 或名称）：{listed(things(scheme, 'item'))}{points}"
    )
