"""The domain model: layouts, scenarios and their checks, routes, distributions, the event-log schema, drill and sweep files."""
