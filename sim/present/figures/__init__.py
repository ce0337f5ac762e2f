"""Figures. Each function draws on the ``ax`` (or figure) it is given and returns it; labels in a language.

Build a figure with ``new_figure`` (no pyplot state), draw inside ``chinese_font()`` so Chinese
renders, and get PNG bytes with ``png``.
"""

from sim.present.figures.day import greeting_wait, guides_busy, staffing_plan, zone_occupancy
from sim.present.figures.evacuation import evacuation_curves, evacuation_exits, governing_map
from sim.present.figures.fonts import chinese_font, new_figure, png, save
from sim.present.figures.maps import flag_timeline, layout_map, los_map_strip, worst_flags

__all__ = [
    "chinese_font", "evacuation_curves", "evacuation_exits", "flag_timeline", "governing_map", "greeting_wait",
    "guides_busy", "layout_map", "los_map_strip", "new_figure", "png", "save", "staffing_plan", "worst_flags",
    "zone_occupancy",
]  # fmt: skip
