"""Use cases: the only room that loads and saves aggregates.

A front end (the CLI, a web server) builds an acting context (who, request id, today),
opens a ``service.PdcaApplication`` on a workspace and calls its methods; the
application checks the actor's permission once, records through one save path, and
returns plain data.
"""
