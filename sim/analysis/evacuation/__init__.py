"""Evacuation: who is where, three clearance methods, the findings and the code check."""
