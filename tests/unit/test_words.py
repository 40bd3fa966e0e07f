"""click's own words are Chinese whatever ``LANG`` is: the shipped catalogue covers every
message click passes through gettext, the compiled ``.mo`` says what the ``.po`` says,
and a real ``pdca`` process under ``LANG=C.UTF-8`` or ``en_US.UTF-8`` prints no English
word of click's."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from pdca_cli import _words

PO = _words.CATALOGUE.with_suffix(".po")
PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


def po_entries(text: str) -> dict[tuple[str, ...], list[str]]:
    """``(msgid,)`` or ``(msgid, msgid_plural)`` → the translations, read from a .po."""
    entries: dict[tuple[str, ...], list[str]] = {}
    current: dict[str, str] = {}
    key = ""

    def flush() -> None:
        if current.get("msgid"):
            ids = (
                current["msgid"],
                *([current["msgid_plural"]] if "msgid_plural" in current else []),
            )
            entries[ids] = [current[k] for k in sorted(current) if k.startswith("msgstr")]
        current.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, rest = line.partition(" ")
        if key == "msgid":
            flush()
        current[key] = ast.literal_eval(rest)
    flush()
    return entries


def click_messages() -> set[tuple[str, ...]]:
    """Every literal click passes to ``_`` or ``ngettext``, in every module it ships."""
    found: set[tuple[str, ...]] = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
            ):
                texts = tuple(
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                )
                if texts:
                    found.add(texts)
    return found


def test_the_catalogue_has_every_word_click_translates() -> None:
    entries = po_entries(PO.read_text(encoding="utf-8"))
    missing = sorted(click_messages() - set(entries))
    assert missing == [], f"add to {PO.name} (and compile it): {missing}"
    for ids, translations in entries.items():
        fields = set(re.findall(r"\{(\w*)", " ".join(ids)))
        for text in translations:
            # A translation may drop a field (one plural form for all counts) but never
            # invent one: str.format would fail on it.
            assert set(re.findall(r"\{(\w*)", text)) <= fields, (ids, text)
            assert not re.search(
                r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}|%\(\w+\)s|Bash|Windows|UUID", "", text)
            ), text


def test_the_compiled_catalogue_is_the_po() -> None:
    compiled = _words.words()
    for ids, translations in po_entries(PO.read_text(encoding="utf-8")).items():
        if len(ids) == 1:
            assert compiled.gettext(ids[0]) == translations[0], ids
        else:
            assert compiled.ngettext(ids[0], ids[1], 1) == translations[0], ids
            assert compiled.ngettext(ids[0], ids[1], 5) == translations[0], ids


ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message and exit.",
    "Show the version and exit.",
    "Missing argument",
    "Missing option",
    "No such option",
    "No such command",
    "Invalid value",
    "Try '",
    "Error:",
    "is not a valid",
    "is not one of",
    ", version",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    " TEXT ",
    " INTEGER",
    " FLOAT",
    "[required]",
)

#: Each of click's words the brief names, and what a user then reads.
RUNS: list[tuple[list[str], list[str]]] = [
    (
        ["--help"],
        [
            "用法: pdca [选项] 命令 [参数]...",
            "  -w, --workspace 文本  工作区目录",
            "选项:",
            "命令:",
            "显示本帮助并退出。",
            "显示版本并退出。",
        ],
    ),
    (["--version"], ["pdca，版本 "]),
    # Placeholders and "required": click does not pass them through gettext (_words.localise).
    (["unit", "add", "--help"], ["用法: pdca unit add [选项] NAME", "--category 文本", "[必填]"]),
    (["demo", "--help"], ["--seed 整数", "--units 整数"]),
    (["projections", "run", "--help"], ["--interval 小数"]),
    (["unit", "add"], ["错误：缺少参数 'NAME'.", "运行 'pdca unit add --help' 查看帮助。"]),
    (["finding", "record", "甲/2024"], ["错误：缺少选项 '--source'."]),
    (["--nosuch"], ["错误：没有选项 '--nosuch'。"]),
    (["nosuch"], ["错误：没有命令 'nosuch'。"]),
    (
        ["ballot", "issue", "甲/2024", "--group", "g", "--count", "abc"],
        ["错误：'--count' 的值无效：'abc' 不是有效的整数。"],
    ),
    (
        ["export", "scores", "2024", "--format", "doc"],
        ["错误：'--format' 的值无效：'doc' 不是可选值（'xlsx', 'csv', 'json'）之一。"],
    ),
    (["unit", "list"], ["错误：当前目录 "]),  # a refusal of pdca's own, no workspace here
]


@pytest.mark.parametrize("lang", ["C.UTF-8", "en_US.UTF-8"])
def test_click_speaks_chinese_whatever_lang_says(lang: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PDCA_"))}
    env.update(LANG=lang, LC_ALL=lang, LANGUAGE="en", COLUMNS="200")
    for args, expected in RUNS:
        run = subprocess.run(
            [PDCA, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        said = run.stdout + run.stderr
        assert run.returncode != 1 or args[0] == "unit", said
        for text in expected:
            assert text in said, (args, said)
        for word in ENGLISH:
            assert word not in said, (args, word, said)
