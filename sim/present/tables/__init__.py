"""Tables for people: the results as the console, the app and the report show them.

Headers from the text catalogue (``columns.<table>.<column>``), zones and passages by their display
names, numbers formatted to the places a reader needs. Machines read the typed tables instead.
"""
