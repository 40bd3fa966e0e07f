"""Where a projection's handler failed: its file and line, as the admin wrote them.

``KeyError: 'observed'`` alone leaves an admin guessing which of a dozen handlers
read a field that is not there; the line of the projection's own file that raised
(the last one in the traceback: a failure inside ``batch.put`` is reported at the
handler's call) is what they need to open.
"""

from __future__ import annotations

from pathlib import Path

from pdca.projections.api import Projection


def source_file(projection: Projection) -> str | None:
    """The file the projection's handlers were compiled from."""
    for handler in type(projection).handlers.values():
        code = getattr(handler, "__code__", None)
        if code is not None:
            return str(code.co_filename)
    return None


def located(exc: BaseException, projection: Projection, shown_as: str) -> str:
    """``projections/x.py 第 42 行：KeyError 'observed'`` (the line when one of the
    projection's own lines is in the traceback)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = f"{type(exc).__name__} {first}".strip()
    wanted = source_file(projection)
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if wanted is not None and tb.tb_frame.f_code.co_filename == wanted:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{shown_as} 第 {line} 行：{what}" if line is not None else what


def shown_path(projection: Projection) -> str:
    """A built-in projection's file as ``pdca/projections/scores.py``."""
    found = source_file(projection)
    if found is None:
        return type(projection).__name__
    path = Path(found)
    parts = path.parts
    return "/".join(parts[parts.index("pdca") :]) if "pdca" in parts else path.name
