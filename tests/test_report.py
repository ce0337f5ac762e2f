"""The peak-day report: builds for every shipped scenario, has every section, and copies its numbers."""

import re
from html.parser import HTMLParser

import pytest
from helpers import ROOT
from zh_scan import ascii_only, ids_in

from sim.core.text import text
from sim.io.files import load_pair
from sim.plan.peakday import peak_day_plan
from sim.plan.settings import RunSettings
from sim.present.report import SECTIONS, render_html

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
_BUILT = {}


def built(path):
    if path not in _BUILT:
        layout, scenario = load_pair(path)
        quick = scenario.model_copy(
            update={"evacuation": scenario.evacuation.model_copy(update={"replications": 3})}
        )
        settings = RunSettings(replications=3, seed=7, staff_replications=2, verification_days=20)
        plan = peak_day_plan(layout=layout, scenario=quick, settings=settings)
        _BUILT[path] = (plan, render_html(plan, "zh", images={}), render_html(plan, "en", images={}))
    return _BUILT[path]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_report_builds_for_every_shipped_scenario_with_every_section(path):
    plan, zh, en = built(path)
    for lang, page in (("zh", zh), ("en", en)):
        for key in SECTIONS[:-1]:
            assert text(f"report.{key}", lang) in page, (lang, key)
        assert "<script" not in page and "http://" not in page and "https://" not in page  # opens offline
    assert "@page { size: A4" in zh
    assert len(plan.sheet) == len(plan.results.half_hours)


class _Reader(HTMLParser):
    """The text a reader sees (not styles or scripts), and the table headers apart."""

    def __init__(self):
        super().__init__()
        self.texts, self.headers, self._open = [], [], []

    def handle_starttag(self, tag, attrs):
        self._open.append(tag)

    def handle_endtag(self, tag):
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data):
        if data.strip() and not {"style", "script"} & set(self._open):
            (self.headers if "th" in self._open else self.texts).append(data.strip())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_chinese_report_shows_no_ids_and_no_english_headers(path):
    _, zh, _ = built(path)
    reader = _Reader()
    reader.feed(zh)
    assert reader.headers and reader.texts
    assert [h for h in reader.headers if ascii_only(h)] == []
    assert [(t, ids_in(t)) for t in reader.texts + reader.headers if ids_in(t)] == []


def test_every_number_in_the_run_sheet_equals_its_source_table():
    plan, zh, _ = built(ROOT / "scenarios" / "national_day_peak.yaml")
    sheet, half_hours, guides = plan.sheet, plan.results.half_hours, plan.staff.guides.table
    assert sheet["start"].tolist() == half_hours["start"].tolist()
    assert sheet["guides_needed"].tolist() == guides["guides"].tolist()
    assert sheet["guides_rostered"].tolist() == half_hours["guides_on_duty"].round().astype(int).tolist()
    for column in ("parties_arrived", "persons_arrived", "persons_inside_max", "greet_wait_p90_min",
                   "greet_within_target_share", "reneged"):  # fmt: skip
        assert sheet[column].tolist() == half_hours[column].tolist(), column
    body = zh.split(text("report.sheet", "zh"))[1].split(text("report.actions", "zh"))[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body)[1:]  # after the header
    assert len(rows) == len(sheet)
    for row, r in zip(rows, sheet.itertuples(), strict=True):
        cells = [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        assert cells[0] == r.start
        assert cells[1:4] == [
            f"{r.parties_arrived:.1f}",
            f"{r.persons_arrived:.1f}",
            f"{r.persons_inside_max:.1f}",
        ]
        assert cells[4:6] == [str(r.guides_needed), str(r.guides_rostered)]
        assert cells[7].startswith(f"{r.greet_within_target_share:.0%}")


def test_every_action_in_the_report_says_why():
    plan, _, en = built(ROOT / "scenarios" / "national_day_peak.yaml")
    assert plan.actions, "the National Day roster is short: the guides rule must fire"
    assert {"guides", "evacuation"} <= {a.rule for a in plan.actions}
    for action in plan.actions:
        assert action.because
    assert text("columns.actions.because", "en") in en


def test_the_report_run_sheet_drill_and_json_give_one_peak_headcount():
    from sim.model.drill import Drill
    from sim.plan.documents.peakday import plan_document
    from sim.plan.drill import run_drill

    path = ROOT / "scenarios" / "national_day_peak.yaml"
    plan, zh, en = built(path)
    peak = plan.results.peak
    document = plan_document(plan)
    evacuation = next(a for a in plan.actions if a.rule == "evacuation")
    assert peak.p95 == int(peak.p95) and peak.days == 3
    assert document["peak_persons_inside"]["p95"] == peak.p95
    assert document["evacuation"]["persons"] == peak.p95 == sum(plan.evacuation.occupants.values())
    assert evacuation.params["persons"] == peak.p95 and evacuation.params["mean_persons"] == round(
        peak.mean, 1
    )
    assert plan.evacuation.occupants_source.headcount == peak
    for page in (zh, en):
        assert f"{peak.p95:.0f}" in page and f"{peak.mean:.1f}" in page
    drill = Drill.model_validate({"events": [{"kind": "fire_alarm", "at": "peak"}]})
    fire = run_drill(layout=plan.layout, scenario=plan.scenario, drill=drill,
                     settings=RunSettings(replications=3, seed=7)).fire  # fmt: skip
    assert fire is not None and fire.persons[0] == pytest.approx(peak.mean)


def test_the_report_says_on_how_many_fresh_days_the_staffing_was_verified():
    plan, zh, en = built(ROOT / "scenarios" / "national_day_peak.yaml")
    days = plan.staff.guides.verified.days
    assert f"{days} fresh days" in en and f"{days} 个新模拟日" in zh
