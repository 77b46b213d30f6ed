"""Time pb's counting rules against pabutools 1.2.3 in the same run.

    .venv/bin/python bench/tally.py                 # a representative set of shared files + 100k x 200
    .venv/bin/python bench/tally.py --all           # every file in ../shared/pabulib
    .venv/bin/python bench/tally.py --timeout 60 --rules mes,mes_add1 FILE.pb ...

pabutools runs in a subprocess per (file, rule) and is given up after --timeout seconds (reported as ">N s").
Both sides are timed on the rule alone, from the same parsed data (pb's parser), without file parsing, in wall
time and in CPU time of their own process (time.process_time): on a shared machine the CPU time is the fairer
figure, and the ratio is taken from it. pabutools has no counterpart of pb's equalshares.net and checker
variants; their ratio is against pabutools' own completion (`mes_add1`) on the same file, the closest thing.

Where pabutools' completion does not finish, its time is also estimated: it runs MES once per +1 step, so it
needs about (steps) x (its time for one MES run, the `mes` row), with the steps taken from pb's final
endowment; the estimate ("~") is a lower bound, since later steps fund more projects and take longer.

Goals (issue 9): MES with completion at least 50x faster than pabutools wherever pabutools needs more than
1 s, under 1 s on every instance up to 10,000 voters, under 10 s on the largest instance and on the
generated one. The machine this was written on has 2 shared cores: keep runs short.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from pb.counting.election import Election  # noqa: E402
from pb.counting.mes import prepare  # noqa: E402
from pb.counting.pabulib import PabulibFile, PabulibProject, PabulibVote, read_pabulib, write_pabulib  # noqa: E402
from pb.counting.rules import count  # noqa: E402

SHARED = REPO.parent / "shared" / "pabulib"
REPRESENTATIVE = [
    "Switzerland_Zurich_S5",
    "Netherlands_Assen_2024",
    "France_Toulouse_2019",
    "France_Toulouse_2022",
    "Poland_Warszawa_2024_Mokotow",
    "Hungary_Budapest_2023_VIII_Jozsefvaros",
    "Poland_Warszawa_2023_Mokotow",
    "Poland_Krakow_2024",
    "Poland_Lodz_2022",
    "Poland_Wroclaw_2015_150_-_500",
]
RULES = [
    "greedy",
    "mes",
    "mes_add1",
    "mes_add1_greedy",
    "mes_add1_es",
    "mes_add1u_es",
    "mes_add1_checker",
    "phragmen",
]
# pb's completions without a pabutools counterpart are compared with pabutools' completion.
PABUTOOLS_COUNTERPART = {
    "mes_add1_greedy": "mes_add1",
    "mes_add1_es": "mes_add1",
    "mes_add1u_es": "mes_add1",
    "mes_add1_checker": "mes_add1",
}

# Runs inside the pabutools subprocess: rebuild the election with pb's parser, then time pabutools' rule.
PABUTOOLS_SCRIPT = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
from pb.counting.election import Election
from pb.counting.pabulib import read_pabulib
from pabutools.election import (AdditiveSatisfaction, ApprovalBallot, ApprovalProfile, Cost_Sat,
                                CumulativeBallot, CumulativeProfile, Instance, Project)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen

def cost_points(instance, profile, ballot, project, pre):
    return ballot.get(project, 0) * project.cost

class CostPointsSat(AdditiveSatisfaction):
    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, cost_points)

election = Election.from_pabulib(read_pabulib(sys.argv[1]))
rule = sys.argv[2]
instance = Instance(budget_limit=election.budget)
projects = [Project(p.project_id, p.cost) for p in election.projects]
instance.update(projects)
approval = election.vote_type in ("approval", "choose-1")
profile = ApprovalProfile(instance=instance) if approval else CumulativeProfile(instance=instance)
for ballot in election.ballots:
    for _ in range(ballot.weight):
        if approval:
            profile.append(ApprovalBallot({projects[i] for i, _ in ballot.points}))
        else:
            profile.append(CumulativeBallot({projects[i]: points for i, points in ballot.points}))
sat = Cost_Sat if approval else CostPointsSat
start, cpu = time.perf_counter(), time.process_time()
if rule == "greedy":
    greedy_utilitarian_welfare(instance, profile, sat_class=sat)
elif rule == "mes":
    method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=sat)
elif rule == "mes_add1":
    method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=sat, voter_budget_increment=1)
elif rule == "phragmen":
    sequential_phragmen(instance, profile.as_multiprofile())
else:
    print("n/a")
    sys.exit(0)
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def generated_instance(voters: int, projects: int, seed: int = 2024) -> PabulibFile:
    """Approval ballots with a skewed popularity (a few popular projects), 1-6 approvals each."""
    rng = random.Random(seed)
    ids = [str(i + 1) for i in range(projects)]
    costs = {project_id: rng.randrange(10, 400) * 1000 for project_id in ids}
    popularity = [1.0 / (rank + 5) for rank in range(projects)]
    votes = []
    for voter in range(voters):
        chosen = set(rng.choices(ids, weights=popularity, k=rng.randint(1, 6)))
        votes.append(PabulibVote(str(voter + 1), tuple(sorted(chosen, key=int))))
    budget = sum(costs.values()) // 5
    meta = (
        ("description", f"generated {voters} x {projects}"),
        ("budget", str(budget)),
        ("vote_type", "approval"),
        ("num_votes", str(voters)),
        ("num_projects", str(projects)),
    )
    return PabulibFile(meta, tuple(PabulibProject(p, c) for p, c in costs.items()), tuple(votes))


def time_pabutools(path: Path, rule: str, timeout: float) -> tuple[float, float] | str:
    """pabutools' (wall, CPU) seconds for `rule` on `path`, or why there are none (">N s", "error", "n/a")."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", PABUTOOLS_SCRIPT, str(path), rule, str(REPO / "src")],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f">{timeout:g} s"
    if done.returncode != 0:
        return "error"
    last = done.stdout.strip().splitlines()[-1]
    if last == "n/a":
        return last
    wall, cpu = last.split()
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every file in ../shared/pabulib")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before pabutools is given up")
    parser.add_argument("--no-pabutools", action="store_true")
    parser.add_argument("--no-generated", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    paths: list[Path] = list(args.files)
    if args.all:
        paths += sorted(SHARED.glob("*.pb"))
    elif not paths:
        paths += [SHARED / f"{stem}.pb" for stem in REPRESENTATIVE if (SHARED / f"{stem}.pb").exists()]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        if not args.no_generated:
            generated = Path(scratch) / "generated_100000x200.pb"
            generated.write_text(write_pabulib(generated_instance(100_000, 200)))
            paths.append(generated)
        print(
            f"{'instance':<40} {'voters':>7} {'proj':>4} {'rule':<18} {'pb wall':>8} {'pb cpu':>7} "
            f"{'pabu wall':>9} {'pabu cpu':>9} {'ratio':>8} {'runs':>6}"
        )
        for path in paths:
            rows += bench_file(path, args)
    print("* compared with pabutools' own completion (mes_add1); ~ estimated from its MES run time x steps")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def bench_file(path: Path, args: argparse.Namespace) -> list[dict[str, object]]:
    data = read_pabulib(path)
    election = Election.from_pabulib(data)
    rows: list[dict[str, object]] = []
    # pabutools' figures by rule, reused for the variants compared with its completion.
    theirs_by_rule: dict[str, tuple[float, float] | str] = {}
    for rule in args.rules.split(","):
        if rule == "phragmen" and election.vote_type not in ("approval", "choose-1"):
            continue
        prepared = prepare(election) if rule.startswith("mes") else None
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = count(rule, election, None, prepared)
        ours_wall, ours_cpu = time.perf_counter() - wall, time.process_time() - cpu
        target = PABUTOOLS_COUNTERPART.get(rule, rule)
        if args.no_pabutools:
            theirs: tuple[float, float] | str = "skipped"
        elif target in theirs_by_rule:
            theirs = theirs_by_rule[target]
        else:
            theirs = theirs_by_rule[target] = time_pabutools(path, target, args.timeout)
        estimate = None
        if isinstance(theirs, str) and theirs.startswith(">") and target == "mes_add1" and outcome.endowment:
            one_run = theirs_by_rule.get("mes")
            if isinstance(one_run, tuple):
                steps = int(outcome.endowment - Fraction(election.budget) / election.n_voters) + 1
                estimate = steps * one_run[1]
        if isinstance(theirs, tuple):
            theirs_wall, theirs_cpu, ratio = f"{theirs[0]:.3f}", f"{theirs[1]:.3f}", f"{theirs[1] / ours_cpu:.0f}x"
        elif estimate is not None:
            theirs_wall, theirs_cpu, ratio = theirs, f"~{estimate:.0f}", f"~{estimate / ours_cpu:.0f}x"
        elif theirs.startswith(">"):
            theirs_wall, theirs_cpu, ratio = theirs, "-", f">{float(theirs[1:-2]) / ours_cpu:.0f}x"
        else:
            theirs_wall, theirs_cpu, ratio = theirs, "-", "-"
        label = rule if target == rule else f"{rule}*"
        print(
            f"{path.stem[:40]:<40} {election.n_voters:>7} {len(election.projects):>4} {label:<18} "
            f"{ours_wall:>8.3f} {ours_cpu:>7.3f} {theirs_wall:>9} {theirs_cpu:>9} {ratio:>8} {outcome.mes_runs:>6}",
            flush=True,
        )
        rows.append(
            {
                "instance": path.stem,
                "voters": election.n_voters,
                "projects": len(election.projects),
                "rule": rule,
                "pabutools_rule": target,
                "pb_wall_s": ours_wall,
                "pb_cpu_s": ours_cpu,
                "pabutools_s": list(theirs) if isinstance(theirs, tuple) else theirs,
                "pabutools_estimate_cpu_s": estimate,
                "mes_runs": outcome.mes_runs,
            }
        )
    return rows


if __name__ == "__main__":
    main()
