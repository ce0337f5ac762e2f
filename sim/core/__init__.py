"""Small leaves every layer may use: clock times, input problems, random streams, the text catalogue.

Owns ``Clock`` and its formatting, ``Problem``/``InputError`` (a code and fields, rendered in a
language), the ``SeedSequence`` streams that make replications reproducible, plain JSON values, and
the keyed text catalogue (``sim/core/catalogue/*.yaml``: every sentence people read, in Chinese and
English). Imports nothing of ``sim``; only the standard library, NumPy and PyYAML.
"""
