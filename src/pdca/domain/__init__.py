"""The domain: aggregates, their events and the rules they obey.

Imports nothing but the standard library and ``eventsourcing.domain``.
"""
