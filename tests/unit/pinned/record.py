"""Records what pdca read from each text here BEFORE the scheme format had a schema.

Run once, at commit 2b677c4 (main before issue 12), from the repository root:
``python tests/unit/pinned/record.py``. It wrote ``read_before.json``; the test
``tests/unit/test_pinned_texts.py`` checks that today's reader of pinned texts gives
exactly the same stages, triggers and rules. Running it again after the change would
only record the new reader: do not.
"""

from __future__ import annotations

import json
from pathlib import Path

from pdca.rules.schemes import load_file, pinned

HERE = Path(__file__).resolve().parent


def read(text: str) -> dict[str, str]:
    scheme = pinned(text)
    return {
        "ref": scheme.ref,
        "name": scheme.name,
        "source": scheme.source,
        "initial": scheme.initial,
        "stages": repr(scheme.stages),
        "triggers": repr(scheme.triggers),
        "rules": repr(scheme.rules),
    }


def main() -> None:
    found = {}
    for path in sorted(HERE.glob("*.toml")):
        load_file(path)  # each text was admissible then: a cycle could have pinned it
        found[path.name] = read(path.read_text(encoding="utf-8"))
    (HERE / "read_before.json").write_text(
        json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
