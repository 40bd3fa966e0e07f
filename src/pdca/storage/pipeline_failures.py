"""Which error a save refused inside psycopg's pipeline reports: the statement that
failed, not the pipeline's ``PipelineAborted`` said after it. Shared by the one-shot
recorder (``pg_single``) and the pooled one (``postgres_recorder``)."""

from __future__ import annotations


def first_failure(exc: BaseException) -> BaseException:
    """The statement that failed, not the pipeline's word for those after it. When the
    sync has fetched the failing statement's error, psycopg fetches the rest in a
    ``finally`` and raises ``PipelineAborted`` over it — the real error (a login without
    the privilege, a conflict) is left only as its context: seen as 「数据库不可用：pipeline
    aborted」 for a reader's write, now and then, by the order results arrived in."""
    from psycopg import Error
    from psycopg.errors import PipelineAborted

    found: BaseException = exc
    while isinstance(found, PipelineAborted) and isinstance(found.__context__, Error):
        found = found.__context__
    return found


def reported(*raised: BaseException | None) -> BaseException:
    """Of what a save raised — in its statements, then at the end of its transaction or
    pipeline — the statement that failed, before any ``PipelineAborted`` said after it."""
    from psycopg.errors import PipelineAborted

    found = [first_failure(exc) for exc in raised if exc is not None]
    return next((exc for exc in found if not isinstance(exc, PipelineAborted)), found[0])
