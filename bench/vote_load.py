"""Benchmark: voting-day load against the app served as in production (uvicorn workers, PostgreSQL, Redis).

Prepares a round open for voting with a code-only method and N voting codes of known plaintext (hashed as the
admin's code generation stores them), starts uvicorn with the app factory, then lets C simulated voters at a
time go through the voting pages, each with its own cookies:

    GET the code form (CSRF cookie) -> POST the code -> GET the ballot page -> POST .../total (htmx running
    total) -> POST .../cast -> follow the 303 to the receipt page.

It prints:
- voters per second: whole visits as above (6 requests each) completed per second;
- ballots per second: the submissions alone (POST .../cast answered with 303), in a second phase in which the
  voters, already past the code, change their ballots concurrently (the last one counts);
- p50/p95 latency of the submit (POST .../cast) in both phases;
- the throughput of /healthz at the same concurrency, in the same run and server, and the ratio;
- the same timed phases at the further numbers of connections of --also-at (the issue does not fix how many
  voters submit at once; with C connections the mean wait is about C / throughput, so p95 depends on C);
- a reference loop's CPU time, to compare machines (the ratio is the machine-independent figure).
Goal (issue 4, on a 2-core machine): at least 300 ballots/s, p95 under 200 ms, ratio at least 0.3.

The load generator runs on the same machine and takes CPU from the server: the figures are a lower bound.

    .venv/bin/python bench/vote_load.py [--database postgresql://postgres@127.0.0.1:5432/pb_bench_vote]
        [--voters 3000] [--concurrency 64] [--also-at 32] [--workers 2] [--redis redis://127.0.0.1:6379/14]

The database is emptied and migrated with `pb db upgrade` first. --profile runs the cast requests in process
under cProfile instead (no server) and prints where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from pb.db import make_sync_engine, sync_url, utcnow
from pb.districts.models import District
from pb.eligibility.models import VotingCode
from pb.models import Base as _all_models  # noqa: F401  (every table registered)
from pb.processes.models import PHASE_ORDER, BallotFormat, Budget, Phase, PhaseKind, Process, ProcessDistrict, Project
from pb.voting.secrecy import Keys, new_code

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-vote-load-secret-key-0123456789abcdef"
SLUG = "bench-vote"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
PROJECTS = 6
# Each project costs a sixth of the budget, so any set of projects is a valid approval ballot.
BUDGET_CENTS = 30_000_000


# --- the round ---------------------------------------------------------------------------------------------


def reset_database(url: str) -> None:
    """Creates the database if needed, empties it and migrates it with the command line, as an operator would."""
    target = make_url(sync_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()
    engine = make_sync_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    subprocess.run(
        [sys.executable, "-m", "pb.cli", "db", "upgrade"],
        env={**os.environ, "PB_DATABASE_URL": url, "PB_SECRET_KEY": SECRET},
        check=True,
        capture_output=True,
    )


@dataclass(frozen=True)
class Round:
    budget_id: int
    project_ids: list[int]
    codes: list[str]


def prepare_round(url: str, voters: int) -> Round:
    """A published round open for voting with the code method and `voters` unused codes."""
    keys = Keys(SECRET)
    engine = make_sync_engine(url)
    with Session(engine) as db:
        district = District(code="bench", name_fi="Penkki", name_sv="Bänk", name_en="Bench", population=voters * 2)
        db.add(district)
        db.flush()
        process = Process(
            slug=SLUG,
            name_fi="Kuormitustesti",
            name_sv="Belastningstest",
            name_en="Load test",
            is_published=True,
            age_bands=["12-17", "18-64", "65+"],
            voting_methods=["code"],
        )
        now = utcnow()
        voting = PHASE_ORDER.index(PhaseKind.VOTING)
        for position, kind in enumerate(PHASE_ORDER):
            starts = now + timedelta(days=(position - voting) * 30)
            process.phases.append(Phase(kind=kind, starts_at=starts, ends_at=starts + timedelta(days=30)))
        process.districts.append(ProcessDistrict(district_id=district.id, population_by_age={"18-64": voters * 2}))
        budget = Budget(
            name_fi="Koko kaupunki", amount_cents=BUDGET_CENTS, ballot_format=BallotFormat.APPROVAL, position=0
        )
        for number in range(PROJECTS):
            budget.projects.append(Project(title=f"Hanke {number + 1}", cost_cents=BUDGET_CENTS // PROJECTS))
        process.budgets.append(budget)
        db.add(process)
        db.flush()
        codes = [new_code() for _ in range(voters)]
        db.execute(
            insert(VotingCode),
            [
                {"process_id": process.id, "district_id": district.id, "code_hash": keys.voting_code(code), "serial": n}
                for n, code in enumerate(codes)
            ],
        )
        db.commit()
        found = Round(budget.id, [project.id for project in budget.projects], codes)
    engine.dispose()
    return found


# --- the server --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_environment(database: str, redis: str, port: int, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PB_DATABASE_URL": database,
        "PB_REDIS_URL": redis,
        "PB_SECRET_KEY": SECRET,
        "PB_BASE_URL": f"http://127.0.0.1:{port}",
        "PB_MAIL_DIR": str(work / "mail"),
        "PB_SESSION_DIR": str(work / "sessions"),
    }


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path, *, access_log: bool
) -> subprocess.Popen[bytes]:
    # The production shape (docs/deploy.md): uvicorn with uvloop and httptools, several workers sharing
    # sessions and rate limits through Redis. The reverse proxy writes the access log, so uvicorn does not.
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "pb.app:create_app_from_env",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
    ]  # fmt: skip
    if not access_log:
        command.append("--no-access-log")
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- the voters --------------------------------------------------------------------------------------------


@dataclass
class Measures:
    cast_seconds: list[float] = field(default_factory=list)
    visit_seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Voter:
    """One person's browser: its own cookies, CSRF token and session."""

    def __init__(self, base_url: str, code: str, plan: Round, limits: httpx.Limits) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60)
        self.code = code
        self.plan = plan
        self.prefix = f"/processes/{SLUG}/vote"
        # The form token pb keeps in the visitor's session (a hidden field in every form).
        self.csrf = ""

    def read_csrf(self, page: httpx.Response) -> None:
        """Takes the form token from a page, as a browser submits the token of the page it shows."""
        page.raise_for_status()
        found = CSRF_FIELD.search(page.text)
        if found is None:
            raise RuntimeError(f"{page.url} has no CSRF field")
        self.csrf = found.group(1)

    def form(self, **fields: Any) -> dict[str, Any]:
        return {**fields, "_csrf_token": self.csrf}

    def choices(self) -> list[int]:
        return random.sample(self.plan.project_ids, random.randint(1, PROJECTS))

    async def enter_code(self) -> None:
        self.read_csrf(await self.client.get(f"{self.prefix}/code"))
        entered = await self.client.post(f"{self.prefix}/code", data=self.form(code=self.code))
        if entered.status_code != 303:
            raise RuntimeError(f"code refused: {entered.status_code} {entered.text[:200]}")

    async def choose(self) -> list[int]:
        budget = f"{self.prefix}/{self.plan.budget_id}"
        self.read_csrf(await self.client.get(budget))
        chosen = self.choices()
        total = await self.client.post(
            f"{budget}/total", data=self.form(project=[str(p) for p in chosen]), headers={"HX-Request": "true"}
        )
        total.raise_for_status()
        return chosen

    async def cast(self, chosen: list[int], measures: Measures) -> str:
        budget = f"{self.prefix}/{self.plan.budget_id}"
        started = time.perf_counter()
        cast = await self.client.post(f"{budget}/cast", data=self.form(project=[str(p) for p in chosen]))
        measures.cast_seconds.append(time.perf_counter() - started)
        if cast.status_code != 303:
            raise RuntimeError(f"cast refused: {cast.status_code} {cast.text[:200]}")
        done = await self.client.get(cast.headers["location"])
        done.raise_for_status()
        return done.text


async def run_all(jobs: list[Callable[[], Awaitable[None]]], concurrency: int) -> float:
    """Runs the jobs with at most `concurrency` at a time; returns the wall-clock seconds."""
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# wrk drives the timed phases when it is installed (Debian package wrk): a Python client cannot generate load
# fast enough on the same two cores (httpx reached ~140 /healthz requests/s where wrk measures ~1,200), so its
# figures would describe the client. The Lua script sends each ready voter's ballot with their own cookies.
WRK_SCRIPT = """
local voters = {}
local counter = 0
function init(args)
  for line in io.lines(args[1]) do
    local session, csrf, body = line:match("([^\\t]+)\\t([^\\t]+)\\t(.*)")
    table.insert(voters, {session = session, csrf = csrf, body = body})
  end
  counter = math.random(#voters)
end
function request()
  counter = counter + 1
  local voter = voters[(counter % #voters) + 1]
  local headers = {}
  headers["Cookie"] = "pb_session=" .. voter.session
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", nil, headers, voter.body)
end
function done(summary, latency, requests)
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status, summary.errors.timeout))
end
"""
HEALTH_SCRIPT = """
function done(summary, latency, requests)
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status, summary.errors.timeout))
end
"""


@dataclass
class WrkResult:
    per_second: float
    p50: float
    p95: float
    bad_status: int
    requests: int


def run_wrk(url: str, concurrency: int, seconds: int, script: str, *arguments: str) -> WrkResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "script.lua"
        path.write_text(script)
        command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s", "-s", str(path), url]
        output = subprocess.run([*command, "--", *arguments], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    requests, duration_us, p50_us, p95_us, bad_status, timeouts = (int(part) for part in line.split()[1:])
    return WrkResult(requests / (duration_us / 1e6), p50_us / 1e6, p95_us / 1e6, bad_status + timeouts, requests)


def has_wrk() -> bool:
    return subprocess.run(["sh", "-c", "command -v wrk"], capture_output=True).returncode == 0


async def measure(
    base_url: str, plan: Round, concurrency: int, healthz_requests: int, also_at: list[int]
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    voters = [Voter(base_url, code, plan, limits) for code in plan.codes]
    visits, changes = Measures(), Measures()

    def visit(voter: Voter) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            started = time.perf_counter()
            try:
                await voter.enter_code()
                await voter.cast(await voter.choose(), visits)
            except (RuntimeError, httpx.HTTPError) as error:
                visits.failures.append(repr(error))
                return
            visits.visit_seconds.append(time.perf_counter() - started)

        return job

    def change(voter: Voter) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            try:
                await voter.cast(voter.choices(), changes)
            except (RuntimeError, httpx.HTTPError) as error:
                changes.failures.append(repr(error))

        return job

    health = httpx.AsyncClient(base_url=base_url, limits=httpx.Limits(max_connections=concurrency), timeout=60)
    health_seconds: list[float] = []

    async def healthz() -> None:
        started = time.perf_counter()
        (await health.get("/healthz")).raise_for_status()
        health_seconds.append(time.perf_counter() - started)

    try:
        # Warm up each worker's connection pool and caches.
        await run_all([healthz for _ in range(200)], concurrency)
        health_seconds.clear()
        health_wall = await run_all([healthz for _ in range(healthz_requests)], concurrency)
        visit_wall = await run_all([visit(voter) for voter in voters], concurrency)
        ready = [voter for voter in voters if voter.client.cookies.get("pb_session")]
        if has_wrk():
            # The timed phases with wrk: /healthz, then ballots changed by the voters who are past their code.
            lines = []
            for voter in ready:
                session, csrf = voter.client.cookies.get("pb_session"), voter.csrf
                body = "&".join([*(f"project={p}" for p in voter.choices()), f"_csrf_token={csrf}"])
                lines.append(f"{session}\t{csrf}\t{body}\n")
            with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as data:
                data.writelines(lines)
            try:
                health_wrk = run_wrk(f"{base_url}/healthz", concurrency, 10, HEALTH_SCRIPT)
                cast_url = f"{base_url}/processes/{SLUG}/vote/{plan.budget_id}/cast"
                casts = run_wrk(cast_url, concurrency, 20, WRK_SCRIPT, data.name)
                levels = []
                for level in also_at:
                    # The same two phases at another number of connections, in the same run and server.
                    level_health = run_wrk(f"{base_url}/healthz", level, 10, HEALTH_SCRIPT)
                    level_casts = run_wrk(cast_url, level, 20, WRK_SCRIPT, data.name)
                    levels.append((level, level_health, level_casts))
            finally:
                os.unlink(data.name)
            return {
                "generator": "wrk",
                "health_per_second": health_wrk.per_second,
                "health_p95": health_wrk.p95,
                "voters_per_second": len(visits.visit_seconds) / visit_wall,
                "visit_p50": percentile(visits.visit_seconds, 0.5),
                "visit_p95": percentile(visits.visit_seconds, 0.95),
                "visit_cast_p50": percentile(visits.cast_seconds, 0.5),
                "visit_cast_p95": percentile(visits.cast_seconds, 0.95),
                "ballots_per_second": casts.per_second,
                "cast_p50": casts.p50,
                "cast_p95": casts.p95,
                "visits": len(visits.visit_seconds),
                "changes": casts.requests - casts.bad_status,
                "failures": visits.failures
                + [f"{casts.bad_status} ballot posts not answered with 3xx"] * bool(casts.bad_status)
                + [f"{c.bad_status} ballot posts not answered with 3xx at {n}" for n, _, c in levels if c.bad_status],
                "levels": levels,
            }
        change_wall = await run_all([change(voter) for voter in ready], concurrency)
    finally:
        await health.aclose()
        await asyncio.gather(*(voter.client.aclose() for voter in voters))
    return {
        "generator": "httpx",
        "health_per_second": len(health_seconds) / health_wall,
        "health_p95": percentile(health_seconds, 0.95),
        "voters_per_second": len(visits.visit_seconds) / visit_wall,
        "visit_p50": percentile(visits.visit_seconds, 0.5),
        "visit_p95": percentile(visits.visit_seconds, 0.95),
        "visit_cast_p50": percentile(visits.cast_seconds, 0.5),
        "visit_cast_p95": percentile(visits.cast_seconds, 0.95),
        "ballots_per_second": len(changes.cast_seconds) / change_wall if change_wall else 0.0,
        "cast_p50": percentile(changes.cast_seconds, 0.5),
        "cast_p95": percentile(changes.cast_seconds, 0.95),
        "visits": len(visits.visit_seconds),
        "changes": len(changes.cast_seconds) - len(changes.failures),
        "failures": visits.failures + changes.failures,
        "levels": [],
    }


def reference_loop_seconds() -> float:
    """CPU seconds of a fixed pure-Python loop: the machines this runs on differ about twofold in speed, and
    absolute goals (ballots per second) read differently on each; the ratio to /healthz does not."""
    started = time.process_time()
    total = 0
    for number in range(10**7):
        total += number
    return time.process_time() - started


def count_stored(url: str) -> tuple[int, int]:
    engine = make_sync_engine(url)
    with engine.connect() as connection:
        records = connection.execute(text("SELECT count(*) FROM voter_records")).scalar_one()
        ballots = connection.execute(text("SELECT count(*) FROM ballots")).scalar_one()
    engine.dispose()
    return int(records), int(ballots)


# --- in-process profile ------------------------------------------------------------------------------------


def profile(database: str, plan: Round, casts: int) -> None:
    """cProfile over `casts` submissions through the ASGI app in this process (no network, no workers)."""
    import cProfile
    import logging
    import pstats

    from pb.app import create_app
    from pb.settings import Settings

    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as work:
        settings = Settings.from_env(server_environment(database, "", 8000, Path(work)) | {"PB_REDIS_URL": ""})

        async def run() -> None:
            # The app runs in this thread and event loop (httpx's ASGI transport), so cProfile sees its work.
            app = create_app(settings)
            transport = httpx.ASGITransport(app=app)
            voter = Voter("http://127.0.0.1:8000", plan.codes[0], plan, httpx.Limits())
            await voter.client.aclose()
            voter.client = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")
            await voter.enter_code()
            chosen = await voter.choose()
            measures = Measures()
            await voter.cast(chosen, measures)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(casts):
                await voter.cast(voter.choices(), measures)
            profiler.disable()
            await voter.client.aclose()
            print(f"in process: {casts / sum(measures.cast_seconds[1:]):.0f} casts/s (one at a time)")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

        asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/pb_bench_vote")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--also-at",
        default="32",
        help="further numbers of concurrent connections for the timed phases, comma-separated (wrk only)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--healthz", type=int, default=10000, help="requests to /healthz")
    parser.add_argument("--access-log", action="store_true", help="let uvicorn write an access log")
    parser.add_argument("--profile", type=int, metavar="CASTS", help="profile CASTS submissions in process instead")
    arguments = parser.parse_args()
    # Stopped from outside (e.g. `timeout`): still stop the server in the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    print(f"machine: {reference_loop_seconds():.2f} s for the reference loop (10^7 Python additions)", flush=True)
    print(f"preparing {arguments.voters} code voters in {arguments.database} ...", flush=True)
    reset_database(arguments.database)
    plan = prepare_round(arguments.database, arguments.voters)
    if arguments.profile:
        profile(arguments.database, plan, arguments.profile)
        return
    import redis

    redis.Redis.from_url(arguments.redis).flushdb()
    with tempfile.TemporaryDirectory() as work:
        port = free_port()
        log = Path(work) / "server.log"
        env = server_environment(arguments.database, arguments.redis, port, Path(work))
        server = start_server(env, port, arguments.workers, log, access_log=arguments.access_log)
        try:
            print(
                f"uvicorn, {arguments.workers} workers, {os.cpu_count()} CPUs; "
                f"{arguments.concurrency} concurrent voters",
                flush=True,
            )
            also_at = [int(level) for level in arguments.also_at.split(",") if level.strip()]
            found = asyncio.run(
                measure(f"http://127.0.0.1:{port}", plan, arguments.concurrency, arguments.healthz, also_at)
            )
        except BaseException:
            print("the server's log ends:\n" + log.read_text()[-4000:], file=sys.stderr)
            raise
        finally:
            stop_server(server)
        kept = ROOT / "var" / "vote_load-server.log"
        kept.parent.mkdir(exist_ok=True)
        kept.write_text(log.read_text())
        errors = [line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
    print(f"the server's log: {kept.relative_to(ROOT)}")
    records, ballots = count_stored(arguments.database)
    ms = 1000
    ratio = found["ballots_per_second"] / found["health_per_second"]
    print(f"load generator for the timed phases: {found['generator']}")
    print(f"/healthz:            {found['health_per_second']:8.0f} requests/s   p95 {found['health_p95'] * ms:6.1f} ms")
    print(
        f"whole visits:        {found['voters_per_second']:8.0f} voters/s     p50 {found['visit_p50'] * ms:6.1f} ms"
        f"  p95 {found['visit_p95'] * ms:6.1f} ms  (6 requests each; submit p50 {found['visit_cast_p50'] * ms:.1f}"
        f" p95 {found['visit_cast_p95'] * ms:.1f} ms)"
    )
    print(
        f"ballot submissions:  {found['ballots_per_second']:8.0f} ballots/s    p50 {found['cast_p50'] * ms:6.1f} ms"
        f"  p95 {found['cast_p95'] * ms:6.1f} ms"
    )
    print(f"ratio ballots/s : /healthz requests/s = {ratio:.2f}")
    for level, health, casts in found["levels"]:
        level_ratio = casts.per_second / health.per_second
        print(
            f"at {level:3d} connections: {casts.per_second:6.0f} ballots/s  p50 {casts.p50 * ms:6.1f} ms"
            f"  p95 {casts.p95 * ms:6.1f} ms;  /healthz {health.per_second:6.0f} requests/s;  ratio {level_ratio:.2f};"
            f"  goals {'met' if casts.per_second >= 300 and casts.p95 < 0.2 and level_ratio >= 0.3 else 'NOT met'}"
        )
    print(
        f"stored: {records} voter records, {ballots} ballots for {found['visits']} voters;"
        f" {len(found['failures'])} failures"
    )
    for failure in found["failures"][:5]:
        print("  ", failure)
    for line in errors[:5]:
        print("  server:", line)
    goals = found["ballots_per_second"] >= 300 and found["cast_p95"] < 0.2 and ratio >= 0.3
    print("goals (≥300 ballots/s, p95 < 200 ms, ratio ≥ 0.3):", "met" if goals else "NOT met")


if __name__ == "__main__":
    main()
