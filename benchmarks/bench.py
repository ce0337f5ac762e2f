"""Benchmark table for the README (`make bench`). Not a test: timings on a shared machine are noisy,
so each figure is a median of repeats and the engine is judged by a ratio against bare SimPy.

1. Engine overhead: our engine on a one-stage M/M/c day against a bare SimPy M/M/c loop with the
   very same arrival and service times (same customers, same number of servers).
2. One National Day replication (draw parties, simulate, summarise), median of repeats.
3. 100 National Day replications on all cores, event logs written to Parquet, with peak memory.
4. The full-day staffing plan for the National Day scenario (guides, roster, posts) on all cores.
5. The full evacuation analysis (three methods, N−1, widening, code check) of the largest shipped
   layout at its design occupancy, median of repeats.
6. The app under AppTest: a National Day run of 20 replications from the button to the KPI
   cards, and page switches with the results kept.
7. Scaling: 200 National Day replications on 1 and on 2 local workers; the same on a 2-worker
   Dask LocalCluster against the local pool (the backend's overhead).
"""

from __future__ import annotations

import itertools
import math
import os
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path

import simpy

from sim.analysis.evacuation.codecheck import design_occupants
from sim.engine.day import run_day
from sim.engine.demand import draw_parties
from sim.io.files import load_layout, load_pair
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.evacuation import check_evacuation
from sim.plan.settings import RunSettings
from sim.plan.staff import plan_staff
from sim.runner.pool import default_workers
from sim.runner.replications import replicate, run

ROOT = Path(__file__).resolve().parents[1]
SERVERS, RATE_PER_MIN, MEAN_SERVICE_MIN, HOURS = 12, 10.0, 1.0, 20


def mmc_day() -> tuple[Layout, Scenario]:
    """door → lounge → desk → out with zero-length passages; one guided stage: M/M/12."""
    zones = [
        {"id": "door", "kind": "entrance", "xy": [0, 0]},
        {"id": "lounge", "kind": "lounge", "area_m2": 100, "xy": [1, 0]},
        {"id": "desk", "kind": "other", "area_m2": 100, "xy": [2, 0]},
        {"id": "out", "kind": "exit", "visitor_exit": True, "xy": [3, 0]},
    ]
    names = [z["id"] for z in zones]
    passages = [
        {"from": a, "to": b, "kind": "corridor", "length_m": 0, "width_m": 2}
        for a, b in itertools.pairwise(names)
    ]
    layout = Layout.model_validate({"name": "M/M/c", "zones": zones, "passages": passages})
    scenario = Scenario.model_validate(
        {
            "name": "M/M/c",
            "hours": {"open": "02:00", "close": f"{2 + HOURS:02d}:00"},
            "demand": {"parties": RATE_PER_MIN * 60 * HOURS, "party_size": {1: 1.0}, "profile": {"02:00": 1}},
            "journey": {
                "stages": [
                    {
                        "id": "serve",
                        "kind": "other",
                        "dwell": {"dist": "exponential", "mean_min": MEAN_SERVICE_MIN},
                    }
                ]
            },
            "guides": {"schedule": {"02:00": SERVERS}},
        }
    )
    return layout, scenario


def bare_simpy(arrivals: list[float], services: list[float], servers: int) -> int:
    """The textbook SimPy M/M/c loop on the same customers; returns SimPy events processed."""
    env = simpy.Environment()
    desk = simpy.Resource(env, servers)
    count = [0]

    def customer(service: float):
        with desk.request() as req:
            yield req
            yield env.timeout(service)
        count[0] += 1

    def source():
        now = 0.0
        for at, service in zip(arrivals, services, strict=True):
            yield env.timeout(at - now)
            now = at
            env.process(customer(service))

    env.process(source())
    env.run()
    return count[0]


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class TreeMemory(threading.Thread):
    """Peak resident memory of this process and all its descendants (the forkserver's workers are
    grandchildren, which getrusage never sees), sampled from /proc every 50 ms. Linux only."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mib = math.nan
        self._halt = threading.Event()

    def run(self) -> None:
        if not Path("/proc/self/status").exists():
            return
        self.peak_mib = 0.0
        while not self._halt.wait(0.05):
            self.peak_mib = max(self.peak_mib, sum(_rss_mib(pid) for pid in _tree(os.getpid())))

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.peak_mib


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    layout, scenario = mmc_day()
    parties = draw_parties(layout, scenario, seed=1)
    arrivals = [p.arrive_s for p in parties]
    services = [p.visits[0].dwell_s for p in parties]
    rows = len(run_day(layout, scenario, parties))
    # Interleave the two so that drift on a shared machine hits both alike; judge by the ratio.
    pairs = [
        (
            median_time(lambda: run_day(layout, scenario, parties), 1),
            median_time(lambda: bare_simpy(arrivals, services, SERVERS), 1),
        )
        for _ in range(9)
    ]
    ours = statistics.median(p[0] for p in pairs)
    bare = statistics.median(p[1] for p in pairs)
    ratios = sorted(o / b for o, b in pairs)
    n = len(parties)

    nd_layout, nd_scenario = load_pair(ROOT / "scenarios" / "national_day_peak.yaml")
    one_rep = median_time(lambda: replicate(nd_layout, nd_scenario, seed=1, replication=0), 7)
    workers = default_workers()
    with tempfile.TemporaryDirectory() as logs:
        memory = TreeMemory()
        memory.start()
        start = time.perf_counter()
        run(nd_layout, nd_scenario, replications=100, seed=1, workers=workers, log_dir=logs)
        hundred = time.perf_counter() - start
        tree_mib = memory.stop()
        log_mib = sum(f.stat().st_size for f in Path(logs).glob("*.parquet")) / 2**20
    driver_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print("| measure | value |")
    print("|---|---|")
    print(
        f"| M/M/{SERVERS} day, {n:,} customers: bare SimPy loop, median | {bare:.3f} s ({n / bare:,.0f} customers/s) |"
    )
    print(
        f"| same customers through the Anchang engine, median ({rows:,} log rows) | {ours:.3f} s ({n / ours:,.0f} customers/s, {rows / ours:,.0f} log rows/s) |"
    )
    print(
        f"| **engine overhead vs bare SimPy** (median of 9 interleaved pairs; range) | **{statistics.median(ratios):.2f}×** ({ratios[0]:.2f}–{ratios[-1]:.2f}) |"
    )
    print(f"| one National Day replication (draw + simulate + summarise), median of 7 | {one_rep:.3f} s |")
    print(
        f"| 100 National Day replications on {workers} cores, logs to Parquet ({log_mib:.1f} MiB) | {hundred:.1f} s |"
    )
    print(
        f"| peak memory, whole process tree during the 100 replications (driver alone) | {tree_mib:.0f} MiB ({driver_mib:.0f} MiB) |"
    )

    plan = plan_staff(layout=nd_layout, scenario=nd_scenario, settings=RunSettings(store=None))
    print(
        f"| full-day staffing plan, National Day (`anchang staff`: {plan.replications} replications per "
        f"evaluation, {plan.guides.evaluations} evaluations, {plan.guides.isa_iterations} ISA iterations, "
        f"verified on {plan.guides.verified.days} fresh days) | {plan.elapsed_s:.1f} s |"
    )

    print(evacuation_row())
    print(*app_rows(), sep="\n")
    print(*scaling_rows(nd_layout, nd_scenario), sep="\n")


def evacuation_row() -> str:
    """The evacuation analysis of the shipped layout with the most design occupants."""
    layouts = [load_layout(path) for path in sorted((ROOT / "layouts").glob("*.yaml"))]
    largest = max(layouts, key=lambda lay: sum(design_occupants(lay).values()))
    report = check_evacuation(layout=largest, occupants="design")
    variants = 1 + len(report.n_minus_1) + len(report.widening)
    elapsed = median_time(lambda: check_evacuation(layout=largest, occupants="design"), 3)
    return (
        f"| full evacuation analysis, {largest.name.en} ({sum(report.occupants.values()):,} persons; 3 methods × "
        f"{variants} variants, {report.settings.replications} simulated runs each), median of 3 | {elapsed:.1f} s |"
    )


def app_rows() -> list[str]:
    """The app's response times (AppTest, in-process, as `streamlit run` runs the script)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.switch_page("sim/app/pages/simulate.py").run()
    at.slider(key="reps").set_value(20).run()
    start = time.perf_counter()
    at.button(key="run").click().run()
    run_s = time.perf_counter() - start
    at.switch_page("sim/app/pages/congestion.py").run()  # the first visit draws the map once
    switches = []
    for name in ["simulate", "congestion"] * 4:
        start = time.perf_counter()
        at.switch_page(f"sim/app/pages/{name}.py").run()
        switches.append(time.perf_counter() - start)
    return [
        f"| app: National Day, 20 replications, button to KPI cards (aim ≤ 10 s) | {run_s:.1f} s |",
        f"| app: page switch with results kept, median of 8 (max) (aim ≤ 1 s) | {statistics.median(switches):.2f} s ({max(switches):.2f} s) |",
    ]


def scaling_rows(layout: Layout, scenario: Scenario, reps: int = 200, pairs: int = 3) -> list[str]:
    """Local speed-up from 1 to 2 workers, and the Dask backend against the local pool.

    Each comparison is ``pairs`` interleaved pairs of runs, reported by the median ratio, so
    that a slow spell on the shared machine hits both sides of a pair alike.
    """
    from distributed import LocalCluster

    from sim.runner.dask import dask_executor

    def timed(**kwargs) -> float:
        start = time.perf_counter()
        run(layout, scenario, replications=reps, seed=1, **kwargs)
        return time.perf_counter() - start

    one, two = zip(*[(timed(workers=1), timed(workers=2)) for _ in range(pairs)], strict=True)
    speedup = statistics.median(a / b for a, b in zip(one, two, strict=True))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, dask_executor(cluster.scheduler_address) as executor:  # fmt: skip
        timed(executor=executor)  # warm the workers' imports
        dask, local = zip(*[(timed(executor=executor), timed(workers=2)) for _ in range(pairs)], strict=True)
    overhead = statistics.median(a / b - 1 for a, b in zip(dask, local, strict=True))
    med = statistics.median
    return [
        f"| {reps} National Day replications: 1 worker / 2 workers, median of {pairs} interleaved pairs (speed-up; aim ≥ 1.8×) | {med(one):.1f} s / {med(two):.1f} s (**{speedup:.2f}×**) |",
        f"| the same on a 2-worker Dask LocalCluster vs the local 2-process pool, median of {pairs} pairs (overhead; aim ≤ 10%) | {med(dask):.1f} s vs {med(local):.1f} s (**{overhead:+.0%}**) |",
    ]


if __name__ == "__main__":
    main()
