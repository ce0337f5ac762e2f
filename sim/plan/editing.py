"""Editing layouts and scenarios as tables (for the app): file data ↔ tables, and validation.

The app shows zones, passages, the arrival profile and the guide schedule as editable tables.
These functions turn the YAML data into those tables and back, and validate the result with the
same models and checks the command line uses, so the app holds no model logic of its own.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.core.problems import InputError, refuse
from sim.core.text import Lang
from sim.io.files import with_base
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.model.scenario_checks import check_pair, check_scenario

MAX_UPLOAD_BYTES = 512 * 1024
ZONE_COLUMNS = ["id", "name_zh", "name_en", "kind", "area_m2", "floor", "x", "y", "size_x", "size_y", "desks", "places",
                "tables", "seats",
                "max_persons", "visitor_exit", "enclosed", "security_posts", "note"]  # fmt: skip
PASSAGE_COLUMNS = ["id", "name_zh", "name_en", "from", "to", "kind", "length_m", "width_m", "one_way", "seats", "vehicles",
                   "round_trip_min", "note"]  # fmt: skip


def read_upload(name: str, content: bytes) -> dict:
    """A layout or scenario from an uploaded file: YAML only, size-limited, safely loaded.

    Raises:
        InputError: for a wrong type, an oversized file, or YAML that does not parse.
    """
    from sim.io.yamltext import read_yaml

    if not name.lower().endswith((".yaml", ".yml")):
        raise refuse("", "upload_yaml_only", name)
    if len(content) > MAX_UPLOAD_BYTES:
        raise refuse("", "upload_too_big", name, size=len(content) // 1024, limit=MAX_UPLOAD_BYTES // 1024)
    data, _ = read_yaml(content, name)
    if not isinstance(data, dict):
        raise refuse("", "not_either_mapping_plain", name)
    return data


def checked_upload(
    name: str, content: bytes, kind: str, shipped: dict[str, Any], lang: Lang = "en"
) -> tuple[dict | None, list[str]]:
    """An uploaded layout or scenario (``kind``) validated as the command line would; or why not.

    A scenario's ``based_on`` may name a shipped scenario (a file name from ``shipped``, name →
    path) and is applied, so the variant is what runs; it may name no other file, so an upload
    never reads a file on disk. Nothing is returned unless the whole file is valid, so what was
    loaded before stays.
    """
    try:
        data = read_upload(name, content)
        if kind == "layout":
            if "zones" not in data:
                raise refuse("", "upload_not_kind", name, kind="layout")
            return _valid(data, validate_layout(data, name, lang)[1])
        if "hours" not in data and "based_on" not in data:
            raise refuse("", "upload_not_kind", name, kind="scenario")
        if data.get("based_on") is not None:
            data = _with_shipped_base(data, name, shipped)
    except InputError as exc:
        return None, [exc.render(lang)]
    return _valid(data, validate_scenario(data, None, name, lang=lang)[1])


def _valid(data: dict, problems: list[str]) -> tuple[dict | None, list[str]]:
    return (None, problems) if problems else (data, [])


def _with_shipped_base(data: dict, name: str, shipped: dict[str, Any]) -> dict:
    """The variant with its shipped base merged under it."""
    from pathlib import Path

    base = data["based_on"]
    found = next((p for p in shipped.values() if isinstance(base, str) and Path(p).name == base), None)
    if found is None:
        raise refuse("based_on", "upload_base_unknown", name, base=repr(base), known=", ".join(
            sorted(Path(p).name for p in shipped)))  # fmt: skip
    return with_base(dict(data), Path(found).parent / name)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _names(item: dict) -> dict[str, Any]:
    """A display name as two cells: Chinese and English (a single text in both)."""
    name = item.get("name")
    if isinstance(name, dict):
        return {"name_zh": name.get("zh"), "name_en": name.get("en")}
    return {"name_zh": name, "name_en": name}


def _name(row: dict[str, Any]) -> Any:
    """The two cells back as a display name: one text when they agree, else {zh: …, en: …}."""
    zh, en = _clean(row.pop("name_zh", None)), _clean(row.pop("name_en", None))
    if not zh and not en:
        return None
    if zh == en or not en or not zh:
        return zh or en
    return {"zh": zh, "en": en}


def layout_tables(data: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Zones and passages of layout data as tables."""
    zones = []
    for z in data.get("zones", []):
        x, y = (z.get("xy") or [0, 0])[:2]
        size = [*(z.get("size_m") or ()), None, None]
        plain = {
            c: z.get(c) for c in ZONE_COLUMNS if c not in ("x", "y", "size_x", "size_y", "name_zh", "name_en")
        }
        zones.append(plain | _names(z) | {"x": x, "y": y, "size_x": size[0], "size_y": size[1]})
    passages = [
        {c: p.get(c) for c in PASSAGE_COLUMNS if c not in ("name_zh", "name_en")} | _names(p)
        for p in data.get("passages", [])
    ]
    return pd.DataFrame(zones, columns=ZONE_COLUMNS), pd.DataFrame(passages, columns=PASSAGE_COLUMNS)


def layout_from_tables(base: dict, zones: pd.DataFrame, passages: pd.DataFrame) -> dict:
    """Layout data with the tables' zones and passages (empty cells leave a field out)."""
    out = {k: v for k, v in base.items() if k not in ("zones", "passages")}
    out["zones"] = []
    for row in zones.to_dict("records"):
        name = _name(row)
        zone = {k: _clean(v) for k, v in row.items() if k not in ("x", "y", "size_x", "size_y")} | {
            "name": name
        }
        zone = {k: v for k, v in zone.items() if v is not None and v != ""}
        size = [
            v for v in (_clean(row.get("size_x")), _clean(row.get("size_y"))) if v is not None and v != ""
        ]
        if size:  # one side alone is refused by validation, at zones[i].size_m
            zone["size_m"] = size
        for key in ("floor", "desks", "places", "tables", "seats", "max_persons", "security_posts"):
            if key in zone and float(zone[key]).is_integer():
                zone[key] = int(zone[key])
        zone["xy"] = [float(_clean(row.get("x")) or 0.0), float(_clean(row.get("y")) or 0.0)]
        for flag in ("visitor_exit", "enclosed"):
            if not zone.get(flag):
                zone.pop(flag, None)
        out["zones"].append(zone)
    out["passages"] = []
    for row in passages.to_dict("records"):
        name = _name(row)
        passage = {k: _clean(v) for k, v in row.items()} | {"name": name}
        passage = {k: v for k, v in passage.items() if v is not None and v != ""}
        if not passage.get("one_way"):
            passage.pop("one_way", None)
        for key in ("seats", "vehicles"):
            if key in passage and float(passage[key]).is_integer():
                passage[key] = int(passage[key])
        out["passages"].append(passage)
    return out


def validate_layout(data: dict, source: str = "layout", lang: Lang = "en") -> tuple[Layout | None, list[str]]:
    """The layout, or the problems (one line each, as the CLI prints them, in ``lang``)."""
    from sim.io.files import parse

    try:
        return parse(Layout, data, None, source), []
    except InputError as exc:
        return None, [p.render(source, lang) for p in exc.problems]


def profile_table(data: dict) -> pd.DataFrame:
    """The arrival profile: clock time and relative intensity."""
    profile = data.get("demand", {}).get("profile", {})
    return pd.DataFrame({"clock": list(profile), "weight": [float(v) for v in profile.values()]})


def schedule_table(data: dict) -> pd.DataFrame:
    """The guide schedule: clock time and guides on duty from then."""
    schedule = data.get("guides", {}).get("schedule", {})
    return pd.DataFrame({"clock": list(schedule), "guides": [int(v) for v in schedule.values()]})


def party_table(data: dict) -> pd.DataFrame:
    """Party sizes and their shares."""
    sizes = data.get("demand", {}).get("party_size", {})
    return pd.DataFrame({"size": [int(k) for k in sizes], "share": [float(v) for v in sizes.values()]})


def stage_table(data: dict) -> pd.DataFrame:
    """Journey stages: probability and dwell time (mean and CV where the distribution has them)."""
    rows = []
    for stage in data.get("journey", {}).get("stages", []):
        dwell = stage.get("dwell") or {}
        rows.append({"id": stage.get("id"), "kind": stage.get("kind"), "probability": stage.get("probability", 1.0),
                     "dwell": dwell.get("dist"), "mean_min": dwell.get("mean_min"), "cv": dwell.get("cv")})  # fmt: skip
    return pd.DataFrame(rows, columns=["id", "kind", "probability", "dwell", "mean_min", "cv"])


def scenario_with(data: dict, profile: pd.DataFrame | None = None, schedule: pd.DataFrame | None = None,
                  parties: pd.DataFrame | None = None, stages: pd.DataFrame | None = None,
                  **sections: Any) -> dict:  # fmt: skip
    """Scenario data with edited tables (profile, guide schedule, party sizes, stages) or sections."""
    out = {**data, **{k: v for k, v in sections.items() if v is not None}}
    if profile is not None:
        rows = profile.dropna().to_dict("records")
        out["demand"] = {
            **out.get("demand", {}),
            "profile": {str(r["clock"]): float(r["weight"]) for r in rows},
        }
    if parties is not None:
        rows = parties.dropna().to_dict("records")
        out["demand"] = {
            **out.get("demand", {}),
            "party_size": {int(r["size"]): float(r["share"]) for r in rows},
        }
    if stages is not None:
        edited = []
        for stage, row in zip(
            out.get("journey", {}).get("stages", []), stages.to_dict("records"), strict=False
        ):
            stage = {**stage}
            if _clean(row.get("probability")) is not None:
                stage["probability"] = float(row["probability"])
            dwell = dict(stage.get("dwell") or {})
            for key in ("mean_min", "cv"):
                if key in dwell and _clean(row.get(key)) is not None:
                    dwell[key] = float(row[key])
            if dwell:
                stage["dwell"] = dwell
            edited.append(stage)
        out["journey"] = {**out.get("journey", {}), "stages": edited}
    if schedule is not None:
        rows = schedule.dropna().to_dict("records")
        out["guides"] = {
            **out.get("guides", {}),
            "schedule": {str(r["clock"]): int(r["guides"]) for r in rows},
        }
    return out


def validate_scenario(
    data: dict,
    layout: Layout | None,
    source: str = "scenario",
    base_path: str | None = None,
    lang: Lang = "en",
) -> tuple[Scenario | None, list[str]]:
    """The scenario checked on its own and against the layout, or the problems."""
    from pathlib import Path

    from sim.io.files import parse

    try:
        if data.get("based_on") and base_path is not None:
            data = with_base(dict(data), Path(base_path))
        scenario = parse(Scenario, data, None, source)
    except InputError as exc:
        return None, [p.render(source, lang) for p in exc.problems]
    problems = check_scenario(scenario)
    if layout is not None:
        problems += check_pair(layout, scenario)
    if problems:
        return None, [p.render(source, lang) for p in problems]
    return scenario, []


def to_yaml(data: dict) -> str:
    """YAML text for a download (UTF-8, Chinese kept readable, clock keys quoted)."""
    from sim.io.yamltext import to_yaml as dump

    return dump(data)
