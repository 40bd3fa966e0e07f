"""A workspace: a folder with ``pdca.toml``, ``workflows/``, ``projections/`` and,
by default, the SQLite database file.

Commands find their workspace from ``--workspace``/``PDCA_WORKSPACE``, else by
walking up from the current directory to the first folder holding ``pdca.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pdca
from pdca.errors import NotFound, SchemeInvalid, StorageError, one_of
from pdca.rules.schemes import Scheme, load_file
from pdca.storage.database import Database, default_url, parse_url

CONFIG_NAME = "pdca.toml"
DEFAULT_CATEGORIES = ("党政机关", "中直单位", "群团组织", "企事业单位")
#: The anchors file when ``pdca.toml`` names none (``[anchors] file``).
DEFAULT_ANCHORS = "anchors.jsonl"
#: Attachments (``[attachments]``): the kinds ``pdca.storage.media_types`` knows, all
#: allowed by default, and 50 MB a file.
DEFAULT_ATTACHMENT_TYPES = ("pdf", "ofd", "jpg", "png", "docx", "xlsx", "wps", "mp3", "mp4")
DEFAULT_ATTACHMENT_MB = 50

CONFIG_TEMPLATE = """\
# pdca 工作区配置 (workspace configuration)

[database]
# 默认：工作区内的 SQLite 文件。PostgreSQL 例：postgresql+psycopg://postgres@127.0.0.1:5432/pdca
# The environment variable PDCA_DB and the option --db take precedence.
url = "{url}"
# 时区不在此设置：它保存在数据库中，建库时由 pdca init --time-zone 确定（默认 Asia/Shanghai）。
# (The time zone lives in the database, chosen once at init; it cannot be set here.)

[units]
# 单位类别 (categories a unit may be registered under); 吉林 uses these four.
categories = [{categories}]

[anchors]
# 锚点文件：pdca anchor 与 round finalize 追加锚点的地方（相对工作区）。应放在数据库之外
# 另行保管（如只追加的存储）；格式见 docs/anchors.md。
# (Where anchors are appended; keep it outside the database. Relative to the workspace.)
file = "{anchors}"

[attachments]
# 附件（--attach）：允许的类型按文件内容识别，不看扩展名；可选 pdf、ofd、jpg、png、docx、
# xlsx、wps、mp3、mp4。单个文件的大小上限以 MB 计。
# (Attachments: the kinds allowed, recognised by content; the size limit per file in MB.)
types = [{attachment_types}]
max_mb = {attachment_mb}
"""


@dataclass
class Workspace:
    root: Path
    db_url: str
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    anchors_name: str = DEFAULT_ANCHORS
    #: ``[web] base_url``: where raters open a ballot slip's link (``pdca ballot slips``).
    web_base_url: str = ""
    attachment_types: tuple[str, ...] = DEFAULT_ATTACHMENT_TYPES
    attachment_limit: int = DEFAULT_ATTACHMENT_MB * 1024 * 1024  # bytes
    _schemes: list[Scheme] | None = field(default=None, repr=False)
    _invalid: list[str] = field(default_factory=list, repr=False)
    _database: tuple[tuple[str, Path], Database] | None = field(default=None, repr=False)

    @property
    def database(self) -> Database:
        """The database the URL names (parsed once: a server asks on every request)."""
        key = (self.db_url, self.root)
        if self._database is None or self._database[0] != key:
            self._database = (key, parse_url(self.db_url, self.root))
        return self._database[1]

    @property
    def anchors_file(self) -> Path:
        """Where ``pdca anchor`` appends (``[anchors] file``, relative to the workspace)."""
        return self.root / Path(self.anchors_name).expanduser()

    @property
    def workflows_dir(self) -> Path:
        return self.root / "workflows"

    @property
    def projections_dir(self) -> Path:
        return self.root / "projections"

    def database_exists(self) -> bool:
        """Whether the database is there to be opened already (a server, or an SQLite file)."""
        database = self.database
        return database.kind != "sqlite" or bool(
            database.sqlite_path and database.sqlite_path.exists()
        )

    def schemes(self) -> list[Scheme]:
        """Every valid scheme in ``workflows/``; an invalid file is refused when named."""
        if self._schemes is None:
            found = []
            for path in sorted(self.workflows_dir.glob("*.toml")):
                try:
                    found.append(load_file(path))
                except SchemeInvalid:
                    self._invalid.append(path.name)
            self._schemes = found
        return self._schemes

    def invalid_files(self) -> list[str]:
        self.schemes()
        return list(self._invalid)

    def scheme(self, ref: str) -> Scheme:
        """Find a scheme by ``ID`` or ``ID@VERSION``; a bare ID must be unambiguous."""
        scheme_id, _, version = ref.partition("@")
        candidates = [s for s in self.schemes() if s.id == scheme_id]
        if version:
            candidates = [s for s in candidates if s.version == version]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise NotFound(f"方案 '{ref}' 有多个版本；请指定：{one_of(s.ref for s in candidates)}")
        known = one_of(s.ref for s in self.schemes())
        invalid = (
            f"（另有无效的方案文件 {one_of(self._invalid)}，用 pdca scheme validate 查看问题）"
            if self._invalid
            else ""
        )
        raise NotFound(f"未知方案 '{ref}'；工作区 {self.workflows_dir} 中有：{known}{invalid}")


def shipped_dir(kind: str) -> Path:
    """What ships with pdca — ``workflows`` (the schemes) or ``projections`` (the worked
    examples) — inside the wheel, or in the source checkout."""
    package_root = Path(pdca.__file__).resolve().parent  # counted from the package, not
    packaged = package_root / f"_{kind}"  # from this module, so a move cannot break it
    if packaged.is_dir():
        return packaged
    return package_root.parents[1] / kind


def find_root(explicit: str | None) -> Path:
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / CONFIG_NAME).is_file():
            raise StorageError(
                f"工作区 '{root}' 不存在或未初始化（缺少 {CONFIG_NAME}）；先运行：pdca init {root}"
            )
        return root.resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise StorageError(
        f"当前目录 {here} 及其上级都不是工作区（缺少 {CONFIG_NAME}）；先运行 pdca init，或用 --workspace 指定"
    )


def open_workspace(explicit: str | None, db_override: str | None) -> Workspace:
    root = find_root(explicit)
    try:
        config = tomllib.loads((root / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StorageError(f"工作区配置 {root / CONFIG_NAME} 无法读取：{exc}") from None
    _refuse_time_zone(root / CONFIG_NAME, config)
    url = db_override or config.get("database", {}).get("url") or default_url()
    categories = tuple(config.get("units", {}).get("categories", DEFAULT_CATEGORIES))
    anchors = config.get("anchors", {}).get("file") or DEFAULT_ANCHORS
    if not isinstance(anchors, str):
        raise StorageError(f"工作区配置 {root / CONFIG_NAME} 中 anchors.file 应为文件名（字符串）")
    base_url = config.get("web", {}).get("base_url") or ""
    if not isinstance(base_url, str):
        raise StorageError(f"工作区配置 {root / CONFIG_NAME} 中 web.base_url 应为网址（字符串）")
    types, limit = _attachment_settings(root / CONFIG_NAME, config.get("attachments", {}))
    return Workspace(
        root=root,
        db_url=url,
        categories=categories,
        anchors_name=anchors,
        web_base_url=base_url,
        attachment_types=types,
        attachment_limit=limit,
    )


def _attachment_settings(path: Path, table: object) -> tuple[tuple[str, ...], int]:
    """``[attachments] types`` and ``max_mb``; a kind pdca cannot recognise, or a limit
    that is not a positive number, is refused rather than ignored."""
    if not isinstance(table, dict):
        raise StorageError(f"工作区配置 {path} 中 attachments 应为表")
    types = table.get("types", list(DEFAULT_ATTACHMENT_TYPES))
    kinds = DEFAULT_ATTACHMENT_TYPES  # every kind pdca.storage.media_types knows
    unknown = [t for t in types if t not in kinds] if isinstance(types, list) else [types]
    if unknown:
        raise StorageError(
            f"工作区配置 {path} 中 attachments.types 含无法识别的类型 {one_of(map(str, unknown))}；"
            f"允许：{one_of(kinds)}"
        )
    mb = table.get("max_mb", DEFAULT_ATTACHMENT_MB)
    if isinstance(mb, bool) or not isinstance(mb, int | float) or mb <= 0:
        raise StorageError(f"工作区配置 {path} 中 attachments.max_mb 应为正数（MB），而不是 {mb!r}")
    return tuple(types), int(mb * 1024 * 1024)


#: Keys a user might write in pdca.toml to set a time zone; the zone is the database's.
_ZONE_KEYS = ("time_zone", "timezone", "tz")


def _refuse_time_zone(path: Path, config: dict[str, object]) -> None:
    """A time zone in pdca.toml would change no answer (the database's zone decides):
    refuse it rather than ignore it silently."""
    tables = [("", config)] + [(f"{k}.", v) for k, v in config.items() if isinstance(v, dict)]
    for prefix, table in tables:
        for key in _ZONE_KEYS:
            if key in table:
                raise StorageError(
                    f"{path} 中的 {prefix}{key} 不起作用：时区保存在数据库中，建库时由 "
                    "pdca init --time-zone 确定，之后不能更改；请删去这一项"
                )


def planned_workspace(root: Path, db_url: str | None) -> Workspace:
    """The workspace ``create_workspace`` would make, without writing anything."""
    root = root.expanduser().resolve()
    if (root / CONFIG_NAME).is_file():
        return open_workspace(str(root), db_url)
    workspace = Workspace(root=root, db_url=db_url or default_url())
    database = workspace.database
    folder = database.sqlite_path.parent if database.sqlite_path else root
    if folder != root and not folder.is_dir():
        raise StorageError(
            f"数据库文件 {database.sqlite_path} 所在的目录不存在；先建目录，或用默认地址 {default_url()}"
        )
    return workspace


def create_workspace(root: Path, db_url: str | None) -> Workspace:
    """Write the folders and config of a new workspace; keep whatever is already there."""
    import shutil

    root = root.expanduser().resolve()
    try:
        (root / "workflows").mkdir(parents=True, exist_ok=True)
        (root / "projections").mkdir(exist_ok=True)
        for kind, pattern in (("workflows", "*.toml"), ("projections", "*.py")):
            for source in sorted(shipped_dir(kind).glob(pattern)):
                target = root / kind / source.name
                if not target.exists():
                    shutil.copyfile(source, target)
        config = root / CONFIG_NAME
        if not config.exists():
            categories = ", ".join(f'"{c}"' for c in DEFAULT_CATEGORIES)
            config.write_text(
                CONFIG_TEMPLATE.format(
                    url=db_url or default_url(),
                    categories=categories,
                    anchors=DEFAULT_ANCHORS,
                    attachment_types=", ".join(f'"{t}"' for t in DEFAULT_ATTACHMENT_TYPES),
                    attachment_mb=DEFAULT_ATTACHMENT_MB,
                ),
                encoding="utf-8",
            )
    except OSError as exc:
        raise StorageError(f"无法创建工作区 {root}：{exc}") from None
    return open_workspace(str(root), db_url)


def check_scheme_file(path: Path) -> Scheme:
    """A scheme file read and checked as a workspace loads its schemes (``pdca scheme
    validate``): every problem at once, each with its file and key (``SchemeInvalid``)."""
    return load_file(path)
