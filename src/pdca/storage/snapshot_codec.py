"""A cycle's folded facts as JSON, and back: the content of a snapshot.

Explicit, never pickled: a pickle read from the database runs code for whoever can
insert a row. Every fact type has its own tag, ``Decimal``s are strings, dates and
instants ISO text, sets sorted lists, and the int-keyed dicts (tasks, facts by
position) lists of records — a JSON transcoder would silently turn their keys into
strings.

The state is stored in two parts: the *head* (stage, tasks, the guard inputs, every
small field) and the *body* (the facts by position, the ballot tokens and the files the
events name), so a command
that needs no facts decodes only the head (``pdca.application.cycle_loading``).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from pdca.domain import facts as f
from pdca.hashes import sha256

#: The fields of ``CycleFacts`` kept in the body; every other field is in the head.
BODY_FIELDS = ("facts", "issued_tokens", "used_tokens", "boxed", "attachments")

#: The fact types a body holds, by the tag it writes (their classes are made on first
#: use, ``pdca.domain.later``: a cycle without such facts never asks for them).
FACT_TYPES = (
    "Finding",
    "ItemScore",
    "PointScore",
    "Opinion",
    "Ballot",
    "VetoRecord",
    "NotApplicable",
    "ItemNotApplicable",
    "UnitStep",
)


def _fold_version() -> str:
    """Changes whenever a folded type gains, loses or renames a field (so a snapshot of
    another shape is ignored); ``1`` is raised by hand when a handler changes meaning."""
    folded = ("CycleFacts", "Task", "Provenance", "Correction", "Appeal", "CarriedProblem")
    shapes = [
        f"{name}:{','.join(x.name for x in dataclasses.fields(getattr(f, name)))}"
        for name in folded + FACT_TYPES
    ]
    return "1-" + sha256("|".join(shapes).encode()).hexdigest()[:16]


def __getattr__(name: str) -> str:
    """``FOLD_VERSION``, computed when first read: it makes every fact type a dataclass,
    which a command that reads or takes no snapshot has no need of."""
    if name != "FOLD_VERSION":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = version = _fold_version()
    return version


# ---- encoding ------------------------------------------------------------------------


def _p(p: f.Provenance | None) -> list[Any] | None:
    return None if p is None else [p.position, p.recorded_at.isoformat(), p.actor]


def _d(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _dec(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def _task(t: f.Task) -> dict[str, Any]:
    return {
        "no": t.no,
        "title": t.title,
        "deadline": _d(t.deadline),
        "indicator": t.indicator,
        "provenance": _p(t.provenance),
        "progress": t.progress,
        "completed": t.completed,
        "quality": t.quality,
        "reports": [[n, note, _p(p)] for n, note, p in t.reports],
        "completion": _p(t.completion),
    }


def _fact(x: f.Fact) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": type(x).__name__,
        "kind": x.kind,
        "provenance": _p(x.provenance),
        "corrections": [[c.kind, _dec(c.value), c.reason, _p(c.provenance)] for c in x.corrections],
    }
    for field in dataclasses.fields(x):
        if field.name in out:
            continue
        value = getattr(x, field.name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, f.Provenance):
            value = _p(value)
        elif isinstance(value, dict):  # a ballot's scores: item -> Decimal
            value = {k: str(v) for k, v in value.items()}
        out[field.name] = value
    return out


def encode_head(facts: f.CycleFacts) -> bytes:
    head = {
        "unit": facts.unit,
        "period": facts.period,
        "scheme_id": facts.scheme_id,
        "scheme_version": facts.scheme_version,
        "scheme_digest": facts.scheme_digest,
        "scheme_text": facts.scheme_text,
        "stage": facts.stage,
        "opened": _p(facts.opened),
        "entered_act": _p(facts.entered_act),
        "stages": [[a, b, t, r, _p(p)] for a, b, t, r, p in facts.stages],
        "tasks": [_task(t) for t in facts.tasks.values()],
        "task_list_published": facts.task_list_published,
        "issue_salts": facts.issue_salts,
        "raters": facts.raters,
        "boxes_closed": facts.boxes_closed,
        "carried": [
            [k, c.item, c.problem, c.from_cycle, _d(c.due), _p(c.provenance), _p(c.closed)]
            for k, c in facts.carried.items()
        ],
        "appeals": [
            [
                a.position,
                a.reason,
                a.evidence,
                _p(a.provenance),
                a.upheld,
                a.decision_reason,
                _p(a.decision),
            ]
            for a in facts.appeals
        ],
        "voided": _p(facts.voided),
        "void_reason": facts.void_reason,
    }
    return orjson.dumps(head)


def encode_body(facts: f.CycleFacts) -> bytes:
    body = {
        "facts": [[k, _fact(x)] for k, x in facts.facts.items()],
        "issued_tokens": facts.issued_tokens,
        "used_tokens": sorted(facts.used_tokens),
        "boxed": facts.boxed,
        "attachments": [[k, kind, refs] for k, kind, refs in facts.attachments],
    }
    return orjson.dumps(body)


# ---- decoding ------------------------------------------------------------------------


def _made(cls: type, values: dict[str, Any]) -> Any:
    """An instance of a dataclass from every one of its fields, without its ``__init__``
    (a frozen one's sets each field through ``object.__setattr__``: thousands of facts
    decode several times faster this way; the encoding holds every field)."""
    made = cls.__new__(cls)
    made.__dict__.update(values)
    return made


def _P(v: list[Any] | None) -> f.Provenance | None:
    if v is None:
        return None
    return _made(  # type: ignore[no-any-return]
        f.Provenance,
        {"position": v[0], "recorded_at": datetime.fromisoformat(v[1]), "actor": v[2]},
    )


_new = object.__new__
_instant = datetime.fromisoformat


def _D(v: str | None) -> date | None:
    return None if v is None else date.fromisoformat(v)


def _untask(d: dict[str, Any]) -> f.Task:
    return f.Task(
        d["no"],
        d["title"],
        _D(d["deadline"]),  # type: ignore[arg-type]
        d["indicator"],
        _P(d["provenance"]),  # type: ignore[arg-type]
        progress=d["progress"],
        completed=d["completed"],
        quality=d["quality"],
        reports=[(n, note, _P(p)) for n, note, p in d["reports"]],  # type: ignore[misc]
        completion=_P(d["completion"]),
    )


_DECIMAL_FIELDS = {"recorded_points", "recorded_value"}
_DATE_FIELDS = {"observed_on"}
_PROVENANCE_FIELDS = {"review"}


#: A fact type, its Decimal, date and provenance fields, and whether it has scores.
_Shape = tuple[type, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]


def _shape(cls: type) -> _Shape:
    """Which of a fact type's fields decode to a ``Decimal``, a date, a provenance, and
    whether it has a ballot's scores: found once per type, not per fact."""
    names = {x.name for x in dataclasses.fields(cls)}
    return (
        cls,
        tuple(sorted(_DECIMAL_FIELDS & names)),
        tuple(sorted(_DATE_FIELDS & names)),
        tuple(sorted(_PROVENANCE_FIELDS & names)),
        "scores" in names,
    )


_SHAPES: dict[str, _Shape] = {}


def _shape_of(name: str) -> _Shape:
    """``_shape`` of the fact type tagged ``name``, found on its first fact."""
    shape = _SHAPES.get(name)
    if shape is None:
        if name not in FACT_TYPES:
            raise KeyError(name)
        shape = _SHAPES[name] = _shape(getattr(f, name))
    return shape


class _Decimals(dict[str, Decimal]):
    """Each figure's text decoded once per body: a long cycle's ballots repeat a handful
    of figures tens of thousands of times (a ``Decimal`` is immutable, so one is shared)."""

    def __missing__(self, text: str) -> Decimal:
        value = self[text] = Decimal(text)
        return value


def _unfact(d: dict[str, Any], decimal: _Decimals) -> f.Fact:
    """A fact from its encoding (``d``, freshly decoded JSON, is used up)."""
    cls, decimals, dates, provenances, scores = _shape_of(d.pop("type"))
    # ``_P`` inlined: every fact has a provenance.
    position, recorded_at, actor = d["provenance"]
    provenance = _new(f.Provenance)
    provenance.__dict__.update(position=position, recorded_at=_instant(recorded_at), actor=actor)
    d["provenance"] = provenance
    corrections = d["corrections"]
    if corrections:
        d["corrections"] = [
            f.Correction(k, None if v is None else Decimal(v), r, _P(p))  # type: ignore[arg-type]
            for k, v, r, p in corrections
        ]
    for name in decimals:
        d[name] = decimal[d[name]]
    for name in dates:
        d[name] = _D(d[name])
    for name in provenances:
        d[name] = _P(d[name])
    if scores:
        d["scores"] = {k: decimal[v] for k, v in d["scores"].items()}
    return _made(cls, d)  # type: ignore[no-any-return]


def decode_head(data: bytes, into: f.CycleFacts | None = None) -> f.CycleFacts:
    """The head's fields set on ``into`` (a new ``CycleFacts`` by default)."""
    h = orjson.loads(data)
    facts = into if into is not None else f.CycleFacts()
    facts.unit, facts.period = h["unit"], h["period"]
    facts.scheme_id, facts.scheme_version = h["scheme_id"], h["scheme_version"]
    facts.scheme_digest, facts.scheme_text = h["scheme_digest"], h["scheme_text"]
    facts.stage = h["stage"]
    facts.opened, facts.entered_act = _P(h["opened"]), _P(h["entered_act"])
    facts.stages = [(a, b, t, r, _P(p)) for a, b, t, r, p in h["stages"]]  # type: ignore[misc]
    facts.tasks = {t["no"]: _untask(t) for t in h["tasks"]}
    facts.task_list_published = h["task_list_published"]
    facts.issue_salts = h["issue_salts"]
    facts.raters = h["raters"]
    facts.boxes_closed = h["boxes_closed"]
    facts.carried = {
        k: f.CarriedProblem(item, problem, src, _D(due), _P(p), _P(closed))  # type: ignore[arg-type]
        for k, item, problem, src, due, p, closed in h["carried"]
    }
    facts.appeals = [
        f.Appeal(pos, reason, evidence, _P(p), upheld, why, _P(decision))  # type: ignore[arg-type]
        for pos, reason, evidence, p, upheld, why, decision in h["appeals"]
    ]
    facts.voided, facts.void_reason = _P(h["voided"]), h["void_reason"]
    return facts


def decode_body(data: bytes, into: f.CycleFacts) -> f.CycleFacts:
    b = orjson.loads(data)
    decimal = _Decimals()
    into.facts = {k: _unfact(x, decimal) for k, x in b["facts"]}
    into.issued_tokens = b["issued_tokens"]
    into.used_tokens = set(b["used_tokens"])
    into.boxed = b["boxed"]
    into.attachments = [(k, kind, refs) for k, kind, refs in b["attachments"]]
    return into
