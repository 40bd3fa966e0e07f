"""click's own words (``Usage:``, ``Missing argument``, ``Show this message and exit.``)
in Chinese, whatever ``LANG`` says.

click passes its words through ``gettext`` (``from gettext import gettext as _`` in each
of its modules). Binding a text domain would not do: ``gettext`` picks a language from
``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG`` and ``C`` means no translation at all. So
the catalogue shipped beside this module (``locale/zh_CN/LC_MESSAGES/messages.mo``,
compiled from ``messages.po``) is read once and its ``gettext``/``ngettext`` replace
click's ``_``/``ngettext`` in the click modules already imported. That is every module
a pdca command reaches; ``click._termui_impl`` (progress bars, the editor) and
``click.shell_completion``, which pdca does not use, are not imported for it.

Install before any command is declared: a decorator such as ``version_option`` asks
for its help text when it runs.
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path
from typing import Any

CATALOGUE = Path(__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.mo"


class _NamedType(str):
    """A message formatted with a type's English name (click passes ``self.name``,
    ``integer`` or ``float``, as ``{number_type}``): the name is looked up too."""

    words: gettext.GNUTranslations

    def format(self, *args: Any, **kwargs: Any) -> str:
        name = kwargs.get("number_type")
        if isinstance(name, str):
            kwargs["number_type"] = self.words.gettext(name)
        return super().format(*args, **kwargs)


class ClickWords(gettext.GNUTranslations):
    def gettext(self, message: str) -> str:
        text = super().gettext(message)
        if "{number_type}" in message:
            text = _NamedType(text)
            text.words = self
        return text


def words() -> ClickWords:
    with CATALOGUE.open("rb") as handle:
        return ClickWords(handle)


def install() -> None:
    """Let every imported click module speak Chinese, and line up its columns by width."""
    import click.formatting

    click.formatting.term_len = display_width  # type: ignore[assignment]
    found = words()
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = found.gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = found.ngettext  # type: ignore[attr-defined]


#: click's placeholders in usage lines and option lists are not passed through gettext:
#: ``[OPTIONS]`` and ``COMMAND [ARGS]...`` are constructor defaults, a type's placeholder is
#: its English ``name`` upper-cased. They are set per command instead (``localise``).
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
TYPE_METAVARS = {
    "text": "文本",
    "integer": "整数",
    "integer range": "整数",
    "float": "小数",
    "float range": "小数",
    "path": "路径",
    "filename": "文件",
}


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a wide (CJK) character takes two. click lines
    up its option list by character count, which puts a Chinese placeholder's
    description two columns per character too far left."""
    import unicodedata

    from click._compat import strip_ansi

    plain = strip_ansi(text)
    return len(plain) + sum(unicodedata.east_asian_width(c) in "WF" for c in plain)


def localise(command: Any) -> Any:
    """Give ``command`` (and the commands of a group declared inside it) Chinese
    placeholders where click would print English ones; placeholders a command
    declares itself (``CYCLE``, ``ID``) are left as declared."""
    import click

    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            localise(sub)
    for param in command.params:
        if isinstance(param, click.Option) and param.metavar is None:
            word = TYPE_METAVARS.get(param.type.name)
            if word is not None and not param.is_flag:
                param.metavar = word
    return command
