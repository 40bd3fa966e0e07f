"""The internal-error log keeps the command line, but never a ballot's token and marks."""

from __future__ import annotations

from pdca_cli._crash import _without_ballots


def test_a_ballot_cast_is_logged_without_its_token_and_marks() -> None:
    args = ["ballot", "cast", "甲局/2024", "--token", "7DKB-WBC2", "duty=18", "report=19"]
    assert _without_ballots(args) == [
        "ballot", "cast", "甲局/2024", "--token", "***", "***", "***",
    ]  # fmt: skip
    assert _without_ballots(["ballot", "cast", "C", "--token=7DKB"])[-1] == "--token=***"
    # Other commands keep every argument (a finding's evidence is no secret ballot).
    other = ["score", "record", "C", "duty", "1", "--evidence", "a=b"]
    assert _without_ballots(other) == other
