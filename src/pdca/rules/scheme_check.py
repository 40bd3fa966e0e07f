"""A TOML table → the declared ``SchemeFile``, reporting every problem at once.

msgspec stops at the first error; an admin fixing a file wants them all. So this walks
the declaration (``scheme_format``) beside the data: tables and arrays here, every
value through ``msgspec.convert`` against its declared type. A problem names its key
path (``ballot.groups[2].weight``) and, for an unknown key, the nearest declared one.

Two modes:
- *strict* (a file offered by an admin): every problem is reported; a bad value is
  replaced by its default so the rule checks after it can still run.
- *lenient* (a text a cycle pinned, never re-validated): unknown keys are ignored and a
  value outside its type is read as pdca read it before the format had a schema
  (``bool("false")`` is true, ``int("10")`` is 10), so an old cycle explains as it did.
"""

from __future__ import annotations

import functools
import json
import types
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from pdca.rules.problems import Problems
from pdca.rules.scheme_format import Figure, SchemeFile

_BAD = object()


def check(data: dict[str, Any], out: Problems, *, lenient: bool = False) -> SchemeFile:
    """The declared form of ``data``; in strict mode ``out`` holds what is wrong."""
    walker = _Walker(out, lenient)
    return walker.table(data, SchemeFile, "")


def declared_paths(tp: Any = SchemeFile, prefix: str = "") -> list[str]:
    """Every key path the declaration knows, array indices left out
    (``catalog.categories.items.points.id``), in declaration order."""
    paths = []
    for field in _fields(tp):
        path = f"{prefix}{field.encode_name}"
        paths.append(path)
        inner = _table_type(field.type)
        if inner is not None:
            paths.extend(declared_paths(inner, f"{path}."))
    return paths


def table_type_at(path: list[str], tp: Any = SchemeFile) -> Any:
    """The declared table a key path (without indices) leads to, or None: a free table
    such as ``tasks.quality`` whose keys are the author's own."""
    for key in path:
        fields = {f.encode_name: f for f in _fields(tp)}
        if key not in fields:
            return None
        tp = _table_type(fields[key].type)
        if tp is None:
            return None
    return tp


class _Walker:
    def __init__(self, out: Problems, lenient: bool) -> None:
        self.out = out
        self.lenient = lenient

    def problem(self, path: str, message: str) -> None:
        if not self.lenient:
            self.out.shape(path or "（顶层）", message)

    def table(self, data: dict[str, Any], tp: Any, path: str) -> Any:
        fields = _fields(tp)
        known = [f.encode_name for f in fields]
        for key in data:
            if key not in known:
                self.problem(_join(path, key), _unknown(key, known, top=not path))
        values = {}
        for field in fields:
            where = _join(path, field.encode_name)
            if field.encode_name not in data:
                if field.required:
                    self.problem(where, f"缺少此键；{_wants(field.type)}")
                    values[field.name] = _blank(field.type)
                continue
            value = self.value(data[field.encode_name], field.type, where)
            if value is _BAD:
                value = _default(field)
            values[field.name] = value
        return tp(**values)

    def value(self, value: Any, tp: Any, path: str) -> Any:
        inner = _optional(tp)  # TOML has no null: an optional key is one that may be absent
        origin = get_origin(inner)
        if isinstance(inner, type) and issubclass(inner, msgspec.Struct):
            if isinstance(value, dict):
                return self.table(value, inner, path)
            self.problem(path, f"必须是表，实际为 {_show(value)}")
            return _BAD
        if origin is list:
            return self.array(value, get_args(inner)[0], path)
        if origin is dict:
            if not isinstance(value, dict):
                self.problem(path, f"必须是表，实际为 {_show(value)}")
                return _BAD
            return self.free_table(value, *get_args(inner), path)
        return self.leaf(value, tp, path)

    def free_table(self, value: dict[str, Any], key_type: Any, item: Any, path: str) -> Any:
        """A table whose keys are the author's own (``tasks.quality``)."""
        found = {}
        for key, raw in value.items():
            if self.leaf(key, key_type, f"{path}.{key}") is _BAD:
                continue
            checked = self.value(raw, item, f"{path}.{key}")
            if checked is not _BAD:
                found[key] = checked
        return found

    def array(self, value: Any, item: Any, path: str) -> Any:
        if self.lenient and isinstance(value, str):
            value = list(value)  # as tuple(...) read it before
        if not isinstance(value, list):
            what = "表的数组" if _table_type(item) else "数组"
            self.problem(path, f"必须是{what}，实际为 {_show(value)}")
            return _BAD
        found = [self.value(v, item, f"{path}[{n}]") for n, v in enumerate(value)]
        return [v for v in found if v is not _BAD]

    def leaf(self, value: Any, tp: Any, path: str) -> Any:
        try:
            return msgspec.convert(value, tp, strict=True)
        except msgspec.ValidationError:
            pass
        if self.lenient:
            return _as_before(value, tp)
        self.problem(path, _wrong(value, tp))
        return _BAD


@functools.cache
def _fields(tp: Any) -> tuple[msgspec.structs.FieldInfo, ...]:
    # msgspec resolves the annotations on every call: once per table type is enough.
    return msgspec.structs.fields(tp)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _unknown(key: str, known: list[str], top: bool) -> str:
    import difflib

    near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"（是否想写 {near[0]}？）" if near else ""
    return f"未知{'的顶层' if top else ''}键{hint}；允许：{'、'.join(known)}"


def _wrong(value: Any, tp: Any) -> str:
    base = _optional(tp)
    if base == Figure and isinstance(value, float):
        return f'请把小数写成字符串 "{value}"，以免二进制浮点误差'
    if get_origin(_strip(base)) is Literal:
        allowed = "、".join(str(v) for v in get_args(_strip(base)))
        return f"'{value}' 不可用；允许：{allowed}"
    return f"{_wants(tp)}，实际为 {_show(value)}"


def _wants(tp: Any) -> str:
    """What a declared type asks for, in the words of its ``Meta(description=…)``."""
    base = _optional(tp)
    for meta in _metas(base):
        if meta.description:
            return meta.description
    plain = _strip(base)
    if plain is bool:
        return "必须是布尔值 true 或 false（不加引号）"
    if get_origin(plain) is Literal:
        return f"必须是 {'、'.join(str(v) for v in get_args(plain))} 之一"
    if _table_type(plain) is not None:
        return f"必须是表（键：{'、'.join(f.encode_name for f in _fields(_table_type(plain)))}）"
    if get_origin(plain) is list:
        return "必须是数组"
    if get_origin(plain) in (Union, types.UnionType):
        return "；或".join(_wants(a) for a in get_args(plain))
    return f"必须是 {getattr(plain, '__name__', plain)}"


def _as_before(value: Any, tp: Any) -> Any:
    """How pdca read a value of this type before the format had a schema."""
    base = _optional(tp)
    plain = _strip(base)
    if plain is bool:
        return bool(value)
    if plain is int:
        try:
            return value if isinstance(value, int) else int(value)
        except (TypeError, ValueError):
            return _blank(tp)
    if base == Figure:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                Decimal(str(value))
                return str(value)
            except InvalidOperation:
                pass
        return "0"
    if plain is str and isinstance(value, str):
        return value
    return _BAD


def _show(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 40 else shown[:37] + "…"


def _default(field: msgspec.structs.FieldInfo) -> Any:
    if field.default is not msgspec.NODEFAULT:
        return field.default
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    return _blank(field.type)


def _blank(tp: Any) -> Any:
    """A stand-in for a missing or broken required value, so later checks can run."""
    base = _optional(tp)
    if base is not tp:
        return None
    plain = _strip(base)
    origin = get_origin(plain)
    # An array of tables first: ``_table_type`` names the table inside it, and a lone
    # table where the later checks iterate an array was a traceback (a missing
    # ``workflow.stages``).
    if origin is list:
        return []
    if origin is dict:
        return {}
    table = _table_type(base)
    if table is not None:
        return table(
            **{f.name: _default(f) for f in _fields(table)},
        )
    if origin is Literal:
        return get_args(plain)[0]
    if plain is bool:
        return False
    if plain is int:
        return 0
    if base == Figure:
        return "0"
    return ""


def _strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _metas(tp: Any) -> list[msgspec.Meta]:
    found = []
    while get_origin(tp) is Annotated:
        found.extend(m for m in get_args(tp)[1:] if isinstance(m, msgspec.Meta))
        tp = get_args(tp)[0]
    return found


def _optional(tp: Any) -> Any:
    """``X | None`` → ``X``; anything else as it is."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(args) < len(get_args(tp)):
            return args[0]
    return tp


def _table_type(tp: Any) -> Any:
    """The declared table a field holds (itself, or in an array), else None."""
    tp = _strip(_optional(tp))
    if get_origin(tp) is list:
        tp = _strip(get_args(tp)[0])
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp
    return None
