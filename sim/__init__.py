"""Anchang."""
