"""The use cases every front end calls: peak-day plan, drills, sweeps, comparisons, editing."""
