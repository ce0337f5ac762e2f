"""The staffing planner: guides per half hour, the roster, the other posts."""
