"""Reading input files: layouts and scenarios (YAML, ``based_on`` variants), occupants, sweep files, visitor logs.

The only file readers. Only regular files are read, their size checked before reading; YAML is
read safely and once (no tags, no duplicate keys, bounded size and nesting) with its node tree, so every pydantic error becomes a ``Problem`` with the file, line and key path. May
import ``sim.model`` and ``sim.core``.
"""
