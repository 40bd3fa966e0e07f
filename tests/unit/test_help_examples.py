"""Every example in every command's help parses as that command, and every id it names
(a scheme, trigger, item, component, ballot group and items, veto, ledger indicator and
source, task quality) exists in a shipped scheme — all of one example's in the same one.
A user copies examples; one naming an id no scheme has is a refusal waiting to happen."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from pdca_cli import cli

from pdca.errors import RuleViolation
from pdca.rules.naming import resolve_target, things
from pdca.rules.schemes import Scheme, load_file

WORKFLOWS = Path(__file__).parents[2] / "workflows"
SCHEMES = [load_file(p) for p in sorted(WORKFLOWS.glob("*.toml"))]

#: Which parameter of which command names which kind of a scheme's things.
NAMED: dict[str, dict[str, str]] = {
    "scheme show": {"scheme_ref": "scheme"},
    "scheme validate": {"file": "file"},
    "cycle open": {"scheme_ref": "scheme"},
    "round open": {"scheme_ref": "scheme"},
    "ranking": {"scheme_id": "scheme"},
    "export": {"scheme_id": "scheme"},
    "round finalize": {"scheme_id": "scheme"},
    "cycle advance": {"trigger": "trigger"},
    "score record": {"item": "item"},
    "score na": {"component": "component"},
    "ballot issue": {"group": "group"},
    "ballot cast": {"scores": "ballot_scores"},
    "veto apply": {"rule": "veto"},
    "finding record": {"indicator": "indicator", "source": "source"},
    "task complete": {"quality": "quality"},
}


def command_paths(group: click.Group, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
    ctx = click.Context(group, info_name="pdca")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield [*path, name], command
        if isinstance(command, click.Group):
            yield from command_paths(command, [*path, name])


def examples(help_text: str) -> list[tuple[str, list[str]]]:
    """The example block's command lines (a trailing ``\\`` joins the next line), each with
    the comment lines under it (``# ballots.csv: token,duty,…``)."""
    lines = help_text.splitlines()
    start = next((n for n, line in enumerate(lines) if line.strip() == "示例:"), None)
    if start is None:
        return []
    found: list[tuple[str, list[str]]] = []
    pending = ""
    for line in lines[start + 1 :]:
        text = line.strip()
        if not text:
            break
        if text.startswith("#"):
            found[-1][1].append(text.lstrip("# "))
            continue
        pending = f"{pending} {text}".strip()
        if pending.endswith("\\"):
            pending = pending[:-1]
            continue
        found.append((pending, []))
        pending = ""
    return found


def invocations(line: str) -> Iterator[list[str]]:
    """The pdca command lines in one example line (``pdca init X && cd X``, ``A=b pdca …``,
    ``pdca export … > file``)."""
    for part in line.split("&&"):
        words = shlex.split(part)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]  # an environment variable set for the command
        if words and words[0] == "pdca":
            if ">" in words:
                words = words[: words.index(">")]
            yield words[1:]


def parse(args: list[str]) -> tuple[str, dict[str, Any]]:
    """Parse as click would run it: the command's path and its parameters' values."""
    ctx = cli.make_context("pdca", list(args))
    command: click.Command = cli
    path: list[str] = []
    while isinstance(command, click.Group):
        rest = [*ctx._protected_args, *ctx.args]  # type: ignore[attr-defined]
        if not rest and command.invoke_without_command:  # ``pdca anchor`` runs on its own
            break
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        path.append(name)
        ctx = sub.make_context(name, rest, parent=ctx)
        command = sub
    return " ".join(path), ctx.params


def _ids(scheme: Scheme, kind: str) -> set[str]:
    return {name for pair in things(scheme, kind) for name in pair}


def holds(scheme: Scheme, kind: str, value: Any, notes: list[str]) -> bool:
    """Whether ``scheme`` has what ``value`` names, as a value of ``kind``."""
    if kind == "scheme":
        return value.partition("@")[0] == scheme.id
    if kind == "file":
        return Path(value).name in {p.name for p in WORKFLOWS.glob("*.toml")} and (
            load_file(WORKFLOWS / Path(value).name).id == scheme.id
        )
    if kind == "source":
        return value in scheme.rules.ledger_sources
    if kind == "quality":
        return value in dict(scheme.rules.quality)
    if kind == "item":  # an item, or one 采分点 as ITEM.POINT (format 3)
        try:
            resolve_target(scheme, value)
        except RuleViolation:
            return False
        return True
    if kind == "ballot_scores":
        names = [pair.partition("=")[0] for pair in value]
        csv_columns = [
            c for note in notes if ":" in note for c in note.split(":", 1)[1].strip().split(",")
        ]
        every = [names, *([csv_columns[1:]] if csv_columns else [])]
        # A whole ballot: each item given whole or by all its 采分点 (format 3), nothing else.
        ballot = scheme.rules.ballot
        return ballot is not None and all(
            ballot.gaps(resolve_all(scheme, n)) == ([], [], []) for n in every if n
        )
    return value in _ids(scheme, kind)


def resolve_all(scheme: Scheme, names: list[str]) -> list[str]:
    labels = dict((label, thing_id) for thing_id, label in things(scheme, "ballot_item"))
    return [labels.get(n, n) for n in names]


HELP = [
    (" ".join(path) or "pdca", command.help or "")
    for path, command in [([], cli), *command_paths(cli, [])]
]


@pytest.mark.parametrize(("where", "help_text"), HELP, ids=[w for w, _ in HELP])
def test_every_help_example_parses_and_names_what_a_shipped_scheme_has(
    where: str, help_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where an example's files are written out from its notes
    for line, notes in examples(help_text):
        if notes and ":" in notes[0]:  # "ballots.csv:  token,duty,…" and its rows
            name, _, header = notes[0].partition(":")
            Path(name).write_text("\n".join([header.strip(), *notes[1:]]) + "\n")
        for args in invocations(line):
            try:
                path, params = parse(args)
            except click.UsageError as exc:
                pytest.fail(f"{where}: the example '{line}' does not parse: {exc.format_message()}")
            named = {
                p: k for p, k in NAMED.get(path, {}).items() if params.get(p) not in (None, ())
            }
            if path == "ballot import":  # the CSV's header names the ballot items
                named, params = {"scores": "ballot_scores"}, {"scores": []}
            if not named:
                continue
            fitting = [
                s.ref
                for s in SCHEMES
                if all(holds(s, kind, params[p], notes) for p, kind in named.items())
            ]
            assert fitting, (
                f"{where}: no shipped scheme has what '{line}' names "
                f"({', '.join(f'{p}={params[p]!r}' for p in named)})"
            )


def test_the_ballot_examples_name_a_whole_ballot() -> None:
    # The checks above are not vacuous: the ballot examples are found and checked.
    cast = dict(HELP)["ballot cast"]
    assert examples(cast) and examples(dict(HELP)["ballot import"])[0][1]
