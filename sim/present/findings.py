"""Findings in words for people: flags, actions, code rules, posts, with display names.

Every sentence comes from the text catalogue, filled from a typed result in the reader's language
with the zones and passages called by their display names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sim.analysis.congestion.flags import describe
from sim.analysis.evacuation.codecheck import Rule
from sim.analysis.evacuation.occupants import OccupantSource
from sim.analysis.staffing.posts import Shortfall
from sim.core.text import Lang, text
from sim.model.layout import Layout
from sim.plan.documents.evacuation import rule_element, rule_name, source_text
from sim.plan.peakday import PeakDayPlan
from sim.plan.runsheet import Action, clock_of
from sim.present.names import element_name, kind_name


def namer(layout: Layout, lang: Lang) -> Callable[[str], str]:
    """A function from a zone or passage id to its display name (other text unchanged)."""

    def name(value: str) -> str:
        return element_name(layout, value, lang) if value in layout.zone or value in layout.passage else value

    return name


def flag_detail(flag: Any, layout: Layout, lang: Lang) -> str:
    """What a flag found, in words, with display names."""
    return describe(flag, lang, namer(layout, lang))


def _fields(fields: dict[str, Any], layout: Layout, lang: Lang) -> dict[str, Any]:
    name = namer(layout, lang)
    out = {k: name(v) if isinstance(v, str) else v for k, v in fields.items()}
    if "unit" in fields and fields["unit"] is not None:
        out["unit"] = kind_name("unit", str(fields["unit"]), lang)
    return out


def action_text(action: Action, plan: PeakDayPlan, lang: Lang) -> tuple[str, str, str]:
    """(clock time, what to do, why) of one action of the run sheet."""
    params = _fields(action.params, plan.layout, lang)
    because = _fields(action.because, plan.layout, lang)
    if "kind" in action.because and "element" in action.because:
        because["detail"] = flag_detail(action.because, plan.layout, lang)
    return (
        clock_of(plan.context, action),
        text(f"findings.action.{action.rule}", lang, **params),
        text(f"findings.because.{action.rule}", lang, **because),
    )


def code_rule_text(rule: Rule, layout: Layout, lang: Lang) -> tuple[str, str]:
    """(what the rule checks, where) for a person."""
    return rule_name(rule, lang), rule_element(rule, lang, namer(layout, lang))


def post_rule_text(post: str, fields: dict[str, Any], lang: Lang) -> str:
    """The rule a post is staffed by, in words."""
    return text(f"findings.post_rule.{post}", lang, **fields)


def shortfall_text(shortfall: Shortfall, lang: Lang) -> str:
    """A post that needs more desks or tables than the layout has, in words."""
    fields = asdict(shortfall) | {
        "post": kind_name("post", shortfall.post, lang),
        "resource": kind_name("resource", shortfall.resource, lang),
    }
    return text("findings.shortfall", lang, **fields)


def occupants_text(source: OccupantSource, lang: Lang) -> str:
    """Where an evacuation's occupants come from, in words."""
    return source_text(source, lang, in_one_language=True)
