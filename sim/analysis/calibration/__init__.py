"""Calibration from a visitor log: arrivals, party sizes, stages, dwells and patience."""
