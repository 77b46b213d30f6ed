"""Recommendations: members draft and revise them (every version kept), comment, vote on a five-point scale
(with and without htmx), attach minority statements; the facilitators move the stages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.panels.recommendations import support_of
from pb.panels.work_models import PanelRecommendation, RecommendationVote
from tests.conftest import FormClient
from tests.panels.support import FANNI
from tests.panels.work_support import add_recommendation, log_in_in_english, panel_at_work
from tests.personas import SIXTEN

BASE = "/panels/raati-2026/workspace"


def test_a_member_drafts_and_revises_a_recommendation_and_every_version_is_kept(
    client: FormClient, db: Session
) -> None:
    panel_at_work(db)
    log_in_in_english(client, SIXTEN)
    refused = client.submit(f"{BASE}/recommendations", {"title": "Penkkejä", "body": "", "rationale": ""})
    assert refused.status_code == 422 and "Write the recommendation." in refused.text

    created = client.submit(
        f"{BASE}/recommendations",
        {
            "title": "Penkkejä torille",
            "body": "Lisätään penkkejä.",
            "rationale": "Ikäihmiset tarvitsevat lepopaikkoja.",
        },
    )
    assert created.status_code == 303
    recommendation = db.scalars(select(PanelRecommendation)).one()
    revised = client.submit(
        f"{BASE}/recommendations/{recommendation.id}/revise",
        {"title": "Penkkejä ja varjoa torille", "body": "Lisätään penkkejä ja puita.", "rationale": "Lepoa ja varjoa."},
    )

    assert revised.status_code == 303
    db.refresh(recommendation)
    assert [v.number for v in recommendation.versions] == [1, 2]
    assert (
        recommendation.versions[0].title == "Penkkejä torille" and recommendation.title == "Penkkejä ja varjoa torille"
    )
    page = client.get(f"{BASE}/recommendations/{recommendation.id}").text
    assert "Version 2" in page and "Version 1" in page and "Sixten Lindqvist" in page
    same = client.submit(
        f"{BASE}/recommendations/{recommendation.id}/revise",
        {"title": recommendation.title, "body": recommendation.body, "rationale": recommendation.rationale},
    )
    assert same.status_code == 422 and "Nothing was changed." in same.text


def test_members_and_facilitators_comment(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    log_in_in_english(client, SIXTEN)
    assert client.submit(f"{BASE}/recommendations/{recommendation.id}/comments", {"comment": ""}).status_code == 422
    assert (
        client.submit(f"{BASE}/recommendations/{recommendation.id}/comments", {"comment": "Hyvä!"}).status_code == 303
    )
    log_in_in_english(client, FANNI)
    assert (
        client.submit(f"{BASE}/recommendations/{recommendation.id}/comments", {"comment": "Tarkentakaa."}).status_code
        == 303
    )
    page = client.get(f"{BASE}/recommendations/{recommendation.id}").text
    assert "Hyvä!" in page and "Tarkentakaa." in page and "Facilitator" in page


def test_the_facilitators_move_the_stages_and_texts_freeze_for_the_vote(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    log_in_in_english(client, SIXTEN)
    assert client.submit(f"{BASE}/stage", {"stage": "voting"}).status_code == 403
    log_in_in_english(client, FANNI)

    assert client.submit(f"{BASE}/stage", {"stage": "voting"}).status_code == 303

    db.refresh(work.panel)
    assert work.panel.recommendations_stage == "voting"
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.stage_changed")).one()
    log_in_in_english(client, SIXTEN)
    frozen = client.submit(
        f"{BASE}/recommendations/{recommendation.id}/revise", {"title": "Uusi", "body": "Uusi", "rationale": "Uusi"}
    )
    assert frozen.status_code == 422 and "current stage" in frozen.text
    assert client.submit(f"{BASE}/recommendations", {"title": "x", "body": "x", "rationale": "x"}).status_code == 422


def test_a_member_votes_with_htmx_and_gets_the_vote_box_back(client: FormClient, db: Session) -> None:
    work = panel_at_work(db, stage="voting")
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    log_in_in_english(client, SIXTEN)

    response = client.submit(f"{BASE}/recommendations/{recommendation.id}/vote", {"score": "4"}, htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="panel-vote" id="vote">') and "<html" not in response.text
    assert "Your vote: Agree." in response.text and response.headers["vary"] == "HX-Request"
    changed = client.submit(f"{BASE}/recommendations/{recommendation.id}/vote", {"score": "5"}, htmx=True)
    assert "Your vote: Strongly agree." in changed.text
    votes = db.scalars(select(RecommendationVote)).all()
    assert [(v.member_id, v.score) for v in votes] == [(work.members[0].id, 5)]
    wrong = client.submit(f"{BASE}/recommendations/{recommendation.id}/vote", {"score": "9"}, htmx=True)
    assert wrong.status_code == 422 and "Choose one of the five options." in wrong.text and "<html" not in wrong.text


def test_a_member_votes_without_javascript_and_is_redirected(client: FormClient, db: Session) -> None:
    work = panel_at_work(db, stage="voting")
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    log_in_in_english(client, SIXTEN)

    response = client.submit(f"{BASE}/recommendations/{recommendation.id}/vote", {"score": "2"})

    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}/recommendations/{recommendation.id}#vote"
    assert "Your vote: Disagree." in client.get(f"{BASE}/recommendations/{recommendation.id}").text
    wrong = client.submit(f"{BASE}/recommendations/{recommendation.id}/vote", {})
    assert wrong.status_code == 422 and "<html" in wrong.text and "Choose one of the five options." in wrong.text


def test_facilitators_cannot_vote_and_nobody_votes_outside_the_voting_stage(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    log_in_in_english(client, FANNI)
    assert client.submit(f"{BASE}/recommendations/{recommendation.id}/vote", {"score": "5"}).status_code == 403
    log_in_in_english(client, SIXTEN)
    closed = client.submit(f"{BASE}/recommendations/{recommendation.id}/vote", {"score": "5"})
    assert closed.status_code == 422
    assert db.scalars(select(RecommendationVote)).all() == []


def test_support_is_the_share_who_agree_and_strong_over_three_quarters(db: Session) -> None:
    work = panel_at_work(db, stage="voting")
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    for member, score in zip(work.members, [5, 5, 4, 4, 3, 1], strict=True):
        recommendation.votes.append(RecommendationVote(member_id=member.id, score=score))
    db.commit()

    support = support_of(recommendation)

    assert support.counts == (1, 0, 1, 2, 2) and support.votes == 6
    assert support.share == 4 / 6 and support.level == "supported"


def test_the_distribution_is_hidden_from_members_until_the_vote_closes(client: FormClient, db: Session) -> None:
    work = panel_at_work(db, stage="voting")
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    recommendation.votes.append(RecommendationVote(member_id=work.members[2].id, score=5))
    db.commit()
    log_in_in_english(client, SIXTEN)
    assert "agree or strongly agree" not in client.get(f"{BASE}/recommendations/{recommendation.id}").text
    log_in_in_english(client, FANNI)
    assert "100 % agree or strongly agree" in client.get(f"{BASE}/recommendations/{recommendation.id}").text


def test_a_member_attaches_a_minority_statement(client: FormClient, db: Session) -> None:
    work = panel_at_work(db, stage="voting")
    recommendation = add_recommendation(db, work.panel, work.members[1], "Pyöräparkki")
    log_in_in_english(client, SIXTEN)
    assert client.submit(f"{BASE}/recommendations/{recommendation.id}/minority", {"statement": ""}).status_code == 422

    response = client.submit(
        f"{BASE}/recommendations/{recommendation.id}/minority", {"statement": "Parkki vie tilaa kävelijöiltä."}
    )

    assert response.status_code == 303
    db.refresh(recommendation)
    assert [s.body for s in recommendation.minority_statements] == ["Parkki vie tilaa kävelijöiltä."]
