"""The use cases every front end calls: the CLI, the app and the notebooks call these and nothing below.

Each is a keyword-only function of a layout, a scenario and one ``RunSettings`` (replications,
seed, workers, backend, run store), resolved once against the scenario, and returns a typed result
(dataclasses holding DataFrames):

- ``simulate_day`` → ``DayStudy``: the day's replications, its congestion report, zone occupancy;
  ``event_log``: one day's full event log; ``analyse_congestion``: the report of simulated days;
- ``plan_staff`` → ``StaffPlan``: guides per half hour, the roster, the other posts;
- ``check_evacuation`` → ``EvacuationReport``: three methods, governing element, N−1, RSET, code;
- ``peak_day_plan`` → ``PeakDayPlan``: all three on one day, the run sheet and its actions;
- ``run_drill`` → ``DrillResult``: events injected into the day, against the undisturbed day;
- ``compare`` → ``Comparison``: two variants on the same seeds, paired differences;
- ``sweep`` → ``SweepOutcome``: every configuration of a sweep file, kept as it finishes;
- ``calibrate`` → ``CalibrationStudy``: a scenario estimated from a visitor log; ``synthetic_log``.

Documents for machines (``--json``, the run store) are in ``sim.plan.documents``; table editing
for the app in ``sim.plan.editing``. May import every layer below: analysis, runner, store,
engine, metrics, io, model, core; never ``sim.present`` or a front end.
"""
