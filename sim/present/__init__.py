"""Presentation for people: tables, findings in words, figures and the peak-day report.

Everything here is in the reader's language (``lang``): headers and sentences from the text
catalogue, zones and passages by their display names. Figures draw on the axes they are given;
the report is a Jinja2 template with autoescape. May import ``sim.plan`` and every layer below.
"""
