"""Selecting the panel from the pool: the feasibility check, the LEXIMIN run in a worker process with its progress
page, the probabilities and quotas, the public draw, the file export and who may see what."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.db import utcnow
from pb.panels import selection_job
from pb.panels.models import PanelSelection
from pb.panels.selection import Status, distribution
from pb.sortition.draw import choose_index, digests
from pb.sortition.models import load_instance
from tests.conftest import FormClient, add_persona
from tests.panels.selection_support import no_worker, pooled_panel, run_latest
from tests.panels.support import FANNI, FOLKE
from tests.personas import AINO


def start(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, PanelSelection]:
    """Starts the run over HTTP and runs the job in this process (one test runs it in a real worker)."""
    monkeypatch.setattr(selection_job, "run_in_worker", no_worker)
    fanni = add_persona(db, FANNI)
    pooled = pooled_panel(db, fanni)
    client.log_in(FANNI)
    response = client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/run")
    assert response.status_code == 303
    return pooled.panel.id, run_latest(db, database_url, pooled.panel)


def test_the_page_checks_the_quotas_against_the_pool_before_anything_runs(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    pooled = pooled_panel(db, fanni)
    client.log_in(FANNI)

    page = client.get(f"/facilitator/panels/{pooled.panel.id}/selection")

    assert page.status_code == 200
    assert "Yes: at least one panel meets every quota" in page.text
    assert "10 people have registered." in page.text
    assert f'action="/facilitator/panels/{pooled.panel.id}/selection/run"' in page.text


def test_impossible_quotas_are_explained_with_the_smallest_relaxation_which_can_be_applied(
    client: FormClient, db: Session
) -> None:
    fanni = add_persona(db, FANNI)
    pooled = pooled_panel(db, fanni)
    # Four Swedish speakers wanted, and only three registered.
    swedish = pooled.language.values[1]
    swedish.min_count, swedish.max_count = 4, 4
    db.commit()
    client.log_in(FANNI)

    page = client.get(f"/facilitator/panels/{pooled.panel.id}/selection")
    assert "No: no panel of the registered people meets every quota." in page.text
    assert (
        "Äidinkieli: ruotsi: the quota needs at least 4, but only 3 households in the pool have this value."
        in page.text
    )
    assert "The smallest change that would work" in page.text
    refused = client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/run")
    assert refused.status_code == 409
    assert db.scalars(select(PanelSelection)).all() == []

    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/relax").status_code == 303
    db.refresh(swedish)
    assert (swedish.min_count, swedish.max_count) == (3, 4)
    assert (
        "Yes: at least one panel meets every quota"
        in client.get(f"/facilitator/panels/{pooled.panel.id}/selection").text
    )


def test_quotas_that_clash_across_categories_are_named_with_the_smallest_relaxation(
    client: FormClient, db: Session
) -> None:
    fanni = add_persona(db, FANNI)
    pooled = pooled_panel(db, fanni)
    # Four women and two Swedish speakers on a panel of four: each count is there, but only one woman speaks
    # Swedish, so no single count proves the clash.
    bounds = {"Nainen": (4, 4), "Mies": (0, 3), "suomi": (0, 4), "ruotsi": (2, 2), "muu": (0, 1)}
    for value in [*pooled.gender.values, *pooled.language.values]:
        value.min_count, value.max_count = bounds[value.name_fi]
    db.commit()
    client.log_in(FANNI)

    page = client.get(f"/facilitator/panels/{pooled.panel.id}/selection")

    assert "No: no panel of the registered people meets every quota." in page.text
    assert "These quotas cannot all hold together" in page.text
    assert "<li>Sukupuoli: Nainen: at least 4</li>" in page.text
    assert "<li>Äidinkieli: ruotsi: at least 2</li>" in page.text
    assert ": at most " not in page.text
    assert "The smallest change that would work" in page.text
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/run").status_code == 409


def test_the_page_warns_before_the_draw_when_the_quotas_force_someone_onto_every_panel(
    client: FormClient, db: Session
) -> None:
    fanni = add_persona(db, FANNI)
    pooled = pooled_panel(db, fanni)
    # One seat for the one person whose mother tongue is neither Finnish nor Swedish.
    other = pooled.language.values[2]
    other.min_count, other.max_count = 1, 1
    db.commit()
    client.log_in(FANNI)

    page = client.get(f"/facilitator/panels/{pooled.panel.id}/selection")

    assert "Yes: at least one panel meets every quota" in page.text
    assert "Chances forced to extremes" in page.text
    assert "1 person (Sukupuoli: Mies; Äidinkieli: muu):" in page.text
    assert "must be selected almost certainly: chance at least 100 %." in page.text


def test_the_run_happens_in_a_worker_process_and_the_page_refreshes_itself_meanwhile(
    client: FormClient, db: Session
) -> None:
    fanni = add_persona(db, FANNI)
    pooled = pooled_panel(db, fanni)
    client.log_in(FANNI)

    # The test client waits for the background task, which runs pb.panels.selection_job in a worker process.
    response = client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/run")

    assert response.status_code == 303
    selection = db.scalars(select(PanelSelection)).one()
    assert selection.status == Status.DONE
    assert (
        selection.lottery_sha256
        == hashlib.sha256(json.dumps(selection.lottery, separators=(",", ":")).encode()).hexdigest()
    )
    # While it runs, the page says so and reloads itself (no JavaScript needed).
    selection.status = Status.RUNNING
    selection.heartbeat_at = utcnow()
    db.commit()
    running = client.get(f"/facilitator/panels/{pooled.panel.id}/selection")
    assert "The selection is running" in running.text
    assert running.headers["refresh"] == "5"


def test_the_finished_selection_shows_every_probability_the_quotas_and_what_ran(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel_id, selection = start(client, db, database_url, monkeypatch)

    page = client.get(f"/facilitator/panels/{panel_id}/selection")

    assert page.status_code == 200
    assert selection.algorithm.startswith("leximin") and "HiGHS" in selection.solver
    assert selection.versions["highspy"] and selection.run_info["steps"] >= 1
    assert selection.algorithm in page.text and selection.versions["highs"] in page.text
    for person in selection.people:
        assert person.probability is not None and person.pseudonym in page.text
    assert abs(sum(person.probability or 0 for person in selection.people) - 4) < 1e-6
    # Aila and Oskari share a flat: together they never have more than one seat.
    assert "Aila Mäkinen" in page.text and "Expected on the panel" in page.text
    assert selection.instance_sha256 in page.text and selection.lottery_sha256 in page.text
    # The distribution at a glance, against k/n (4 seats for 10 people).
    assert "<dt>Seats per person in the pool (k/n)</dt><dd>40 %</dd>" in page.text
    assert "<dt>Median</dt>" in page.text and 'id="probability-histogram"' in page.text
    viewed = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.selection_viewed")).all()
    assert len(viewed) == 1 and viewed[0].after == {"selection_id": selection.id, "registrations": 10}


def test_one_household_never_has_two_seats_in_any_panel_of_the_lottery(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, selection = start(client, db, database_url, monkeypatch)
    households = {person.pseudonym: person.household for person in selection.people}

    assert len(set(households.values())) == 9
    assert len(selection.lottery) == 10_000
    for panel in selection.lottery:
        assert len({households[pseudonym] for pseudonym in panel}) == len(panel) == 4


def test_the_draw_picks_the_panel_that_anyone_recomputes_from_the_published_values(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel_id, selection = start(client, db, database_url, monkeypatch)
    client.cookies.clear()
    lottery_file = client.get(f"/panels/raati-2026/selection/{selection.id}/lottery.json").content
    assert hashlib.sha256(lottery_file).hexdigest() == selection.lottery_sha256
    client.log_in(FANNI)

    response = client.submit(
        f"/facilitator/panels/{panel_id}/selection/{selection.id}/draw",
        {"random_value": " 3-6-1-4-4-2 ", "random_value_source": "Nopat valtuuston kokouksessa"},
    )

    assert response.status_code == 303
    db.refresh(selection)
    index = choose_index(selection.lottery_sha256, "3-6-1-4-4-2", 10_000)
    assert selection.drawn_index == index and selection.random_value == "3-6-1-4-4-2"
    chosen = sorted(person.pseudonym for person in selection.people if person.on_panel)
    assert chosen == json.loads(lottery_file)[index]
    reserves = sorted((p.reserve_rank, p.pseudonym) for p in selection.people if p.reserve_rank is not None)
    assert [rank for rank, _ in reserves] == list(range(1, len(reserves) + 1))
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.selection_drawn")).one()
    assert event.after is not None and event.after["index"] == index
    public = client.get("/panels/raati-2026/selection").text
    assert "3-6-1-4-4-2" in public and " ".join(chosen) in public
    assert f"number {index} (counting from 0)" in public
    for digest in (selection.pool_sha256, selection.quotas_sha256, selection.instance_sha256, selection.lottery_sha256):
        assert f"<code>{digest}</code>" in public
    # What ran, including how the chances were rounded to the list (a fallback would show here).
    assert selection.algorithm in public and selection.lottery_rounding in public
    assert f"highspy {selection.versions['highspy']}" in public
    assert "Aila" not in public and "Sixten" not in public
    # A second draw is refused: the panel is drawn once.
    again = client.submit(
        f"/facilitator/panels/{panel_id}/selection/{selection.id}/draw",
        {"random_value": "1-1-1", "random_value_source": "again"},
    )
    assert again.status_code == 422 and "already been drawn" in again.text


def test_the_draw_needs_a_value_and_its_source(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel_id, selection = start(client, db, database_url, monkeypatch)

    response = client.submit(f"/facilitator/panels/{panel_id}/selection/{selection.id}/draw", {"random_value": ""})

    assert response.status_code == 422
    assert "Enter the public random value" in response.text and "Say where the value comes from" in response.text
    db.refresh(selection)
    assert selection.drawn_at is None


def test_the_exported_pool_reloads_with_the_published_digests(
    client: FormClient, db: Session, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel_id, selection = start(client, db, database_url, monkeypatch)

    response = client.get(f"/facilitator/panels/{panel_id}/selection/{selection.id}/export.zip")

    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
        assert "Aila" not in b"".join(archive.read(name) for name in archive.namelist()).decode()
    instance = load_instance(tmp_path / f"raati-2026-selection-{selection.id}")
    assert digests(instance) == {
        "pool_sha256": selection.pool_sha256,
        "quotas_sha256": selection.quotas_sha256,
        "instance_sha256": selection.instance_sha256,
    }


def test_a_resident_is_refused_and_another_panels_facilitator_finds_nothing(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel_id, selection = start(client, db, database_url, monkeypatch)
    add_persona(db, AINO)
    add_persona(db, FOLKE)
    client.log_in(AINO)
    assert client.get(f"/facilitator/panels/{panel_id}/selection").status_code == 403
    client.log_in(FOLKE)
    assert client.get(f"/facilitator/panels/{panel_id}/selection").status_code == 404
    assert client.get(f"/facilitator/panels/{panel_id}/selection/{selection.id}/export.zip").status_code == 404
    response = client.submit(
        f"/facilitator/panels/{panel_id}/selection/{selection.id}/draw",
        {"random_value": "1", "random_value_source": "x"},
    )
    assert response.status_code == 404
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.selection_viewed")).all() == []


def test_running_again_before_the_draw_supersedes_the_published_list_and_it_cannot_be_drawn(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel_id, first = start(client, db, database_url, monkeypatch)

    assert client.submit(f"/facilitator/panels/{panel_id}/selection/run").status_code == 303

    db.expire_all()
    runs = db.scalars(select(PanelSelection).order_by(PanelSelection.id)).all()
    assert [run.status for run in runs] == [Status.SUPERSEDED, Status.RUNNING]
    refused = client.submit(
        f"/facilitator/panels/{panel_id}/selection/{first.id}/draw",
        {"random_value": "1-2-3", "random_value_source": "nopat"},
    )
    assert refused.status_code == 422 and "Only a finished selection can be drawn." in refused.text
    # The superseded list stays published: whoever saw its fingerprint can still check it.
    assert client.get(f"/panels/raati-2026/selection/{first.id}/lottery.json").status_code == 200


def test_the_distribution_gives_the_smallest_median_and_largest_chance_and_a_histogram() -> None:
    found = distribution([0.1, 0.2, 0.2, 0.5], 1)

    assert found is not None
    assert (found.minimum, found.median, found.maximum, found.k_over_n) == (0.1, 0.2, 0.5, 0.25)
    # Ten bins of five percentage points up to the largest chance; the largest falls in the last bin.
    assert [count for _, _, count in found.histogram] == [0, 0, 1, 0, 2, 0, 0, 0, 0, 1]
