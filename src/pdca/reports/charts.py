"""The round report's charts, drawn by matplotlib as inline SVG.

Text stays text (``svg.fonttype = none``) with a list of CJK fonts to fall back on, so
the browser draws the Chinese labels with whatever CJK font it has; nothing is fetched.
Decimals become floats here only to be drawn: the report's tables carry the exact
figures. Imported by the report command only (matplotlib costs ~0.4 s).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

CJK_FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "DejaVu Sans",
]
PALETTE = ["#c0392b", "#2e86c1", "#d4ac0d", "#229954", "#7d3c98", "#ca6f1e", "#566573"]
#: What a colour means, the same in every chart and in the CLI (``rectify list``: 红 overdue):
#: red is bad news (overdue, a fall in rank), green good news (closed out, a rise).
RED, BLUE, AMBER, GREEN = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]
CLOSEOUT_COLOURS = {"累计交办": BLUE, "累计销号": GREEN, "月末未销号": AMBER, "月末逾期": RED}

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "pdca",  # the same data draws the same file
        "font.family": "sans-serif",
        "font.sans-serif": CJK_FONTS,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 9,
    }
)
# A machine without a CJK font still writes the text; the browser picks its own font.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element to inline in HTML."""
    import warnings

    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)


def _f(values: Sequence[Decimal | None]) -> list[float]:
    return [float(v) if v is not None else 0.0 for v in values]


def distribution(groups: dict[str, list[Decimal]], title: str) -> str:
    """A box per category with every unit's total as a dot on it."""
    names = list(groups)
    fig, ax = plt.subplots(figsize=(1.6 * len(names) + 2, 3.6))
    data = [_f(groups[n]) for n in names]
    ax.boxplot(data, widths=0.5, showfliers=False)
    for i, values in enumerate(data, start=1):
        # A fixed spread instead of random jitter: the same data, the same picture.
        spread = [(k % 7 - 3) * 0.04 for k in range(len(values))]
        ax.scatter([i + s for s in spread], values, s=14, color=PALETTE[1], zorder=3)
    ax.set_xticks(range(1, len(names) + 1), [f"{n}\n（{len(groups[n])} 个）" for n in names])
    ax.set_ylabel("总分")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    return svg(fig)


def breakdown(units: list[str], parts: dict[str, list[Decimal | None]], title: str) -> str:
    """Each unit's total as a horizontal bar stacked from its components' weighted points."""
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    height = 0.24 * len(units) + 1.4
    fig, ax = plt.subplots(figsize=(8, height))
    left = [0.0] * len(units)
    handles = []
    for (label, values), colour in zip(parts.items(), PALETTE * 4, strict=False):
        widths = _f(values)
        # One collection per component, not one patch per bar: 500 units draw in a second.
        boxes = [
            [(x, y - 0.35), (x + w, y - 0.35), (x + w, y + 0.35), (x, y + 0.35)]
            for y, (x, w) in enumerate(zip(left, widths, strict=True))
        ]
        ax.add_collection(PolyCollection(boxes, facecolors=colour, edgecolors="none"))
        handles.append(Patch(color=colour, label=label))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_xlim(0, max(left, default=1) * 1.05 or 1)
    ax.set_ylim(len(units) - 0.5, -0.5)  # the first-ranked on top
    ax.set_yticks(range(len(units)), units)
    ax.set_xlabel("折算分")
    ax.set_title(title)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.55 / height),
        ncol=3,
        frameon=False,
    )
    ax.grid(axis="x", alpha=0.3)
    return svg(fig)


def counts(
    labels: list[str], values: list[int], title: str, caps: Sequence[tuple[list[str], int, str]]
) -> str:
    """How many units got each grade or tier; a dashed line over a quota's bars at its cap."""
    fig, ax = plt.subplots(figsize=(1.1 * len(labels) + 2.5, 3.2))
    bars = ax.bar(labels, values, color=PALETTE[1], width=0.6)
    ax.bar_label(bars)
    for members, cap, text in caps:
        xs = [labels.index(m) for m in members if m in labels]
        if xs:
            ax.hlines(cap, min(xs) - 0.4, max(xs) + 0.4, colors=PALETTE[0], linestyles="dashed")
            ax.annotate(text, (max(xs) + 0.42, cap), color=PALETTE[0], va="center", fontsize=8)
    ax.set_ylabel("单位数")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.margins(y=0.15)
    return svg(fig)


def closeout(months: list[str], series: dict[str, list[int]], title: str) -> str:
    """Rectification over the months: cumulative lines, month-end bars."""
    fig, ax = plt.subplots(figsize=(max(5.0, 0.6 * len(months) + 2), 3.4))
    x = list(range(len(months)))
    bar_keys = [k for k in series if k.startswith("月末")]
    width = 0.8 / max(len(bar_keys), 1)
    for n, key in enumerate(bar_keys):
        ax.bar(
            [i + (n - (len(bar_keys) - 1) / 2) * width for i in x],
            series[key],
            width,
            label=key,
            color=CLOSEOUT_COLOURS.get(key, PALETTE[4 + n]),
        )
    for n, key in enumerate(k for k in series if k not in bar_keys):
        colour = CLOSEOUT_COLOURS.get(key, PALETTE[4 + n])
        ax.plot(x, series[key], marker="o", label=key, color=colour)
    ax.set_xticks(x, months)
    ax.set_ylabel("事项数")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return svg(fig)


def moves(labels: list[str], changes: list[int], title: str) -> str:
    """How each unit's rank changed once the ledger was applied, signed as people read a
    change of rank: a fall is negative (red, left), a rise positive (green, right)."""
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(labels) + 1.2))
    colours = [RED if v < 0 else GREEN for v in changes]
    y = list(range(len(labels)))
    ax.barh(y, changes, color=colours, height=0.6)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.axvline(0, color="#333", linewidth=0.8)
    ax.set_xlabel("名次变化（负数：名次下降）")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    return svg(fig)
