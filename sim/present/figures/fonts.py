"""Figures without pyplot state: a new ``Figure`` per call, drawn with the bundled CJK font.

Chinese labels use the bundled Noto Sans SC subset, registered at plot time (no global rc edits,
no font-cache rebuild); the font context is entered only while a figure is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure

FONT_FILE = Path(__file__).parent.parent / "fonts" / "NotoSansSC-Subset.otf"
_FALLBACKS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"]


@cache
def _font_name() -> str:
    font_manager.fontManager.addfont(str(FONT_FILE))
    return str(font_manager.FontProperties(fname=str(FONT_FILE)).get_name())


@cache
def _families() -> tuple[str, ...]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return (_font_name(), *(name for name in _FALLBACKS if name in installed))


@contextmanager
def chinese_font() -> Iterator[None]:
    """Draw with the bundled CJK font; a list in ``font.family`` gives per-glyph fallback."""
    with mpl.rc_context({"font.family": list(_families()), "axes.unicode_minus": False}):
        yield


def new_figure(width: float, height: float, constrained: bool = False) -> Figure:
    """A figure of its own (not pyplot's): nothing shared between calls or threads."""
    return Figure(figsize=(width, height), layout="constrained" if constrained else None)


def png(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (drawn with the CJK font)."""
    buffer = io.BytesIO()
    with chinese_font():
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def save(fig: Figure, path: Path, dpi: int = 110) -> Path:
    """Write the figure as a PNG file."""
    path.write_bytes(png(fig, dpi))
    return path
