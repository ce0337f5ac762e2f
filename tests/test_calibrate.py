"""Calibration from visitor logs: the synthetic round trip, messy logs, censored patience."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import ROOT
from test_cli import anchang

from sim.analysis.calibration.estimate import calibrate
from sim.analysis.calibration.fit import fit_dwell, fit_patience
from sim.analysis.calibration.synthetic import synthetic_log
from sim.io.files import load_pair
from sim.io.visitorlog import clean, normalise
from sim.model.distributions import Gamma

SOURCE = ROOT / "scenarios" / "synthetic_log_source.yaml"
LOG = ROOT / "logs" / "SYNTHETIC_visitor_log_weekday.csv"
OPEN, CLOSE = 9 * 3600.0, 18 * 3600.0
ONLY_IF = {"sand_table": None, "show_units": None, "negotiation": None, "signing": "negotiation"}


@pytest.fixture(scope="module")
def known():
    return load_pair(SOURCE)


@pytest.fixture(scope="module")
def estimated():
    raw = pd.read_csv(LOG, dtype=str, keep_default_na=False)
    parties, dropped = clean(normalise(raw, str(LOG)), OPEN, CLOSE)
    return calibrate(parties, OPEN, CLOSE, "weekday", ONLY_IF), dropped


def test_the_shipped_synthetic_log_is_what_the_generator_gives(known):
    layout, scenario = known
    again = synthetic_log(layout, scenario, days=30, seed=scenario.run.seed)
    shipped = pd.read_csv(LOG, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(again.astype(str).reset_index(drop=True), shipped, check_dtype=False)


def test_calibration_recovers_the_generating_parameters(known, estimated):
    _, scenario = known
    cal, _ = estimated
    # Arrivals: 45 parties a day inside the 95% CI across the 30 days.
    _, low, high = cal.parties_per_day
    assert low <= scenario.demand.parties <= high
    # The half-hour profile: the true rate inside the 95% CI in at least 15 of 18 half hours.
    weights = np.array([_weight(scenario.demand.profile, t) for t in np.arange(OPEN, CLOSE, 1800.0)])
    truth = scenario.demand.parties * weights / weights.sum()
    inside = (cal.profile["ci_low"] <= truth) & (truth <= cal.profile["ci_high"])
    assert inside.sum() >= 15, list(zip(truth, cal.profile["mean"], strict=True))
    # Party sizes within ±0.03 of the shares.
    shares = dict(zip(cal.party_size["size"], cal.party_size["share"], strict=True))
    for size, share in scenario.demand.party_size.items():
        assert shares[size] == pytest.approx(share, abs=0.03), size
    # Stage probabilities within ±0.03; dwell means within 5%; CVs within ±0.05.
    stages = {s.kind: s for s in scenario.journey.stages}
    for row in cal.stages.itertuples():
        stage = stages[row.kind]
        assert row.probability == pytest.approx(stage.probability, abs=0.03), row.column
        fit = cal.fits[row.column]
        assert fit.dist == "lognormal", row.column
        assert fit.mean_min == pytest.approx(stage.dwell.mean_min, rel=0.05), row.column
        assert fit.cv == pytest.approx(stage.dwell.cv, abs=0.05), row.column
    # Patience, from censored data: mean within 10%, CV within ±0.15.
    truth = scenario.policies.patience
    assert cal.patience.dist == "lognormal"
    assert cal.patience.mean_min == pytest.approx(truth.mean_min, rel=0.10)
    assert cal.patience.cv == pytest.approx(truth.cv, abs=0.15)
    assert cal.unserved > 100 and cal.patience.censored == cal.greeted


def _weight(profile, t_s):
    return profile[max(k for k in profile if k * 60 <= t_s)]


def test_a_calibrated_scenario_validates_runs_and_says_where_each_number_came_from(tmp_path):
    out = tmp_path / "calibrated.yaml"
    done = anchang("calibrate", LOG, "--base", SOURCE, "--out", out, "--json")
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "# mean registered parties per day over 30 day(s), 95% CI" in text
    assert "censored MLE" in text and "KS p =" in text and "from the base scenario" in text
    data = yaml.safe_load(text)
    assert data["demand"]["parties"] == pytest.approx(45, rel=0.06)
    assert (tmp_path / "calibrated_calibration" / "dropped.csv").is_file()
    run = anchang("run", out, "--reps", 2, "--workers", 1, "--out", tmp_path / "run", "--json")
    assert run.returncode == 0, run.stderr


def test_dwell_fits_choose_by_aic():
    rng = np.random.default_rng(3)
    assert fit_dwell(rng.exponential(10.0, 400)).dist == "exponential"
    lognormal = fit_dwell(rng.lognormal(np.log(10.0), 0.4, 400))
    assert lognormal.dist == "lognormal" and lognormal.ks_p > 0.05
    gamma = fit_dwell(rng.gamma(4.0, 2.5, 400))  # mean 10, cv 0.5
    assert gamma.dist == "gamma" and gamma.mean_min == pytest.approx(10.0, rel=0.08)
    assert fit_dwell(np.array([1.0, 2.0])) is None  # too few: the base value stays
    assert fit_dwell(np.full(50, 15.0)) is None  # all alike: nothing to fit


def test_a_log_of_several_day_types_is_calibrated_one_type_at_a_time(tmp_path):
    raw = pd.read_csv(LOG, dtype=str, keep_default_na=False)
    september = sorted(raw["date"].unique())
    weekend = dict(zip(september[:4], ["2026-09-05", "2026-09-06", "2026-09-12", "2026-09-13"], strict=True))
    raw["date"] = raw["date"].replace(weekend)  # four of the days fall on a weekend
    mixed = tmp_path / "mixed.csv"
    raw.to_csv(mixed, index=False)
    done = anchang("calibrate", mixed, "--base", SOURCE, "--out", tmp_path / "weekday.yaml", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["day_type"] == "weekday" and len(json.loads(done.stdout)["days"]) == 26
    done = anchang(
        "calibrate",
        mixed,
        "--base",
        SOURCE,
        "--out",
        tmp_path / "weekend.yaml",
        "--day-type",
        "weekend",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["days"] == ["2026-09-05", "2026-09-06", "2026-09-12", "2026-09-13"]
    profiles = pd.read_csv(tmp_path / "weekend_calibration" / "profile_by_day_type.csv", encoding="utf-8-sig")
    assert sorted(profiles["day_type"].unique()) == ["weekday", "weekend"] and len(profiles) == 36


def test_censored_patience_beats_the_naive_mean():
    rng = np.random.default_rng(5)
    sigma = np.sqrt(np.log1p(0.6**2))
    patience = rng.lognormal(np.log(15.0) - sigma**2 / 2, sigma, 3000)  # mean 15 min
    wait = rng.exponential(8.0, 3000)  # how long each would have had to wait
    left = patience < wait
    observed = np.where(left, patience, wait)
    fit = fit_patience(observed, left)
    assert fit.mean_min == pytest.approx(15.0, rel=0.08)
    naive = observed[left].mean()  # the mean over the parties that left sees only the impatient
    assert naive < 0.75 * 15.0 and abs(fit.mean_min - 15.0) < abs(naive - 15.0) / 3


MESSY = """party_id,date,registered,party_size,greeted,sand_table,negotiation,signed,left,left_unserved
a1,2026-10-02,09:10,2,09:12,09:13,,no,09:50,no
a1,2026-10-02,09:20,2,09:21,,,no,09:40,no
a2,2026-10-02,08:40,3,08:45,,,no,09:30,no
a3,2026-10-02,10:00,2,09:55,,,no,10:30,no
a4,2026-10-02,10:05,two,10:06,,,no,10:30,no
a5,2026-10-02,10:7,2,10:08,,,no,10:30,no
a6,2026-10-02,10:10,2,10:12,,,maybe,10:40,no
a7,2026-10-02,10:20,1,,,,no,10:40,yes
a8,2026-10-02,10:30,2,10:31,,,no,10:50,yes
"""


def test_each_messy_row_is_dropped_with_its_reason():
    raw = pd.read_csv(pd.io.common.StringIO(MESSY), dtype=str, keep_default_na=False)
    parties, dropped = clean(normalise(raw, "messy.csv"), OPEN, CLOSE)
    reasons = dict(zip(dropped["party_id"], dropped["reason"], strict=True))
    assert list(parties["party_id"]) == ["a1", "a7"]
    assert "duplicate party id 'a1' (first kept at line 2)" in reasons["a1"]
    assert "outside opening hours 09:00–18:00" in reasons["a2"]
    assert "times out of order: greeted 09:55 before registered 10:00" in reasons["a3"]
    assert "party size must be a whole number" in reasons["a4"]
    assert "registered is not a time" in reasons["a5"]
    assert "signed must be yes or no" in reasons["a6"]
    assert "left_unserved is yes but a greeted time is given" in reasons["a8"]
    assert list(dropped["line"]) == [3, 4, 5, 6, 7, 8, 10]


def test_chinese_headers_give_the_same_parties():
    raw = pd.read_csv(pd.io.common.StringIO(MESSY), dtype=str, keep_default_na=False)
    chinese = raw.rename(
        columns={"party_id": "编号", "date": "日期", "registered": "登记时间", "party_size": "人数", "greeted": "接待时间",
                 "sand_table": "沙盘", "negotiation": "洽谈", "signed": "是否签约", "left": "离开时间",
                 "left_unserved": "未接待离开"}
    )  # fmt: skip
    english, _ = clean(normalise(raw, "en.csv"), OPEN, CLOSE)
    zh, _ = clean(normalise(chinese, "zh.csv"), OPEN, CLOSE)
    pd.testing.assert_frame_equal(english, zh)


def test_bad_logs_get_one_clear_message(tmp_path):
    missing = tmp_path / "missing.csv"
    missing.write_text("party_id,party_size\n1,2\n", encoding="utf-8")
    done = anchang("calibrate", missing, "--base", SOURCE, "--out", tmp_path / "x.yaml")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "registered: required column missing; accepted headers: registered" in done.stderr
    useless = tmp_path / "useless.csv"
    useless.write_text("party_id,registered,party_size\n1,07:00,2\n2,23:10,1\n", encoding="utf-8")
    done = anchang("calibrate", useless, "--base", SOURCE, "--out", tmp_path / "x.yaml")
    assert done.returncode == 2 and "no usable parties: 2 of 2 rows dropped" in done.stderr
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    done = anchang("calibrate", binary, "--base", SOURCE, "--out", tmp_path / "x.yaml")
    assert done.returncode == 2 and "not a readable UTF-8 CSV" in done.stderr
    wrong_type = anchang(
        "calibrate", LOG, "--base", SOURCE, "--out", tmp_path / "x.yaml", "--day-type", "holiday"
    )
    assert wrong_type.returncode == 2 and "no 'holiday' days in the log; it has weekday" in wrong_type.stderr


def test_the_gamma_dwell_samples_what_it_states():
    gamma = Gamma(dist="gamma", mean_min=10.0, cv=0.5)
    rng = np.random.default_rng(11)
    draws = np.array([gamma.sample_s(rng) for _ in range(20000)])
    assert draws.mean() == pytest.approx(gamma.mean_s(), rel=0.02)
    assert draws.std() / draws.mean() == pytest.approx(0.5, abs=0.02)
    for t in (300.0, 600.0, 1200.0):
        assert (draws > t).mean() == pytest.approx(float(gamma.survival(np.array([t]))[0]), abs=0.01)


def test_a_tiny_log_keeps_the_base_values_and_says_why(tmp_path):
    log = tmp_path / "tiny.csv"
    log.write_text(
        "编号,登记时间,人数,接待时间,沙盘,离开时间,未接待离开\n"
        "1,09:10,2,09:12,09:13,09:50,否\n2,10:05,3,,,10:30,是\n3,10:20,1,10:21,10:22,11:00,否\n",
        encoding="utf-8",
    )
    out = tmp_path / "tiny.yaml"
    done = anchang("calibrate", log, "--base", SOURCE, "--out", out)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "# from the base scenario: only 1 parties left unserved, too few to estimate" in text
    assert "(2 parties: too few to fit)" in text
    assert "95% CI [0.62, 8.77]" in text  # 3 parties on one day: the exact Poisson interval
