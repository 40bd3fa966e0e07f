"""The office in the browser: ``pdca serve``'s web front end.

A sibling of ``pdca_cli`` on the same application layer: pages read views, forms call
the application's use cases as the logged-in account. Starlette, Jinja2 and uvicorn
are imported only here, and this package only by ``pdca serve``.
"""
