"""Reading input files: layouts and scenarios (YAML, variants), visitor logs."""
