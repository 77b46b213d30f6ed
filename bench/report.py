"""Benchmark: the outcome report (issue 5) of a large round, and the app's other requests while it renders.

Builds, in a temporary SQLite database, a round the size of Helsinki's 2026 ballot: 640 projects on the ballot
(a city-wide budget and 10 district budgets), 50,000 voters who each vote city-wide and in their own district
(100,000 ballots), 800 proposals (120 not feasible, with reasons), every budget counted and published. Then:

1. In this process, the accessible (PDF/UA-1) and the archival (PDF/A-3a, with every .pb and .json embedded)
   report, timed in three parts: gathering the data from the database, Jinja's HTML, WeasyPrint's layout and
   PDF (goal of the issue: under 10 seconds in all); pages and size.
2. Against the real server (`pb run`, one process) on the same database: /healthz latency idle, then while the
   report is laid out (the first public download: gathering in the server, layout in a worker process), as a
   ratio; and the second download, which is served from the cache.

    .venv/bin/python bench/report.py [--projects 640] [--voters 50000] [--districts 10] [--keep FOLDER]

The counting of the 11 budgets (every rule, for the comparison) is part of building the data, not of the timings.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import io
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pypdf
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User, UserRole
from pb.db import Database, make_sync_engine, utcnow
from pb.districts.models import District
from pb.migrate import upgrade
from pb.processes.models import PHASE_ORDER, Budget, BudgetRule, Phase, Process, ProcessDistrict, Project
from pb.proposals.models import Proposal, ProposalStatus
from pb.reports import outcome
from pb.reports.pdf import ReportRenderer
from pb.results import services as results
from pb.review.models import Feasibility, Review
from pb.settings import Settings
from pb.voting.models import Ballot, BallotStatus, VoterRecord

SLUG = "iso-budjetti-2026"
AGE_BANDS = ("12-17", "18-29", "30-44", "45-64", "65+")
AGE_WEIGHTS = (8, 22, 30, 25, 15)
CHANNELS = ("online", "code", "assisted", "paper")
CHANNEL_WEIGHTS = (70, 15, 5, 10)
WORDS = (
    "puisto", "leikkipaikka", "valaistus", "pyörätie", "kirjasto", "uimaranta", "penkki", "kuntosali", "nuoret",
    "esteettömyys", "silta", "ranta", "metsä", "polku", "laituri", "grilli", "skeittipaikka", "koirapuisto",
)  # fmt: skip


def title(rng: random.Random, number: int) -> str:
    return f"{' '.join(rng.choice(WORDS) for _ in range(3)).capitalize()} {number}"


def chosen(
    rng: random.Random, ids: list[int], weights: list[float], costs: dict[int, int], budget: int, k: int
) -> list[int]:
    """Up to k projects, the popular ones more often, whose costs fit in the budget (an approval ballot)."""
    picks: list[int] = []
    left = budget
    for candidate in rng.choices(ids, weights, k=k * 3):
        if candidate not in picks and costs[candidate] <= left:
            picks.append(candidate)
            left -= costs[candidate]
            if len(picks) == k:
                break
    return sorted(picks)


def build(url: str, projects: int, voters: int, districts: int, seed: int = 2026) -> None:
    """The round, written with bulk inserts; counted and published through pb.results as an admin would."""
    upgrade(url)
    rng = random.Random(seed)
    engine = make_sync_engine(url)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as db:
        admin = User(email="admin@example.fi", password_hash="!", display_name="Admin", preferred_language="fi")
        admin.roles.append(UserRole(role=Role.ADMIN))
        area = [
            District(code=f"alue-{n}", name_fi=f"Alue {n}", name_sv=f"Område {n}", name_en=f"Area {n}", position=n)
            for n in range(1, districts + 1)
        ]
        db.add_all([admin, *area])
        db.flush()
        process = Process(
            slug=SLUG,
            name_fi="Iso budjetti 2026",
            name_sv="Stor budget 2026",
            name_en="Big Budget 2026",
            is_published=True,
            age_bands=list(AGE_BANDS),
            budget_rule=BudgetRule.OWN_DISTRICT,
            voting_methods=["census", "code", "assisted", "paper"],
        )
        results_index = PHASE_ORDER.index("results")
        for position, kind in enumerate(PHASE_ORDER):
            starts = now + timedelta(days=(position - results_index) * 30)
            process.phases.append(Phase(kind=kind, starts_at=starts, ends_at=starts + timedelta(days=30)))
        for district in area:
            population = {band: rng.randint(3_000, 9_000) for band in AGE_BANDS}
            process.districts.append(ProcessDistrict(district_id=district.id, population_by_age=population))
        # A city-wide budget with a fifth of the projects, the rest shared by the district budgets.
        citywide_count = projects - (projects * 4 // 5 // districts) * districts
        per_district = (projects - citywide_count) // districts
        process.budgets.append(
            Budget(name_fi="Koko kaupunki", name_sv="Hela staden", name_en="City-wide", amount_cents=400_000_000)
        )
        for n, district in enumerate(area, 1):
            name = district.name_fi
            process.budgets.append(
                Budget(name_fi=name, name_sv=district.name_sv, name_en=district.name_en, district_id=district.id,
                       amount_cents=80_000_000, position=n)
            )  # fmt: skip
        db.add(process)
        db.flush()
        number = 0
        for budget in process.budgets:
            count = citywide_count if budget.district_id is None else per_district
            high = 40_000_000 if budget.district_id is None else 8_000_000
            for _ in range(count):
                number += 1
                cost = rng.randint(20, high // 100_000) * 100_000
                budget.projects.append(Project(title=title(rng, number), summary="", cost_cents=cost))
        db.flush()
        # Proposals: one behind each project, 120 not feasible with a reason, 40 withdrawn.
        proposal_rows = []
        for budget in process.budgets:
            for project in budget.projects:
                proposal_rows.append((project.title, ProposalStatus.ON_BALLOT, budget.district_id, project))
        for n in range(120):
            proposal_rows.append((title(rng, 10_000 + n), ProposalStatus.NOT_FEASIBLE, rng.choice(area).id, None))
        for n in range(40):
            proposal_rows.append((title(rng, 20_000 + n), ProposalStatus.WITHDRAWN, None, None))
        for text, status, district_id, project in proposal_rows:
            proposal = Proposal(
                process_id=process.id, author_id=admin.id, title=text, summary=text, body=text, status=status,
                district_id=district_id, published_at=now - timedelta(days=120),
            )  # fmt: skip
            db.add(proposal)
            db.flush()
            if status == ProposalStatus.NOT_FEASIBLE:
                reason = f"Hanke ei ole toteutettavissa: {rng.choice(WORDS)} ei sovi alueen kaavaan."
                db.add(Review(proposal_id=proposal.id, feasibility=Feasibility.NOT_FEASIBLE, public_reason=reason))
            elif project is not None:
                db.add(Review(proposal_id=proposal.id, feasibility=Feasibility.FEASIBLE,
                              cost_min_cents=project.cost_cents, cost_max_cents=project.cost_cents))  # fmt: skip
                project.proposal_id = proposal.id
        db.commit()

        # Voters: each votes city-wide and in their own district's budget.
        voting = process.phase("voting")
        assert voting is not None
        citywide, *local = process.budgets
        by_district = {budget.district_id: budget for budget in local}
        popularity = {
            budget.id: (
                [project.id for project in budget.projects],
                [1 / (rank + 1) ** 0.8 for rank in range(len(budget.projects))],
                {project.id: project.cost_cents for project in budget.projects},
            )
            for budget in process.budgets
        }
        records, ballots = [], []
        for voter in range(voters):
            district = rng.choice(area)
            band = rng.choices(AGE_BANDS, AGE_WEIGHTS)[0]
            channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
            moment = voting.starts_at + timedelta(seconds=rng.randint(0, 30 * 24 * 3600 - 1))
            for budget, k in ((citywide, 6), (by_district[district.id], 3)):
                ids, weights, costs = popularity[budget.id]
                picks = chosen(rng, ids, weights, costs, budget.amount_cents, k)
                records.append({
                    "process_id": process.id, "budget_id": budget.id, "voter_key": f"{voter:064x}",
                    "slot": f"budget:{budget.id}", "channel": channel, "district_id": district.id,
                    "age_band": band, "first_voted_at": moment, "last_voted_at": moment,
                })  # fmt: skip
                ballots.append({
                    "id": secrets.token_hex(16), "budget_id": budget.id, "link": secrets.token_hex(32),
                    "choices": [[project, 1] for project in picks], "receipt_hash": None,
                    "is_paper": channel == "paper", "status": BallotStatus.COUNTED,
                })  # fmt: skip
        for start in range(0, len(records), 10_000):
            db.execute(insert(VoterRecord), records[start : start + 10_000])
            db.execute(insert(Ballot), ballots[start : start + 10_000])
        db.commit()
        process_id, budget_ids, admin_id = process.id, [budget.id for budget in process.budgets], admin.id
    engine.dispose()
    asyncio.run(count_and_publish(url, process_id, budget_ids, admin_id))


async def count_and_publish(url: str, process_id: int, budget_ids: list[int], admin_id: int) -> None:
    database = Database.connect(url)
    try:
        async with database.sessionmaker() as db:
            process = await db.get(Process, process_id)
            admin = await db.get(User, admin_id)
            assert process is not None and admin is not None
            for budget_id in budget_ids:
                budget = await db.get(Budget, budget_id)
                assert budget is not None
                record = await results.compute_result(
                    db, process, budget, rule="mes", threshold=None, actor=admin, now=utcnow(), unit="Esimerkkilä"
                )
                await results.publish(db, process, record, admin, utcnow())
    finally:
        await database.engine.dispose()


@dataclass(frozen=True)
class Timing:
    # (wall-clock seconds, CPU seconds of this process): on a shared machine the CPU time is the steadier figure.
    gather: tuple[float, float]
    html: tuple[float, float]
    layout: tuple[float, float]
    pages: int
    size: int


async def gather(settings: Settings, variant: outcome.VariantName) -> outcome.OutcomeDocument:
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as db:
            process = await db.scalar(select(Process).where(Process.slug == SLUG))
            assert process is not None
            return await outcome.outcome_document(db, process, language="fi", variant=variant, settings=settings)
    finally:
        await database.engine.dispose()


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def reference_loop_seconds() -> float:
    """CPU seconds of a fixed pure-Python loop, to compare machines: those this runs on differ about twofold."""
    started = time.process_time()
    total = 0
    for number in range(10**7):
        total += number
    return time.process_time() - started


def time_in_process(settings: Settings, renderer: ReportRenderer, variant: outcome.VariantName) -> Timing:
    start = clocks()
    document = asyncio.run(gather(settings, variant))
    gathered = since(start)
    start = clocks()
    renderer.render_html(outcome.TEMPLATE, document.context, document.language)
    html = since(start)
    start = clocks()
    pdf = renderer.render_pdf(
        outcome.TEMPLATE, document.context, document.language, document.variant, document.attachments
    )
    rendered = since(start)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    # render_pdf makes the HTML again: the layout's share is its time less the HTML's.
    layout = (rendered[0] - html[0], rendered[1] - html[1])
    return Timing(gathered, html, layout, pages, len(pdf))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthz_latencies(port: int, seconds: float | None = None, count: int | None = None,
                      until: threading.Event | None = None) -> list[float]:  # fmt: skip
    """Milliseconds of sequential GET /healthz on one kept-alive connection, 20 ms apart."""
    found = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    deadline = time.perf_counter() + (seconds or 600)
    try:
        while time.perf_counter() < deadline and (count is None or len(found) < count):
            if until is not None and until.is_set():
                break
            started = time.perf_counter()
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            found.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)
    finally:
        connection.close()
    return found


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(values):6.1f} ms, p95 {p95:6.1f} ms, max {max(values):6.1f} ms (n={len(values)})"


def measure_server(settings: Settings, work: Path) -> None:
    # The first download must lay the report out: no PDF from an earlier run (--keep).
    shutil.rmtree(work / "server-reports", ignore_errors=True)
    port = free_port()
    environment = {
        **os.environ,
        "PB_DATABASE_URL": settings.database_url,
        "PB_SESSION_DIR": str(work / "sessions"),
        "PB_MAIL_DIR": str(work / "mail"),
        "PB_REPORT_CACHE_DIR": str(work / "server-reports"),
    }
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("pb")), "run", "--port", str(port)],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the server did not start; see {work / 'server.log'}")
        healthz_latencies(port, count=20)  # warm up
        idle = healthz_latencies(port, count=200)
        url = f"http://127.0.0.1:{port}/processes/{SLUG}/outcome-report.pdf?language=fi&variant=ua"
        finished = threading.Event()
        timings: dict[str, float] = {}

        def download(name: str) -> None:
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=600) as response:
                body = response.read()
            timings[name] = time.perf_counter() - started
            timings[f"{name} bytes"] = len(body)
            finished.set()

        thread = threading.Thread(target=download, args=("first",))
        thread.start()
        during = healthz_latencies(port, until=finished)
        thread.join()
        finished.clear()
        download("cached")
        print(f"  /healthz idle:                 {summary(idle)}")
        print(f"  /healthz while rendering:      {summary(during)}")
        print(
            f"  ratio while rendering / idle:  p50 {statistics.median(during) / statistics.median(idle):.2f}×, "
            f"p95 {sorted(during)[round(0.95 * (len(during) - 1))] / sorted(idle)[round(0.95 * (len(idle) - 1))]:.2f}×"
        )
        print(f"  first public download (gathered and laid out in a worker process): {timings['first']:.1f} s")
        print(f"  second download (gathered again, the PDF from the cache): {timings['cached']:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=640)
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument(
        "--keep", type=Path, help="Build the database in this folder and keep it (a later run reuses it)."
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = arguments.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{work / 'report-bench.db'}"
        settings = Settings(database_url=url, report_cache_dir=work / "reports")
        print(
            f"building a round: {arguments.projects} projects, {arguments.voters:,} voters, "
            f"{arguments.districts} districts"
        )
        if (work / "report-bench.db").exists():
            print(f"  reusing the round already in {work} (delete it to build anew)")
            upgrade(url)  # a round kept by an older pb gets the newer schema, as `pb db upgrade` would give it
        else:
            started = time.perf_counter()
            build(url, arguments.projects, arguments.voters, arguments.districts)
            print(f"  built, counted and published in {time.perf_counter() - started:.0f} s")
        renderer = ReportRenderer(settings)
        time_in_process(settings, renderer, "ua")  # warm up: fonts, templates, imports
        print(f"  load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"  machine: {reference_loop_seconds():.2f} s CPU for the reference loop (10^7 Python additions)")
        for variant in ("ua", "archival"):
            timing = time_in_process(settings, renderer, variant)  # type: ignore[arg-type]
            parts = (timing.gather, timing.html, timing.layout)
            for clock, name in ((0, "wall"), (1, "CPU ")):
                total = sum(part[clock] for part in parts)
                print(
                    f"  {variant:8} report, {name}: {total:5.1f} s = gathering {timing.gather[clock]:.1f} s"
                    f" + HTML {timing.html[clock]:.1f} s + WeasyPrint layout and PDF {timing.layout[clock]:.1f} s"
                )
            print(f"  {variant:8} report: {timing.pages} pages, {timing.size / 1e6:.1f} MB")
        print("the server, one process, SQLite:")
        measure_server(settings, work)


if __name__ == "__main__":
    main()
