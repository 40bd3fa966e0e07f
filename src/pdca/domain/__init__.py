"""The domain: aggregates, their events and the rules they obey.

Imports nothing but the standard library and ``eventsourcing.domain``. Its module paths
are part of every stored event's topic (``pdca.domain.cycle:Cycle.Opened``): moving or
renaming a module here is a schema change, and ``tests/unit/test_topics.py`` says so.
"""
