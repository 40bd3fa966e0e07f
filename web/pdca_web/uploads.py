"""Evidence through the browser: files sent with a form (``<input type=file name=attach>``)
handed to the application as uploads, checked there exactly as ``--attach`` is (type by
content, size), and an attachment fetched back by its digest (``/evidence/DIGEST``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pdca_web.session import endpoint, office

FIELD = "attach"


def uploads(request: Request, form: Any) -> list[Any]:
    """The files posted in ``form``'s ``attach`` inputs (an empty input sends a nameless,
    empty part: skipped). At most one byte past the workspace's limit is read, so the
    application refuses an oversized file with its own one-line reason."""
    from pdca.application.attaching import Upload

    limit = office(request).app.workspace.attachment_limit
    found = []
    for value in form.getlist(FIELD) if form is not None else ():
        if isinstance(value, str):
            continue  # a field, not a file (a form posted without multipart)
        data = value.file.read(limit + 1)  # a spooled file: a plain read in the threadpool
        if value.filename or data:
            found.append(Upload(value.filename or "附件", data))
    return found


@endpoint()
def evidence(request: Request) -> Response:
    info, data = office(request).app.evidence_bytes(request.path_params["digest"])
    return Response(
        data,
        media_type=info.media_type,
        headers={
            # Always a download, never rendered as a page of this site.
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(info.name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


ROUTES = [Route("/evidence/{digest}", evidence)]
