"""Event log to tidy tables, and statistics across replications."""
