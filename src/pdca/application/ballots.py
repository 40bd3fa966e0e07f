"""Ballots (测评票): issuing tokens, a clerk's batch, a single cast into the ballot box,
and closing the box.

What may be kept of a ballot, and what not (issue 13): the history keeps which token
digests were issued (salted, sorted) and which are spent, and every ballot's marks and
group — never its token, never who entered it, and never when it was cast. A single
cast spends its token at once (so a repeat is refused at once) and leaves the ballot in
the ballot box (``pdca.storage.ballot_box``); closing the box records its ballots in a
shuffled batch. A clerk's paper batch is one event naming the clerk, its ballots
recorded shuffled in the same save.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pdca import log
from pdca.application import ballot_tokens
from pdca.application.acting import Acting, writes
from pdca.application.recording import SCORING
from pdca.application.saving import commutes
from pdca.domain.cycle import Cycle
from pdca.errors import Conflict, InvalidInput, RuleViolation, StorageError, one_of
from pdca.rules.naming import resolve

if TYPE_CHECKING:
    from pdca.application.ballot_file import BallotFile

CLOSING = ("check", "act")  # a box left open when 督查 ended may still be closed


def _shuffled(items: list[Any]) -> list[Any]:
    """A batch of ballots in an order nobody can reproduce (not the order of the file,
    nor of the slips)."""
    import secrets

    items = list(items)
    secrets.SystemRandom().shuffle(items)
    return items


def _by_id(scheme: Any, scores: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """A ballot's scores keyed by item id, whether an item was named by id or label; an
    unknown name stays as it is, for the ballot's own check to name."""
    found: dict[str, Decimal] = {}
    given: dict[str, str] = {}
    for name, value in scores.items():
        item = resolve(scheme, "ballot_item", name, unknown_as_is=True)
        if item in found:
            raise InvalidInput(f"测评项目 {item} 填了两次（{given[item]}、{name}）")
        found[item], given[item] = value, name
    return found


class Ballots:
    """Mixed into ``PdcaApplication``; relies on its ``get_cycle``, ``scheme_of``,
    ``_require_phase``, ``_record_fact``, ``_save_changed`` and ``ballot_box``."""

    get_cycle: Callable[..., Cycle]
    scheme_of: Callable[[Cycle], Any]
    _require_phase: Callable[..., None]
    _require_records: Callable[..., None]
    _record_fact: Callable[..., None]
    _save_changed: Callable[..., None]
    ballot_box: Callable[[], Any]
    get_unit: Callable[..., Any]

    @writes("ballot issue")
    @commutes
    def issue_ballots(
        self,
        acting: Acting,
        address: str,
        group: str,
        count: int,
        make_token: Callable[[], str] = ballot_tokens.new_token,
        rater_unit: str | None = None,
        rater_grid: str | None = None,
    ) -> list[str]:
        """Issue ``count`` one-time tokens of ``group``; for a group whose raters are
        units (or grids), to one rater unit (grid) other than the unit scored."""
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, SCORING, "发放测评票")
        scheme = self.scheme_of(cycle)
        if scheme.rules.ballot is None:
            raise RuleViolation(f"方案 {cycle.scheme_id} 没有测评票")
        group = acting.named["group"] = resolve(scheme, "group", group)
        self._require_records(cycle, "ballots", f"发放测评组 {group} 的测评票", group)
        if not 1 <= count <= 1000:
            raise RuleViolation(f"一次发放 {count} 张不可；允许 1 至 1000 张")
        raters = next(g for g in scheme.rules.ballot.groups if g.id == group).raters
        rater = self._rater(cycle, group, raters, rater_unit, rater_grid)
        tokens = [make_token() for _ in range(count)]
        # Salted per issue and sorted: the history keeps which digests were issued, not
        # the order their slips were printed in.
        salt = ballot_tokens.new_salt()
        digests = sorted(ballot_tokens.token_digest(t, salt) for t in tokens)
        if raters:
            # 分片互评: the rater unit (or grid) is stored with the tokens; the person who
            # fills the ballot in never is.
            self._record_fact(
                acting,
                cycle,
                address,
                Cycle.BallotsIssuedToRater,
                group=group,
                rater_unit=rater if raters == "units" else None,
                rater_grid=rater if raters == "grids" else None,
                token_digests=digests,
                salt=salt,
            )
            return tokens
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.BallotsIssued,
            group=group,
            token_digests=digests,
            salt=salt,
        )
        return tokens

    def _rater(
        self,
        cycle: Cycle,
        group: str,
        raters: str,
        rater_unit: str | None,
        rater_grid: str | None,
    ) -> str | None:
        """The rater unit (or grid) a group's ballots go to (分片互评): named where the
        scheme asks for one, and never the unit the ballots score (or a grid holding it)."""
        given = rater_unit if raters == "units" else rater_grid
        other = rater_grid if raters == "units" else rater_unit
        option = {"units": "--rater-unit 评价单位", "grids": "--rater-grid 评价联系片"}
        if not raters:
            if rater_unit or rater_grid:
                raise RuleViolation(
                    f"测评组 {group} 的票不发给评价单位或联系片；去掉 --rater-unit/--rater-grid"
                )
            return None
        if other or not given:
            raise RuleViolation(
                f"测评组 {group} 的票须发给评价{'单位' if raters == 'units' else '联系片'}：写 {option[raters]}"
            )
        target = self.get_unit(cycle.unit, tell=False)
        if raters == "units":
            rater = self.get_unit(given).registered_name
            if rater == target.registered_name:
                raise RuleViolation(
                    f"评价单位 {rater} 不能为本单位评分；测评组 {group} 的票只能发给其他单位"
                )
            if target.grid and self.get_unit(rater, tell=False).grid != target.grid:
                raise RuleViolation(
                    f"评价单位 {rater} 不在 {target.registered_name} 的联系片 {target.grid} 内；"
                    "分片互评只在本片内进行"
                )
            return rater
        if target.grid == given.strip():
            raise RuleViolation(
                f"联系片 {given.strip()} 不能为本片单位 {target.registered_name} 评分；"
                f"测评组 {group} 的票只能发给其他联系片"
            )
        return given.strip()

    def _issued_digest(self, cycle: Cycle, token: str) -> str | None:
        """The stored digest of ``token`` under whichever of the cycle's issues made it."""
        for salt in cycle.facts.issue_salts:
            digest = ballot_tokens.token_digest(token, salt)
            if digest in cycle.facts.issued_tokens:
                return digest
        return None

    def _check_ballot(
        self, cycle: Cycle, token: str, scores: Mapping[str, Decimal], pending: set[str]
    ) -> tuple[str, str, dict[str, Decimal]]:
        """A ballot checked whole: its token's digest, its group and its scores by item id."""
        scheme = self.scheme_of(cycle)
        ballot = scheme.rules.ballot
        if ballot is None:
            raise RuleViolation(f"方案 {cycle.scheme_id} 没有测评票")
        scores = _by_id(scheme, scores)
        digest = self._issued_digest(cycle, token)
        if digest is None:
            raise RuleViolation(f"测评票令牌 '{token}' 无效：不是本周期发放的令牌")
        group = cycle.facts.issued_tokens[digest]
        self._require_records(cycle, "ballots", f"投测评组 {group} 的测评票", group)
        if digest in cycle.facts.used_tokens or digest in pending:
            raise Conflict(f"测评票令牌 '{token}' 已使用过，每张票只能投一次")
        unknown, missing, mixed = ballot.gaps(scores)
        if mixed:
            raise InvalidInput(
                f"测评项目 {'、'.join(mixed)} 既填了总分又填了采分点；每个项目只能按一种方式填写"
            )
        if unknown or missing:
            raise InvalidInput(
                f"测评票项目不符：{'未知 ' + '、'.join(sorted(unknown)) if unknown else ''}{'；' if unknown and missing else ''}"
                f"{'缺少 ' + '、'.join(missing) if missing else ''}；应填：{one_of(f'{i.id}（0–{i.max}）' for i in ballot.asked(scores))}"
            )
        for field in ballot.accepted():
            if field.id in scores and not 0 <= scores[field.id] <= field.max:
                raise InvalidInput(
                    f"测评项目 {field.id}（{field.label}）的分数 {scores[field.id]} 超出范围；允许 0 至 {field.max}"
                )
        return digest, cycle.facts.issued_tokens[digest], scores

    @writes("ballot import", "ballot cast")
    @commutes
    def cast_ballots(
        self, acting: Acting, address: str, ballots: list[tuple[str, dict[str, Decimal]]]
    ) -> int:
        """Record a clerk's batch of ballots (paper slips, a ballot file); all are checked
        before any is recorded. One event spends the tokens and names the clerk; the
        ballots follow, shuffled, with no token and no actor."""
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, SCORING, "投测评票")
        if not ballots:
            raise InvalidInput("没有要投的测评票")
        pending: set[str] = set()
        checked = []
        for n, (token, scores) in enumerate(ballots, 1):
            try:
                digest, group, scores = self._check_ballot(cycle, token, scores, pending)
            except (RuleViolation, Conflict) as exc:
                prefix = f"第 {n} 张票：" if len(ballots) > 1 else ""
                raise type(exc)(f"{prefix}{exc}；整批未记录") from None
            pending.add(digest)
            checked.append((group, scores))
        cycle.record(
            Cycle.BallotTokensUsed, token_digests=sorted(pending), boxed=False, actor=acting.person
        )
        for group, scores in _shuffled(checked):
            cycle.record(Cycle.BallotCounted, group=group, scores=dict(scores))
        self._save_changed(acting, cycle, address)
        log.info("ballots_cast", actor=acting.person, cycle=address, count=len(checked))
        return len(checked)

    @writes("ballot cast")
    @commutes
    def cast_ballot(
        self, acting: Acting, address: str, token: str, scores: dict[str, Decimal]
    ) -> None:
        """Cast one ballot into its group's box: the token is spent at once (a repeat is
        refused), the ballot is counted when the box is closed (``close_ballots``). No
        actor is recorded, and the log line names neither the caster nor the token."""
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, SCORING, "投测评票")
        digest, group, scores = self._check_ballot(cycle, token, scores, set())
        cycle.record(Cycle.BallotTokensUsed, token_digests=[digest], boxed=True, actor="")
        self._save_changed(acting, cycle, address)
        # After the token is spent: a failure here loses this ballot (the close counts it
        # as missing) rather than letting its token be used twice.
        generation = cycle.facts.boxes_closed.get(group, 0)
        try:
            self.ballot_box().put(str(cycle.id), group, generation, dict(scores))
        except Exception as exc:
            from pdca.storage.failures import first_line, is_database_error

            if not is_database_error(exc):
                raise
            # Say what happened: the token is spent, its ballot is not in the box.
            raise StorageError(
                f"令牌已用，但这张票未能放入票箱（{first_line(exc)}）；此票不计入，"
                "关闭票箱时计为未入箱"
            ) from None
        log.info("ballot_boxed", cycle=address)

    @writes("ballot close")
    def close_ballots(
        self, acting: Acting, address: str, group: str | None = None
    ) -> list[tuple[str, int, int]]:
        """Close the ballot boxes (all with ballots waiting, or ``group``'s): their
        ballots are recorded in a shuffled batch. Returns (group, counted, missing)."""
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, CLOSING, "关闭票箱")
        scheme = self.scheme_of(cycle)
        if scheme.rules.ballot is None:
            raise RuleViolation(f"方案 {cycle.scheme_id} 没有测评票")
        waiting = {g: n for g, n in cycle.facts.boxed.items() if n}
        if group is not None:
            group = acting.named["group"] = resolve(scheme, "group", group)
            if group not in waiting:
                raise RuleViolation(f"评议群体 {group} 的票箱里没有待计入的票，不必关闭")
            waiting = {group: waiting[group]}
        if not waiting:
            raise RuleViolation(
                f"周期 {address} 没有待计入的票箱；票箱只收 pdca ballot cast 投的票"
            )
        box = self.ballot_box()
        told = []
        for name, expected in sorted(waiting.items()):
            generation = cycle.facts.boxes_closed.get(name, 0)
            ballots = box.ballots(str(cycle.id), name, generation)
            for scores in ballots:  # already in a fresh random order
                cycle.record(Cycle.BallotCounted, group=name, scores=scores)
            missing = max(expected - len(ballots), 0)
            cycle.record(
                Cycle.BallotBoxClosed,
                group=name,
                count=len(ballots),
                missing=missing,
                actor=acting.person,
            )
            told.append((name, len(ballots), missing))
        self._save_changed(acting, cycle, address)
        for name, _, _ in told:
            box.clear(str(cycle.id), name, cycle.facts.boxes_closed[name])
        log.info("ballot_boxes_closed", actor=acting.person, cycle=address, count=len(told))
        return told

    @writes("ballot import")
    @commutes
    def import_ballots(self, acting: Acting, address: str, file: BallotFile) -> int:
        """Cast a ballot file's ballots: its columns are checked against the scheme's
        ballot items first, so an unknown or a missing column is named as a column."""
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, SCORING, "投测评票")
        scheme = self.scheme_of(cycle)
        ballot = scheme.rules.ballot
        if ballot is not None:
            # A column names an item or a 采分点 by its id or its label.
            named = {c: resolve(scheme, "ballot_item", c, unknown_as_is=True) for c in file.items}
            unknown, missing, mixed = ballot.gaps(list(named.values()))
            unknown = [c for c in file.items if named[c] in unknown]
            twice = [c for c in file.items if list(named.values()).count(named[c]) > 1]
            if twice:
                raise RuleViolation(
                    f"测评票文件的列 {'、'.join(twice)} 是同一个测评项目 "
                    f"{named[twice[0]]}；每个项目只能有一列；整批未记录"
                )
            if mixed:
                raise RuleViolation(
                    f"测评票文件的列既有测评项目 {'、'.join(mixed)} 的总分又有其采分点；"
                    "每个项目只能按一种方式填写；整批未记录"
                )
            if unknown or missing:
                told = ([f"未知列 {'、'.join(unknown)}"] if unknown else []) + (
                    [f"缺少列 {'、'.join(missing)}"] if missing else []
                )
                raise RuleViolation(
                    f"测评票文件的列不符：{'；'.join(told)}；"
                    f"首行应为 token,{','.join(f.id for f in ballot.asked(named.values()))}；整批未记录"
                )
        return self.cast_ballots(acting, address, file.ballots())
