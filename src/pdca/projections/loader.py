"""An admin's projections: Python files in the workspace's ``projections/`` folder.

Each file is imported by path (not from ``sys.path``), and every ``Projection``
subclass it defines is run next to the built-in ones. A file is checked before it
is used — a name, at least one table, handlers only for event types that exist,
table names nobody else uses — and each problem is reported in one line naming the
file, so a typo in an admin's file never reaches the event log's readers.
"""

from __future__ import annotations

import hashlib
import re
import types
from pathlib import Path

from pdca.errors import SchemeInvalid, one_of
from pdca.projections.api import Projection
from pdca.projections.decoding import expand, known_event_types

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
#: Tables of the event store and of the runtime itself.
RESERVED_TABLES = frozenset({"stored_events", "pdca_events", "pdca_tracking", "tracking"})


class ProjectionInvalid(SchemeInvalid):
    """An admin's projection file cannot be used; the message names the file."""


def load_directory(
    directory: Path,
    taken_names: set[str],
    taken_tables: set[str],
    trusted: dict[str, str] | None = None,
) -> list[tuple[Projection, Path]]:
    """``trusted``: the digests the folder was checked against (by relative path); a file
    whose bytes, as read here, are not those is refused — so a file swapped between the
    check and the import never runs."""
    found: list[tuple[Projection, Path]] = []
    names, tables = set(taken_names), set(taken_tables) | RESERVED_TABLES
    for path in sorted(directory.glob("*.py")) if directory.is_dir() else []:
        if path.name.startswith("_"):
            continue
        for cls in _classes(path, None if trusted is None else trusted.get(path.name, "")):
            projection = _check(cls, path, names, tables)
            names.add(projection.name)
            tables.update(t.name for t in projection.tables)
            found.append((projection, path))
    return found


def _classes(path: Path, trusted: str | None) -> list[type[Projection]]:
    data = path.read_bytes()
    full = hashlib.sha256(data).hexdigest()
    if trusted is not None and trusted != f"sha256:{full}":
        raise ProjectionInvalid(
            f"投影文件 projections/{path.name} 在核对之后被改动，未运行；"
            "核对后由管理员登记：pdca projections register"
        )
    # A module name of its own per file and content, so that two workspaces (or an
    # edited file) in one process never share a module.
    digest = full[:12]
    module_name = f"pdca_workspace_projection_{path.stem}_{digest}"
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    try:
        # Compiled and run from its text, never through the import system's loader: that
        # would leave a __pycache__/ in the admin's projections folder on every read.
        exec(compile(data, str(path), "exec"), module.__dict__)  # noqa: S102
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ProjectionInvalid(
            f"投影文件 {path.name} 导入出错：{type(exc).__name__}: {first}"
        ) from None
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Projection)
        and value.__module__ == module_name
    ]
    if not classes:
        raise ProjectionInvalid(
            f"投影文件 {path.name} 没有定义投影：需要一个 Projection 的子类（pdca projections new 可生成示例）"
        )
    return classes


def _check(cls: type[Projection], path: Path, names: set[str], tables: set[str]) -> Projection:
    where = f"投影文件 {path.name}（{cls.__name__}）"
    name = getattr(cls, "name", "")
    if not isinstance(name, str) or not NAME.match(name):
        raise ProjectionInvalid(
            f"{where}：name 须为小写字母开头的小写字母、数字、下划线，如 grid_ranking"
        )
    if name in names:
        raise ProjectionInvalid(f"{where}：投影名 {name} 已被使用；已有：{one_of(sorted(names))}")
    if not cls.tables:
        raise ProjectionInvalid(f"{where}：tables 为空；至少声明一张 SQLAlchemy 表")
    for table in cls.tables:
        if table.name.startswith("pdca_"):
            raise ProjectionInvalid(
                f"{where}：表名 {table.name} 以 pdca_ 开头，这是 pdca 自己的表的前缀；请换一个"
            )
        if table.name in tables:
            raise ProjectionInvalid(
                f"{where}：表名 {table.name} 已被使用；请换一个（建议以投影名开头）"
            )
        if not table.primary_key.columns:
            raise ProjectionInvalid(f"{where}：表 {table.name} 没有主键；batch.put 按主键写行")
    if not cls.handlers:
        raise ProjectionInvalid(f'{where}：没有处理任何事件；用 @handles("Cycle.Opened") 标注方法')
    unknown = [t for t in cls.handlers if not expand(t)]
    if unknown:
        raise ProjectionInvalid(
            f"{where}：未知事件类型 {one_of(unknown)}；可用：{one_of(sorted(known_event_types()))}，"
            "或 Cycle.* 这类通配"
        )
    try:
        return cls()
    except Exception as exc:
        raise ProjectionInvalid(f"{where}：无法创建实例：{type(exc).__name__}: {exc}") from None
