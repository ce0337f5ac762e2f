"""The planners: staffing, congestion, evacuation and calibration.

Each subpackage answers one question from simulated days or a layout, and returns typed results;
the four are independent of each other (an import-linter contract). May import ``sim.runner`` and
every layer below it.
"""
