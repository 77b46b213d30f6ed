"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""

from pb.accounts import models as accounts_models
from pb.audit import models as audit_models
from pb.db import Base
from pb.districts import models as districts_models

__all__ = ["Base", "accounts_models", "audit_models", "districts_models"]
