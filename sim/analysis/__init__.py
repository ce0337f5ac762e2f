"""The planners: staffing, congestion, evacuation and calibration."""
