"""A full participation history for Aino (tests.personas.AINO), tangled up with Sixten's (SIXTEN), so that the
export and deletion tests can see both what is hers and what must stay out of her file or in the database.

In one round open for voting: Aino has a published proposal (with an image, co-authored by Sixten's invitation
to her and Sixten following it), a draft, a proposal co-authored with Sixten, comments (one replying to Sixten,
one Sixten replied to), supports, follows, up-votes, reports both ways, a block, an eligibility proof, a cast
ballot and a role change in the audit log. Sixten has his own proposal, comments, support and follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.comments.models import Comment, CommentVote
from pb.db import utcnow
from pb.moderation.models import Report, UserBlock
from pb.processes.models import Process
from pb.proposals.models import Coauthor, Follow, Proposal, ProposalImage, ProposalStatus, Support
from pb.settings import Settings
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, SIXTEN
from tests.voting.ballot_support import Round, open_round

AINO_TEXT = "Aino kirjoitti tämän: lisää penkkejä rantaan."
SIXTEN_TEXT = "Sixten skrev det här: fler bänkar."


@dataclass(frozen=True)
class History:
    round: Round
    aino: User
    sixten: User
    published: Proposal  # Aino's, alone
    draft: Proposal  # Aino's draft, alone
    shared: Proposal  # Aino's, Sixten accepted as co-author
    sixtens: Proposal  # Sixten's; Aino co-authors it
    aino_comment: Comment  # on Sixten's proposal, replying to Sixten
    aino_reply: Comment  # on her own proposal, Sixten replied to it
    sixten_comment: Comment
    sixten_reply: Comment
    receipt: str


def proposal(
    db: Session, process: Process, author: User, title: str, status: str = ProposalStatus.PUBLISHED
) -> Proposal:
    item = Proposal(
        process_id=process.id,
        author_id=author.id,
        title=title,
        summary=f"{title}: tiivistelmä.",
        body=AINO_TEXT if author.email == AINO.email else SIXTEN_TEXT,
        status=status,
        published_at=None if status == ProposalStatus.DRAFT else utcnow(),
    )
    db.add(item)
    db.flush()
    return item


def comment(db: Session, on: Proposal, author: User, body: str, parent: Comment | None = None) -> Comment:
    item = Comment(
        proposal_id=on.id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_id=author.id,
        body=body,
    )
    db.add(item)
    on.comment_count += 1
    db.flush()
    return item


def arrange(db: Session, settings: Settings, personas: dict[str, User], client: FormClient) -> History:
    voting = open_round(db, settings, personas)
    process = voting.process
    aino, sixten, anna = personas[AINO.email], personas[SIXTEN.email], personas[ANNA.email]

    published = proposal(db, process, aino, "Penkit rantaan")
    db.add(
        ProposalImage(
            proposal_id=published.id, alt_text="Ranta", media_type="image/png", width=1, height=1, data=b"png"
        )
    )
    draft = proposal(db, process, aino, "Luonnos: kukkapenkki", ProposalStatus.DRAFT)
    shared = proposal(db, process, aino, "Yhteinen ehdotus")
    sixtens = proposal(db, process, sixten, "Sixtens förslag")
    db.add(
        Coauthor(
            proposal_id=shared.id, email=SIXTEN.email, user_id=sixten.id, token_hash="s" * 64, accepted_at=utcnow()
        )
    )
    db.add(
        Coauthor(proposal_id=sixtens.id, email=AINO.email, user_id=aino.id, token_hash="a" * 64, accepted_at=utcnow())
    )
    # An invitation Aino sent to someone who never answered: that address is not hers to take with her.
    db.add(Coauthor(proposal_id=published.id, email="naapuri@example.fi", token_hash="n" * 64))

    sixten_comment = comment(db, sixtens, sixten, "Tack för stödet!")
    aino_comment = comment(db, sixtens, aino, "Hyvä idea, Sixten.", parent=sixten_comment)
    aino_reply = comment(db, published, aino, "Lisään tähän suunnitelman.")
    sixten_reply = comment(db, published, sixten, "Bra plan.", parent=aino_reply)
    db.add(CommentVote(comment_id=sixten_comment.id, user_id=aino.id))
    db.add(CommentVote(comment_id=aino_reply.id, user_id=sixten.id))
    sixten_comment.upvote_count += 1
    aino_reply.upvote_count += 1

    for who, what in ((aino, sixtens), (sixten, published)):
        db.add(Support(proposal_id=what.id, user_id=who.id))
        what.support_count += 1
        db.add(Follow(proposal_id=what.id, user_id=who.id, notify_comments=True))

    db.add(
        Report(
            target_type="comment",
            target_id=sixten_comment.id,
            reporter_id=aino.id,
            reason="other",
            details="Aino: tämä on sivuraiteella.",
        )
    )
    db.add(
        Report(
            target_type="user",
            target_id=sixten.id,
            reporter_id=aino.id,
            reason="offensive",
            details="Aino ilmoittaa Sixtenistä.",
        )
    )
    db.add(
        Report(
            target_type="comment",
            target_id=aino_reply.id,
            reporter_id=sixten.id,
            reason="spam",
            details="Sixten: reklam.",
        )
    )
    db.add(
        Report(
            target_type="user",
            target_id=aino.id,
            reporter_id=sixten.id,
            reason="offensive",
            details="Sixten anmäler Aino.",
        )
    )
    db.add(
        UserBlock(
            user_id=aino.id, reason="Kolme varoitusta.", blocked_by_id=anna.id, lifted_at=utcnow(), lifted_by_id=anna.id
        )
    )
    db.add(
        AuditEvent(
            actor_id=anna.id,
            action="user.roles_changed",
            object_type="user",
            object_id=str(aino.id),
            before={"roles": ["resident"]},
            after={"roles": ["resident"]},
            client_address="10.0.0.9",
        )
    )
    db.add(
        AuditEvent(
            actor_id=anna.id,
            action="user.roles_changed",
            object_type="user",
            object_id=str(sixten.id),
            before={"roles": ["resident"]},
            after={"roles": ["resident"]},
            client_address="10.0.0.9",
        )
    )
    db.commit()

    # Aino votes through the pages (her proof of eligibility is arranged by open_round).
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)
    cast = client.submit(f"{url}/cast", {"project": [str(voting.citywide_ids["Uimaranta"])]})
    assert cast.status_code == 303, cast.text
    done = client.get(f"{url}/done?lang=en").text
    from tests.voting.ballot_support import receipt_on

    return History(
        voting,
        aino,
        sixten,
        published,
        draft,
        shared,
        sixtens,
        aino_comment,
        aino_reply,
        sixten_comment,
        sixten_reply,
        receipt_on(done),
    )
