"""The open data API's tests: a client that checks every answer against the OpenAPI document, and a round with
published results, proposals of every kind and a panel to read.

Every response the API tests receive goes through ``Api.get``, which finds the documented operation for the
path, and fails unless the status is documented for it, the media type is the documented one, the documented
required headers are there, and the JSON body validates against the response schema (JSON Schema 2020-12, the
dialect of OpenAPI 3.1). The schemas are closed, so an undocumented field in a response fails the test too.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.panels.models import Panel
from pb.processes.models import Budget, Process, Project
from pb.proposals.models import Proposal, ProposalEvent, ProposalStatus
from pb.results.models import Implementation, ImplementationNote, ImplementationStatus, ResultRecord
from pb.settings import Settings
from pb.voting.models import Ballot, BallotStatus
from tests.conftest import FormClient
from tests.panels.support import add_fanni, recruiting_panel
from tests.personas import ANNA
from tests.results.support import cast_ballots, compute, ended_round
from tests.voting_support import budgets, project_ids

BASE = "/api/v1"
DOCUMENT_URI = "urn:pb:api:openapi"
# Words that exist only in content the API must never publish; a test looks for them in every answer.
DRAFT_SECRET = "Luonnossalaisuus"
HIDDEN_SECRET = "Piilotettusisalto"
UNPUBLISHED_ROUND_SECRET = "Julkaisematonkierros"
UNPUBLISHED_PANEL_SECRET = "Julkaisematonraati"


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    return re.compile("^" + "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + "$")


@dataclass
class Api:
    """A test client for /api/v1 that validates every answer against the app's own OpenAPI document."""

    client: FormClient
    document: dict[str, Any] = field(default_factory=dict)
    seen: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        response = self.client.get(f"{BASE}/openapi.json")
        assert response.status_code == 200, response.text
        self.document = response.json()
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
        self.templates = [(template, _template_pattern(template)) for template in self.document["paths"]]

    def operation_for(self, path: str) -> tuple[str, dict[str, Any]]:
        bare = path.split("?", 1)[0].removeprefix(BASE) or "/"
        # Static paths win over templated ones, as in the router (/results/1/ballots.pb is not /results/{id}).
        matches = [(template, pattern) for template, pattern in self.templates if pattern.match(bare)]
        assert matches, f"{path} is not documented"
        template = min(matches, key=lambda item: item[0].count("{"))[0]
        return template, self.document["paths"][template]["get"]

    def resolve(self, item: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in item:
            found: Any = self.document
            for part in item["$ref"].removeprefix("#/").split("/"):
                found = found[part]
            item = found
        return item

    def validate(self, body: Any, schema: dict[str, Any]) -> None:
        wrapper = {"$ref": f"{DOCUMENT_URI}#{schema['$ref'][1:]}"} if "$ref" in schema else schema
        Draft202012Validator(wrapper, registry=self.registry).validate(body)

    def check(self, path: str, response: httpx.Response) -> None:
        template, operation = self.operation_for(path)
        status = str(response.status_code)
        assert status in operation["responses"], f"{path}: {status} is not documented for {template}"
        documented = self.resolve(operation["responses"][status])
        for name, header in documented.get("headers", {}).items():
            if header.get("required"):
                assert name.lower() in response.headers, f"{path}: {status} lacks the {name} header"
        content = documented.get("content")
        if not content:
            assert response.content == b"", f"{path}: {status} should have no body"
            return
        media_type = response.headers["content-type"].split(";")[0].strip()
        assert media_type in content, f"{path}: {media_type} is not documented for {status}"
        if media_type.endswith("json"):
            self.validate(response.json(), content[media_type]["schema"])
        self.seen.append((template, response.status_code))

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(path, **kwargs)
        self.check(path, response)
        return response

    def data(self, path: str) -> Any:
        response = self.get(path)
        assert response.status_code == 200, response.text
        return response.json()["data"]


# --- arranging ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arranged:
    process: Process
    citywide: Budget
    central: Budget
    records: dict[int, ResultRecord]  # budget id -> its published record
    published: Proposal
    draft: Proposal
    hidden: Proposal
    ballot_project: Project  # made from the published proposal
    funded_project: Project
    panel: Panel


def add_proposal(db: Session, process: Process, author: User, *, title: str, body: str, **values: Any) -> Proposal:
    status = values.pop("status", ProposalStatus.PUBLISHED)
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id,
        title=title,
        summary=f"{title}: tiivistelmä",
        body=body,
        status=status,
        published_at=utcnow() if status != ProposalStatus.DRAFT else None,
        support_count=0,
        comment_count=0,
        **values,
    )
    db.add(proposal)
    db.commit()
    return proposal


def with_receipts(db: Session, budget: Budget, count: int) -> None:
    """Gives ``count`` of the budget's ballots a receipt hash, as online ballots have."""
    for ballot in db.scalars(select(Ballot).where(Ballot.budget_id == budget.id).order_by(Ballot.id).limit(count)):
        ballot.receipt_hash = secrets.token_hex(32)
    db.commit()


async def arrange(
    db: Session, settings: Settings, personas: dict[str, User], *, publish: bool = True, slug: str = "omabudjetti-2024"
) -> Arranged:
    """A round whose vote has ended, with ballots in both budgets (results published unless ``publish`` is
    False), a published proposal on the ballot, someone's draft and a hidden proposal; an unpublished round and
    an unpublished panel next to it; a published panel with its lottery."""
    admin = personas[ANNA.email]
    author = next(user for user in personas.values() if user.email == "aino@example.fi")
    process = ended_round(db, slug=slug)
    citywide, central = budgets(process)
    district_id = process.districts[0].district_id
    published = add_proposal(
        db, process, author, title="Uimaranta", body="Uimaranta keskustaan.", district_id=district_id,
        status=ProposalStatus.ON_BALLOT, address="Rantatie 1", latitude=60.17, longitude=24.94,
    )  # fmt: skip
    draft = add_proposal(db, process, author, title=DRAFT_SECRET, body=DRAFT_SECRET, status=ProposalStatus.DRAFT)
    hidden = add_proposal(
        db, process, author, title=HIDDEN_SECRET, body=HIDDEN_SECRET, district_id=district_id,
        hidden_at=utcnow(), hidden_reason="Loukkaava sisältö",
    )  # fmt: skip
    ids = project_ids(db, citywide)
    project = db.get_one(Project, ids["Uimaranta"])
    project.proposal_id = published.id
    db.add(ProposalEvent(proposal_id=published.id, kind="on_ballot", status=ProposalStatus.ON_BALLOT, public_note=""))
    db.commit()
    cast_ballots(db, citywide)
    cast_ballots(db, central, ((("Penkit",), 4), (("Valaistus",), 3), (("Penkit", "Valaistus"), 2)))
    with_receipts(db, citywide, 3)
    records: dict[int, ResultRecord] = {}
    for budget in (citywide, central):
        records[budget.id] = await compute(settings, process.id, budget.id, publish_as=admin.id if publish else None)
    funded = db.get_one(Project, records[citywide.id].selected[0])
    if publish:
        db.add(Implementation(project_id=funded.id, status=ImplementationStatus.IN_PROGRESS, updated_by_id=admin.id))
        db.add(
            ImplementationNote(
                project_id=funded.id, day=utcnow().date(), text="Rakennus alkoi.", created_by_id=admin.id
            )
        )
        db.commit()
    unpublished = ended_round(db, slug="salainen-kierros")
    unpublished.is_published = False
    unpublished.name_fi = UNPUBLISHED_ROUND_SECRET
    db.commit()
    facilitator = add_fanni(db)
    panel = recruiting_panel(db, facilitator, settings.secret_key).panel
    hidden_panel = Panel(
        slug="tuleva-raati",
        name_fi=UNPUBLISHED_PANEL_SECRET,
        remit_fi=UNPUBLISHED_PANEL_SECRET,
        commissioner="Valtuusto",
        size=10,
        registration_closes_on=panel.registration_closes_on,
        first_session_on=panel.first_session_on,
        last_session_on=panel.last_session_on,
        is_published=False,
    )
    db.add(hidden_panel)
    db.commit()
    return Arranged(process, citywide, central, records, published, draft, hidden, project, funded, panel)


def counted(db: Session, budget: Budget) -> int:
    query = select(func.count()).select_from(Ballot)
    return int(db.scalar(query.where(Ballot.budget_id == budget.id, Ballot.status == BallotStatus.COUNTED)) or 0)
