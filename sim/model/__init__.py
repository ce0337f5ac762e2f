"""The domain model: layouts, scenarios and their checks, routes, distributions, drill and sweep files.

Owns the pydantic file formats (frozen, validated, the published JSON Schemas), display names per
language (``Names``), the cross-file checks (a scenario against its layout), the visitor routes
and the event-log schema the engine writes, and the upper bounds of every count, size and duration
(``limits``). Pure: no file access, no simulation. May import
``sim.core`` only.
"""
