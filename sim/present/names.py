"""Display names: every zone, passage and kind as a person reads it, in their language.

A zone or passage uses the name its layout gives (one text, or one per language); without one,
a zone is called by its kind and a passage by the zones it joins. Ids are for files and JSON;
nothing a person reads shows them.
"""

from __future__ import annotations

from sim.core.text import Lang, text
from sim.model.layout import Layout


def zone_name(layout: Layout, zone_id: str, lang: Lang) -> str:
    """A zone's display name: its own, else its kind (numbered when several zones share it)."""
    zone = layout.zone[zone_id]
    if zone.name is not None:
        return zone.name[lang]
    kind = text(f"names.zone_kind.{zone.kind}", lang)
    unnamed = [z.id for z in layout.zones if z.kind == zone.kind and z.name is None]
    if len(unnamed) == 1:
        return kind
    return text("names.numbered", lang, name=kind, number=unnamed.index(zone_id) + 1)


def passage_name(layout: Layout, pid: str, lang: Lang) -> str:
    """A passage's display name: its own, else its kind between the zones it joins."""
    passage = layout.passage[pid]
    if passage.name is not None:
        return passage.name[lang]
    kind = text(f"names.passage_kind.{passage.kind}", lang)
    a, b = zone_name(layout, passage.from_, lang), zone_name(layout, passage.to, lang)
    return text("names.passage", lang, kind=kind, a=a, b=b)


def element_name(layout: Layout, element: str, lang: Lang) -> str:
    """A zone's or a passage's display name, from its id."""
    if element in layout.zone:
        return zone_name(layout, element, lang)
    if element in layout.passage:
        return passage_name(layout, element, lang)
    raise KeyError(element)


def kind_name(family: str, kind: str, lang: Lang) -> str:
    """The name of a kind in a family of kinds (``flag_kind``, ``severity``, ``unit`` …)."""
    return text(f"names.{family}.{kind}", lang)
