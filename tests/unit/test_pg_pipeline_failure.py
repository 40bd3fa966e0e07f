"""A save refused by PostgreSQL inside psycopg's pipeline reports the statement that
failed. psycopg raises ``PipelineAborted`` from the ``finally`` of its sync when the
failing statement's error was fetched first and the aborted ones after it — the real
error survives only as the context. Which of the two arrives depends on when the results
reach the client, so the real-server test (a reader login's write,
test_database_safeguards) saw 「数据库不可用：pipeline aborted」 only now and then; here
the two are raised in that order on purpose."""

from __future__ import annotations

import psycopg
from psycopg import errors

from pdca.storage.pipeline_failures import first_failure as _first_failure


def _as_the_pipeline_raises_them() -> BaseException:
    try:
        try:
            raise errors.InsufficientPrivilege("permission denied for table pdca_events")
        finally:
            raise errors.PipelineAborted("pipeline aborted")
    except psycopg.Error as exc:
        return exc


def test_the_statement_that_failed_is_reported_not_the_pipelines_word() -> None:
    raised = _as_the_pipeline_raises_them()
    assert isinstance(raised, errors.PipelineAborted)  # what psycopg hands over
    found = _first_failure(raised)
    assert isinstance(found, errors.InsufficientPrivilege)
    assert "permission denied" in str(found)


def test_an_abort_with_nothing_under_it_stays_what_it_is() -> None:
    alone = errors.PipelineAborted("pipeline aborted")
    assert _first_failure(alone) is alone
    other = errors.UniqueViolation("duplicate key")
    assert _first_failure(other) is other


def test_a_save_reports_the_failed_statement_whichever_end_said_it() -> None:
    from pdca.storage.pipeline_failures import reported as _reported

    real = errors.InsufficientPrivilege("permission denied for table pdca_attachments")
    aborted = errors.PipelineAborted("pipeline aborted")
    # The statements said "aborted"; the end of the pipeline then raised the real one.
    assert _reported(aborted, real) is real
    # The statements raised the real one; the end said "aborted" after it.
    assert _reported(real, aborted) is real
    assert _reported(None, aborted) is aborted
