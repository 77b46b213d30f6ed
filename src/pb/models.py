"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""

from pb.accounts import models as accounts_models
from pb.audit import models as audit_models
from pb.comments import models as comments_models
from pb.db import Base
from pb.districts import models as districts_models
from pb.eligibility import models as eligibility_models
from pb.experts import models as experts_models
from pb.moderation import models as moderation_models
from pb.panels import models as panels_models
from pb.panels import work_models as panel_work_models
from pb.paper import models as paper_models
from pb.privacy import models as privacy_models
from pb.processes import models as processes_models
from pb.proposals import models as proposals_models
from pb.results import models as results_models
from pb.review import models as review_models
from pb.voting import models as voting_models

__all__ = [
    "Base",
    "accounts_models",
    "audit_models",
    "comments_models",
    "districts_models",
    "eligibility_models",
    "experts_models",
    "moderation_models",
    "panel_work_models",
    "panels_models",
    "paper_models",
    "privacy_models",
    "processes_models",
    "proposals_models",
    "results_models",
    "review_models",
    "voting_models",
]
