"""The application service: one method per use case, the only place that loads and
saves aggregates.

Every writing method checks the command completely (input, the stage machine of
the cycle's pinned scheme, guards) before it calls an aggregate method, so a
refused command records nothing. Queries return plain dataclasses and dicts.
"""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import Mapper, PersistenceError, Transcoder

from pdca import log
from pdca.application import saving, unit_names
from pdca.application.acting import Acting, writes
from pdca.application.workspace import Workspace
from pdca.domain import names
from pdca.domain.cycle import Cycle
from pdca.domain.ids import check_period, clean_name, cycle_id, shown, split_address, unit_id
from pdca.errors import Conflict, InvalidInput, NotFound, RuleViolation, one_of
from pdca.rules.schemes import PHASE_LABELS, Scheme, pinned
from pdca.storage import meta
from pdca.storage.chain import ChainedMapper
from pdca.storage.transcodings import register_all

#: The catalog's stage of a voided cycle (``cycle list --all`` shows it).
VOIDED = "voided"

#: Use cases kept in modules of their own (recording facts, rounds and explain,
#: rectification), imported on first use: a supervisor's ``pdca cycle advance``
#: should not pay for ballots, scoring and 整改. Their methods are the application's
#: own (``self`` is the application); tests/unit/test_application.py keeps this table
#: equal to what those classes define.
USE_CASES: dict[str, tuple[str, ...]] = {
    "pdca.application.anchoring:Anchoring": (
        "_anchor",
        "_get_anchor",
        "anchor_after",
        "check_code",
        "latest_anchor",
        "take_anchor",
    ),
    "pdca.application.ballots:Ballots": (
        "_check_ballot",
        "_issued_digest",
        "_rater",
        "cast_ballot",
        "cast_ballots",
        "close_ballots",
        "import_ballots",
        "issue_ballots",
    ),
    "pdca.application.recording:Recording": (
        "_correctable",
        "_finding_event",
        "_item",
        "_item_not_applicable",
        "_not_yet_recorded",
        "_score_event",
        "_task",
        "amend_fact",
        "apply_veto",
        "complete_task",
        "mark_not_applicable",
        "record_finding",
        "record_score",
        "record_score_sheet",
        "report_task",
        "withdraw_fact",
    ),
    "pdca.application.results:Results": (
        "_entries",
        "_event_ref",
        "_history",
        "_publication",
        "_published_by",
        "_published_rules",
        "_record_results_used",
        "_results_used_at",
        "_revise_later_rounds",
        "_round_cycles",
        "_round_events",
        "_round_or_none",
        "_summary",
        "_with_rolled_up",
        "explain",
        "finalize_round",
        "get_round",
        "open_round",
        "round_completeness",
        "round_details",
        "round_summaries",
        "results_used",
    ),
    "pdca.application.rectifying:Rectifying": (
        "_move",
        "_open_items",
        "_rectification_item",
        "carry_over_into",
        "extend_rectification",
        "get_rectification",
        "rectification_attachments",
        "list_rectifications",
        "order_rectification",
        "rectification_bulletin",
        "report_rectification",
        "require_rectifications_settled",
        "submit_rectification",
        "sweep_rectifications",
        "verify_rectification",
    ),
    "pdca.application.settlement:Settlement": ("ledger_moves",),
    "pdca.application.importing:Importing": ("import_sheets",),
    "pdca.application.account_cases:Accounting": (
        "_owner_first",
        "_roster_to_change",
        "_save_roster",
        "add_account",
        "define_team",
        "disable_account",
        "enable_account",
        "grant_roles",
        "import_roles_file",
        "list_accounts",
        "revoke_roles",
        "scope_account",
    ),
    "pdca.application.verifying:Verifying": ("verify_history",),
    "pdca.application.evidence:Evidence": (
        "_purge_of",
        "_uses",
        "evidence",
        "evidence_bytes",
        "purge_evidence",
    ),
    "pdca.application.unit_steps:UnitSteps": (
        "_step",
        "decide_appeal",
        "lodge_appeal",
        "record_step",
        "review_step",
    ),
}
_USE_CASE_OF = {name: target for target, names in USE_CASES.items() for name in names}


if TYPE_CHECKING:
    # What static readers (IDEs, type checkers, "go to definition") see: the use cases
    # of the modules below are the application's own methods. At run time they are
    # looked up through ``USE_CASES`` on first use instead, to keep start-up cheap.
    from pdca.application.account_cases import Accounting
    from pdca.application.anchoring import Anchoring
    from pdca.application.ballots import Ballots
    from pdca.application.clock import Clock
    from pdca.application.cycle_status import CycleStatus
    from pdca.application.evidence import Evidence
    from pdca.application.importing import Importing
    from pdca.application.recording import Recording
    from pdca.application.rectifying import Rectifying
    from pdca.application.results import Results
    from pdca.application.settlement import Settlement
    from pdca.application.unit_steps import UnitSteps
    from pdca.application.verifying import Verifying
    from pdca.domain.unit import Unit

    class _UseCases(
        Anchoring,
        Ballots,
        Importing,
        Recording,
        Results,
        Rectifying,
        Settlement,
        Verifying,
        Accounting,
        UnitSteps,
        Evidence,
    ):
        pass
else:

    class _UseCases:
        pass


@dataclass(frozen=True)
class HistoryEntry:
    position: int
    type: str
    recorded_at: str
    actor: str  # the person on whose behalf
    principal: str  # who connected to record it
    assurance: str  # authenticated | declared (pdca.application.acting)
    summary: str
    # PostgreSQL: the event was written by another database login than it records
    # (``pdca.application.login_stamps``); None when nothing is wrong.
    stamp_mismatch: str | None = None
    # The files the event names (digest, name, size, media type): pdca.domain.evidence.
    attachments: tuple[dict[str, Any], ...] = ()


class PdcaApplication(_UseCases, Application[UUID]):
    name = "pdca"

    def __init__(
        self,
        workspace: Workspace,
        create_tables: bool = False,
        initialised: bool = True,
        pooled: bool = False,
    ) -> None:
        """``create_tables``: ``pdca init`` making the tables. ``initialised=False``: init
        checking a database it is about to initialise (reachable, ours to touch).
        ``pooled``: a long-running process (a server, a worker) keeps a connection pool
        on PostgreSQL; a command opens one connection (``Database.event_store_env``)."""
        self.workspace = workspace
        self._runtime: Any = None
        self._expect_tables = initialised and not create_tables
        self.notices: list[str] = []
        self.on_notice: Any = None
        self._clock: Clock | None = None
        self._zone: str | None = None  # as the marker names it (None: not recorded)
        self._owner: str | None = None  # the login that initialised the database
        try:
            super().__init__(env=workspace.database.event_store_env(create_tables, pooled))
            self.mapper.recorder = self.recorder  # type: ignore[attr-defined]
            self.marker = meta.Meta(self.recorder, workspace.database.kind)
            # ``pdca init`` writes the marker; every other command obeys it first.
            self._marker_is_old = False if create_tables else self.check_marker()
        except Exception as exc:
            with contextlib.suppress(Exception):
                self.close()
            if isinstance(exc, PersistenceError):
                raise meta.unreachable(workspace.database.describe(), exc) from None
            raise

    def construct_mapper(self) -> Mapper[UUID]:
        try:
            cipher = self.factory.cipher()  # PDCA_CIPHER_KEY, the library's own setting
        except ValueError:
            raise meta.bad_key() from None
        return ChainedMapper(
            transcoder=self.construct_transcoder(),
            compressor=self.factory.compressor(),
            cipher=cipher,
        )

    def check_marker(self) -> bool:
        """Refuse a database this pdca must not touch; True when its marker is older."""
        values = self.marker.read()
        if not values and self._expect_tables:
            # No marker: made before markers existed, or never initialised — then refuse
            # before anything (the marker, a view's table) is written into it.
            meta.require_events_table(self.recorder, self.workspace.database.describe())
        self._zone = values.get(meta.ZONE)
        self._owner = values.get(meta.OWNER) or None
        return meta.check(values, self.mapper.cipher)

    @property
    def owner(self) -> str | None:
        """The login that initialised the database (``pdca init``): it alone may create
        the first account. None for a database initialised before owners were kept."""
        if self._owner is None:
            self._owner = self.marker.read().get(meta.OWNER) or None
        return self._owner

    @property
    def clock(self) -> Clock:
        """Local time in the database's zone (``clock``): how typed times are read and
        every time is shown. Not the machine's zone, and not pdca.toml's to change."""
        if self._clock is None:
            from pdca.application.clock import Clock, stored_zone  # zoneinfo: when asked

            self._clock = Clock(stored_zone(self._zone))
        return self._clock

    def use_zone(self, name: str) -> None:
        """The zone ``pdca init`` has just recorded (this application read the marker
        before it was written)."""
        self._zone, self._clock = name, None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        if self._marker_is_old:
            self.marker.write({"format": str(meta.FORMAT)})
            self._marker_is_old = False
        return super().save(*objs, **kwargs)

    def _notify(self, recordings: list[Any]) -> None:
        """After a save: wake this process's view follower (``pdca serve``), if any."""
        if self._runtime is not None:
            self._runtime.stored.set()

    def __getattr__(self, name: str) -> Any:
        target = _USE_CASE_OF.get(name)
        if target is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        module, _, owner = target.partition(":")
        function = getattr(getattr(importlib.import_module(module), owner), name)
        bound = function.__get__(self, type(self))
        self.__dict__[name] = bound  # found once: an import calls some per cell
        return bound

    def register_transcodings(self, transcoder: Transcoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder)

    # ---- units ---------------------------------------------------------------------

    @writes("unit add")
    def register_unit(self, acting: Acting, name: str, category: str, grid: str | None) -> Unit:
        unit = self._new_unit(acting, name, category, grid)
        name, grid = unit.name, unit.grid
        self._save_new(acting, unit, f"单位 '{name}' 已登记")
        log.info("unit_registered", actor=acting.person, unit=name, category=category, grid=grid)
        return unit

    def _new_unit(self, acting: Acting, name: str, category: str, grid: str | None) -> Unit:
        """A unit to register, every rule checked, not yet saved (``import`` saves many)."""
        name = names.check_name(name, names.UNIT)
        if category not in self.workspace.categories:
            raise RuleViolation(
                f"未知单位类别 '{shown(category)}'；允许：{one_of(self.workspace.categories)}"
            )
        # The category is one of pdca.toml's, which an admin may have written too long.
        names.check_name(category, names.CATEGORY)
        if self._exists(unit_id(name)):
            raise Conflict(f"单位 '{name}' 已登记")
        grid = names.check_name(grid, names.GRID) if grid and grid.strip() else None
        from pdca.domain.unit import Unit

        return Unit(name=name, category=category, grid=grid, actor=acting.person)

    def get_unit(self, name: str, tell: bool = True) -> Unit:
        """The unit any of its names (registered, current, earlier) addresses; a name
        that is no longer its current one is said once (``tell``; ``notify`` is the library's)."""
        from pdca.domain.unit import UnitName

        name = clean_name(name)
        try:
            found = self.repository.get(unit_id(name))
            if isinstance(found, UnitName):
                found = self.repository.get(UUID(found.unit))
        except AggregateNotFoundError:
            # Found as typed (a name stored before names were checked stays reachable);
            # not found, a name no unit may have is told as such.
            names.refuse_invisible(clean_name(name), names.UNIT)
            raise NotFound(
                f"未知单位 '{shown(name)}'；先登记：pdca unit add 名称 --category 类别（pdca unit list 查看已登记单位）"
            ) from None
        if tell and found.name != name:
            self.tell(unit_names.renamed(name, found.name))
        return found

    def _registered_name(self, name: str) -> str:
        """The name the cycles of the unit ``name`` addresses are keyed by (a rename told
        once, as ``get_unit`` tells it), read from the unit's rows without its aggregate;
        ``name`` as given when no unit has it."""
        found = None
        if self.mapper.compressor is None:
            found = unit_names.read(self._plain_rows, clean_name(name))
        if found is None:
            with contextlib.suppress(NotFound):
                return self.get_unit(name).registered_name
            return name
        registered, current = found
        if current != clean_name(name):
            self.tell(unit_names.renamed(clean_name(name), current))
        return registered

    def _plain_rows(self, aggregate_id: UUID) -> list[tuple[int, str, Any]]:
        from pdca.storage.plaintext import plain_state

        cipher = self.mapper.cipher
        return [
            (r.originator_version, r.topic, plain_state(r.state, cipher))
            for r in self.recorder.select_events(aggregate_id)
        ]

    def unit_key(self, name: str) -> str:
        """The name a unit's cycles (and the views of them) know it by: its registered
        name, whichever of its names is given; an unknown name as given."""
        try:
            return self.get_unit(name).registered_name
        except NotFound:
            return clean_name(name)

    def tell(self, line: str) -> None:
        """Say something the user should know beside the answer (the CLI: once, on
        stderr). Lines are kept until a front end sets ``on_notice``."""
        if line not in self.notices:
            self.notices.append(line)
            if self.on_notice is not None:
                self.on_notice(line)

    @writes("unit edit")
    def edit_unit(
        self,
        acting: Acting,
        name: str,
        category: str | None,
        grid: str | None,
        new_name: str | None,
        reason: str,
    ) -> Unit:
        """Correct a unit's category, grid or name, as an event with its reason. A new
        name is registered as an alias of the unit, so every name it had still works."""
        unit = self.get_unit(name)
        previous = unit.name
        changed = self._edited_unit(acting, unit, category, grid, new_name, reason)
        self._save_changed(acting, unit, f"单位 '{previous}'", *changed[1:])
        log.info("unit_edited", actor=acting.person, unit=previous, name=unit.name)
        return unit

    def _edited_unit(
        self,
        acting: Acting,
        unit: Unit,
        category: str | None,
        grid: str | None,
        new_name: str | None,
        reason: str,
    ) -> list[Any]:
        """The unit with its correction recorded, and a new name's alias, not yet saved."""
        from pdca.domain.unit import UnitName

        if not reason.strip():
            raise InvalidInput("更正单位必须写明理由（--reason）")
        if category is not None and category not in self.workspace.categories:
            raise RuleViolation(
                f"未知单位类别 '{category}'；允许：{one_of(self.workspace.categories)}"
            )
        # A new name or grid obeys what registering one does (visible, not too long).
        new_name = names.check_name(new_name, names.UNIT) if new_name is not None else unit.name
        result = (
            new_name,
            unit.category if category is None else category,
            unit.grid
            if grid is None
            else (names.check_name(grid, names.GRID) if grid.strip() else None),
        )
        if result == (unit.name, unit.category, unit.grid):
            raise RuleViolation(
                "没有要更正的内容；用 --name、--category 或 --grid 给出与现在不同的值"
            )
        others: list[Any] = []
        if new_name != unit.name:
            try:
                holder = self.repository.get(unit_id(new_name))
            except AggregateNotFoundError:
                others.append(UnitName(name=new_name, unit=unit.id.hex, actor=acting.person))
            else:
                if holder.id != unit.id and getattr(holder, "unit", None) != unit.id.hex:
                    raise Conflict(f"名称 '{new_name}' 已被另一单位使用，不能改用")
        previous = unit.name
        unit.edit(
            name=result[0],
            category=result[1],
            grid=result[2],
            previous_name=previous,
            registered_name=unit.registered_name,
            reason=reason.strip(),
            actor=acting.person,
        )
        return [unit, *others]

    # ---- cycles --------------------------------------------------------------------

    @writes("cycle open")
    def open_cycle(self, acting: Acting, unit_name: str, period: str, scheme_ref: str) -> Cycle:
        unit = self.get_unit(unit_name)
        period = check_period(period)
        scheme = self.workspace.scheme(scheme_ref)
        # A cycle is keyed by the unit's registered name, so a rename keeps its id; after
        # a void the address is opened again as the next generation.
        key = unit.registered_name
        generation = 0
        while self._exists(cycle_id(key, period, generation)):
            if not self.repository.get(cycle_id(key, period, generation)).voided:
                raise Conflict(
                    f"周期 '{key}/{period}' 已存在；pdca cycle status {key}/{period} 查看"
                )
            generation += 1
        cycle = new_cycle(key, period, scheme, acting.person, cycle_id(key, period, generation))
        carried = self.carry_over_into(cycle, acting.person)
        self._save_new(acting, cycle, f"周期 '{cycle.address}' 已存在", *carried)
        log.info(
            "cycle_opened",
            actor=acting.person,
            cycle=cycle.address,
            scheme=scheme.ref,
            carried=len(carried),
        )
        return cycle

    def get_cycle(
        self,
        address: str,
        acting: Acting | None = None,
        voided_too: bool = False,
        head_only: bool = False,
    ) -> Cycle:
        """The cycle at ``UNIT/PERIOD`` (its latest generation); a writing use case passes
        its acting context, so a retry after a concurrent change reads only what was
        recorded since, and is refused on a voided cycle unless ``voided_too``.
        ``head_only``: the caller reads no facts by position and no ballot tokens (stage,
        tasks, guards), so a long cycle's snapshot is read without its body."""
        cycle = self._cycle_at(address, acting, head_only)
        if acting is not None and cycle.voided and not voided_too:
            raise RuleViolation(
                f"周期 {cycle.address} 已作废（{cycle.facts.void_reason}），不能再记录；"
                f"可重新开启：pdca cycle open {cycle.unit} {cycle.period} --scheme 方案"
            )
        return cycle

    def _cycle_at(self, address: str, acting: Acting | None, head_only: bool = False) -> Cycle:
        unit, period = split_address(address)
        # Any name of the unit addresses its cycles (keyed by its registered name); an
        # unknown unit has no cycle either, and the message below says so.
        unit = self._registered_name(unit)
        try:
            cycle = saving.load(self, cycle_id(unit, period), acting, head_only)
            generation = 0
            while cycle.voided and self._exists(cycle_id(unit, period, generation + 1)):
                generation += 1
                cycle = saving.load(self, cycle_id(unit, period, generation), acting, head_only)
            return cycle
        except AggregateNotFoundError:
            # As for units: look up as typed, explain a miss by what no cycle may have.
            names.refuse_invisible(unit, names.UNIT)
            check_period(period)
            raise NotFound(
                f"未知周期 '{shown(address)}'；先开启：pdca cycle open {unit} {period} --scheme 方案（pdca cycle list 查看已有周期）"
            ) from None

    @writes("cycle void")
    def void_cycle(self, acting: Acting, address: str, reason: str) -> Cycle:
        """Void a cycle opened by mistake. Refused while rectification items ordered in it
        are open (they are its own findings' remedies: close them first); items carried
        into it from earlier periods stay on its address and go to the cycle opened there
        next."""
        cycle = self.get_cycle(address, acting)
        if not reason.strip():
            raise InvalidInput("作废周期必须写明理由（--reason）")
        from pdca.projections.rectifications import rectifications as r

        own = self._open_items(r.c.cycle == cycle.address)
        if own:
            listed = one_of(f"{x['item_id'][:8]}「{x['problem']}」" for x in own)
            raise RuleViolation(
                f"周期 {cycle.address} 还有未销号的整改事项，不能作废：{listed}；"
                "先验收销号（pdca rectify verify）"
            )
        self._record_fact(acting, cycle, address, Cycle.Voided, reason=reason.strip())
        return cycle

    def scheme_of(self, cycle: Cycle) -> Scheme:
        return pinned(cycle.scheme_text)

    @writes("cycle advance")
    def advance(self, acting: Acting, address: str, trigger: str, reason: str | None) -> Cycle:
        from pdca.rules import machine
        from pdca.rules.naming import resolve

        cycle = self.get_cycle(address, acting)
        from_stage = cycle.stage
        scheme = self.scheme_of(cycle)
        # An unknown name is the machine's to refuse: it names the stage and what may fire.
        trigger = acting.named["trigger"] = resolve(scheme, "trigger", trigger, unknown_as_is=True)
        to_stage = machine.check(scheme, from_stage, trigger, cycle)
        self._require_outside_team(acting, cycle, scheme, from_stage)
        if to_stage == "closed":
            self.require_rectifications_settled(cycle)
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.StageAdvanced,
            trigger=trigger,
            from_stage=from_stage,
            to_stage=to_stage,
            reason=reason,
        )
        return cycle

    def status(self, address: str) -> CycleStatus:
        from pdca.application.cycle_status import status_of

        cycle = self.get_cycle(address, head_only=True)
        return status_of(cycle.facts, cycle.version, self.scheme_of(cycle))

    def history(self, address: str) -> list[HistoryEntry]:
        from pdca.application.acting import recorded_assurance, recorded_principal
        from pdca.application.login_stamps import flags
        from pdca.rules.describe import describe

        # Its events are read below, one line each: the cycle itself is wanted for its
        # id and scheme only.
        cycle = self.get_cycle(address, head_only=True)
        scheme = self.scheme_of(cycle)
        events = list(self.repository.event_store.get(cycle.id))
        flagged = flags(self, cycle.id, events)
        return [
            HistoryEntry(
                position=e.originator_version,
                type=type(e).__name__,
                recorded_at=self.clock.iso(e.timestamp),
                actor=getattr(e, "actor", ""),
                principal=recorded_principal(e),
                assurance=recorded_assurance(e),
                summary=describe(e, scheme),
                stamp_mismatch=flagged.get(e.originator_version),
                attachments=tuple(dict(r) for r in getattr(e, "attachments", ())),
            )
            for e in events
        ]

    # ---- the task list (任务清单) ------------------------------------------------------

    @writes("task add")
    @saving.commutes
    def add_task(
        self, acting: Acting, address: str, title: str, deadline: date, indicator: str | None
    ) -> int:
        cycle = self.get_cycle(address, acting)
        event, fields = self._task_event(cycle, title, deadline, indicator)
        self._record_fact(acting, cycle, address, event, **fields)
        return int(fields["task_no"])

    def _task_event(
        self, cycle: Cycle, title: str, deadline: date, indicator: str | None
    ) -> tuple[type, dict[str, Any]]:
        """The event adding a task to ``cycle``'s list, every rule checked."""
        self._require_phase(cycle, ("plan", "do"), "添加任务")
        title = title.strip()
        if not title:
            raise InvalidInput("任务标题不能为空")
        if cycle.task_list_published and _phase(self.scheme_of(cycle), cycle.stage) == "plan":
            raise RuleViolation("任务清单已发布，计划阶段不能再加任务；进入执行阶段后可追加任务")
        fields = {"task_no": cycle.next_task_no(), "title": title, "deadline": deadline}
        return Cycle.TaskAdded, {**fields, "indicator": indicator}

    @writes("task publish")
    def publish_task_list(self, acting: Acting, address: str) -> int:
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, ("plan",), "发布任务清单")
        if cycle.task_list_published:
            raise RuleViolation("任务清单已发布，不能重复发布")
        if not cycle.tasks:
            raise RuleViolation(
                "任务清单为空，不能发布；先添加任务：pdca task add 周期 标题 --deadline 日期"
            )
        self._record_fact(
            acting, cycle, address, Cycle.TaskListPublished, task_count=len(cycle.tasks)
        )
        return len(cycle.tasks)

    # ---- lists, from the catalog projection ---------------------------------------------

    def projection_runtime(self) -> Any:
        if self._runtime is None:
            from pdca.projections import builtin
            from pdca.projections.private import use_cipher
            from pdca.projections.runtime import Runtime
            from pdca.storage.plaintext import readable

            # Read models keep names and evidence under the events' own cipher.
            use_cipher(self.mapper.cipher)
            self._runtime = Runtime(
                self.workspace.database,
                readable(self.recorder, self.mapper.cipher),
                builtin(),
                workspace_dir=self.workspace.projections_dir,
                cipher=self.mapper.cipher,
                zone=self.clock.zone,
                vouch=self._vouch_projection_files,
            )
        return self._runtime

    def ballot_box(self) -> Any:
        """Where ballots cast one by one wait, unordered, until their box is closed."""
        from pdca.storage.ballot_box import BallotBox

        database = self.workspace.database
        return BallotBox(self.recorder, database.kind, self.mapper.cipher, database.sqlite_path)

    def _vouch_projection_files(self, directory: Any) -> dict[str, str]:
        from pdca.application.projection_files import vouch

        return vouch(self, directory)

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.engine.dispose()
            self._runtime = None
        super().close()

    def list_units(self) -> list[dict[str, Any]]:
        from sqlalchemy import select

        from pdca.projections.catalog import units

        runtime = self.projection_runtime()
        runtime.refresh("catalog")
        return runtime.rows("catalog", select(units).order_by(units.c.category, units.c.name))

    def read_view(
        self, projection: str, table: Any, *where: Any, order_by: Any = ()
    ) -> list[dict[str, Any]]:
        """Catch a projection up (when this login may write), then read its rows
        (instants in the database's zone)."""
        from sqlalchemy import select

        runtime = self.projection_runtime()
        runtime.refresh(projection)
        query = select(table).where(*where).order_by(*order_by)
        return self.clock.rows(table, runtime.rows(projection, query))

    def tell_view_notices(self) -> None:
        """Say what this command's reads could not do (views behind, views to rebuild),
        one line each (``tell``): once, when the command is done, so several views read
        by one command give one line of how far behind they are."""
        for line in self._runtime.notices() if self._runtime is not None else []:
            self.tell(line)

    def scores_of(self, period: str) -> list[dict[str, Any]]:
        from pdca.projections.scores import scores

        return self.read_view(
            "scores", scores, scores.c.period == check_period(period), order_by=(scores.c.unit,)
        )

    def ledger_of(self, period: str | None, unit: str | None) -> list[dict[str, Any]]:
        from pdca.projections.ledger import ledger

        where = []
        if period:
            where.append(ledger.c.period == check_period(period))
        if unit:
            where.append(ledger.c.unit == self.unit_key(unit))
        order = (ledger.c.period, ledger.c.unit, ledger.c.observed_on)
        return self.read_view("ledger", ledger, *where, order_by=order)

    def list_rounds(self) -> list[dict[str, Any]]:
        from pdca.projections.catalog import rounds

        return self.read_view("catalog", rounds, order_by=(rounds.c.period,))

    def list_cycles(
        self, period: str | None = None, stage: str | None = None, voided: bool = False
    ) -> list[dict[str, Any]]:
        """The cycles (of ``period``, at ``stage``); voided ones only when ``voided``."""
        from sqlalchemy import select

        from pdca.projections.catalog import cycles

        runtime = self.projection_runtime()
        runtime.refresh("catalog")
        query = select(cycles).order_by(cycles.c.period, cycles.c.unit)
        if period:
            query = query.where(cycles.c.period == period)
        rows = runtime.rows("catalog", query)
        result = []
        for row in rows:
            if row["stage"] == VOIDED and not voided:
                continue
            # A stage filter names a phase (督查) or a stage id (check, check.on_site).
            phase = row["stage"].split(".")[0]
            if stage and stage not in (row["stage"], phase, PHASE_LABELS.get(phase)):
                continue
            row["cycle"] = f"{row['unit']}/{row['period']}"
            result.append(row)
        return result

    def cycle_periods(self) -> list[str]:
        """The periods that have cycles (voided ones aside), newest first: one query,
        where ``list_cycles`` would read every cycle (a page asks on every request)."""
        from sqlalchemy import select

        from pdca.projections.catalog import cycles

        runtime = self.projection_runtime()
        runtime.refresh("catalog")
        query = select(cycles.c.period).where(cycles.c.stage != VOIDED).distinct()
        return sorted((r["period"] for r in runtime.rows("catalog", query)), reverse=True)

    def stage_label(self, scheme_ref: str, stage: str) -> str:
        """A stage's Chinese label from the workspace's copy of the scheme, else its phase's."""
        if stage == VOIDED:
            return "已作废"
        try:
            return self.workspace.scheme(scheme_ref).stage_label(stage)
        except NotFound:
            return PHASE_LABELS.get(stage.split(".")[0], stage)

    # ---- helpers -------------------------------------------------------------------

    def _require_phase(
        self, cycle: Cycle, phases: tuple[str, ...], what: str, also: str = ""
    ) -> None:
        """Refuse unless the cycle is in one of ``phases``; ``also`` names what else is
        allowed elsewhere (e.g. a late record in 处理)."""
        scheme = self.scheme_of(cycle)
        phase = _phase(scheme, cycle.stage)
        if phase not in phases:
            allowed = one_of(PHASE_LABELS[p] for p in phases)
            raise RuleViolation(
                f"当前阶段为{scheme.stage_label(cycle.stage)}，不能{what}；只能在以下阶段：{allowed}{also}"
            )

    def _require_records(
        self, cycle: Cycle, kind: str, what: str, detail: str | None = None
    ) -> None:
        """Refuse unless the cycle's sub-stage lets ``kind`` be recorded (format 3
        ``records``; ``detail``: the ballot group or the component of a score)."""
        scheme = self.scheme_of(cycle)
        try:
            stage = scheme.stage(cycle.stage)
        except KeyError:
            return
        if stage.allows(kind, detail):
            return
        from pdca.application.scheme_contents import record_label

        allowed = one_of(record_label(scheme, r) for r in stage.records or ())
        raise RuleViolation(
            f"当前阶段为{stage.full_label}，不能{what}；本阶段只能记录：{allowed or '（无）'}"
        )

    def _require_outside_team(
        self, acting: Acting, cycle: Cycle, scheme: Scheme, stage_id: str
    ) -> None:
        """A sub-stage with ``approver_outside_team`` (甘肃's 结果审定) is left only by
        someone whose teams do not take in the unit: its own 考核组 cannot approve."""
        try:
            stage = scheme.stage(stage_id)
        except KeyError:
            return
        if not stage.approver_outside_team:
            return
        from pdca.application import accounts

        unit = self.get_unit(cycle.unit, tell=False)
        teams = accounts.teams_covering(self, acting.person, unit.registered_name, unit.grid)
        if teams:
            raise RuleViolation(
                f"{stage.full_label}须由考核组以外的人审定；{acting.person} 属于考核组 "
                f"{one_of(teams)}（考核 {unit.registered_name}），未记录"
            )

    def _phase_of(self, cycle: Cycle) -> str:
        return _phase(self.scheme_of(cycle), cycle.stage)

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def permit(self, acting: Acting, command: str) -> None:
        """Refuse unless the principal, and the person it acts for, may run ``command``
        (``roles.PERMISSIONS`` over the database's accounts); note the assurance and the
        scopes the save is checked against. Checked once per command."""
        if command in acting.permitted:
            return
        from pdca.application import accounts

        accounts.permit(self, acting, command)
        acting.permitted = acting.permitted | {command}

    def _save_new(
        self, acting: Acting, aggregate: Any, duplicate_message: str, *others: Any
    ) -> None:
        saving.save(self, acting, (aggregate, *others), lambda _read: Conflict(duplicate_message))

    def _save_changed(self, acting: Acting, aggregate: Any, address: str, *others: Any) -> None:
        """Save what one command changed, all or nothing; a concurrent change refuses it
        with what changed (``@saving.commutes`` use cases run again instead)."""
        saving.save(
            self,
            acting,
            (aggregate, *others),
            lambda read: saving.changed_underneath(self, f"'{address}'", read),
        )

    def _record_fact(
        self, acting: Acting, cycle: Cycle, address: str, event: type, **fields: Any
    ) -> None:
        """The tail of most use cases: record one fact on a cycle as the acting person,
        save it, and log it (``FindingRecorded`` → ``finding_recorded``)."""
        cycle.record(event, **fields, actor=acting.person)
        self._save_changed(acting, cycle, address)
        log.info(_snake(event.__name__), actor=acting.person, cycle=address, **_loggable(fields))


def new_cycle(unit: str, period: str, scheme: Scheme, actor: str, id: UUID | None = None) -> Cycle:
    """A cycle opened at the scheme's first stage, pinning its full text and digest
    (``id``: another generation of the address, after a void)."""
    fields = {
        "unit": unit,
        "period": period,
        "scheme_id": scheme.id,
        "scheme_version": scheme.version,
        "scheme_digest": scheme.digest,
        "scheme_text": scheme.text,
        "stage": scheme.initial,
        "actor": actor,
    }
    if id is None or id == cycle_id(unit, period):
        return Cycle(**fields)
    # The library's way to give an aggregate an id its ``create_id`` would not make.
    return Cycle._create(event_class=Cycle.Opened, id=id, **fields)  # type: ignore[attr-defined]


def _phase(scheme: Scheme, stage: str) -> str:
    try:
        return scheme.stage(stage).phase
    except KeyError:
        return stage


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _loggable(fields: dict[str, Any]) -> dict[str, Any]:
    """A fact's fields as a log line shows them: short, and no free text."""
    return {
        k: v if isinstance(v, int | str | type(None)) and not isinstance(v, bool) else str(v)
        for k, v in fields.items()
        # Token digests and salts stay out of logs: a log line is not the place to
        # look for which slip was which.
        if k not in ("evidence", "note", "reason", "title", "scores", "attachments")
        and k not in ("token_digest", "token_digests", "salt")
    }
