"""Reading input files: layouts and scenarios (YAML, ``based_on`` variants), occupants, sweep files, visitor logs.

The only file readers. YAML is read safely (no tags, no duplicate keys, bounded size) with its
node tree, so every pydantic error becomes a ``Problem`` with the file, line and key path. May
import ``sim.model`` and ``sim.core``.
"""
