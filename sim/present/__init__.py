"""Presentation: figures and the report."""
