"""Calibration from a visitor log: arrivals, party sizes, stages, dwells and patience.

Estimates with their confidence, distribution fits by AIC, patience from censored waits, the
commented scenario text, and a synthetic log read off simulated days. Independent of the other
planners.
"""
