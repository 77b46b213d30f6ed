"""A resident's choices about the email pb sends them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from pb.db import Base, UTCDateTime, utcnow


class NotificationSettings(Base):
    """Which optional emails an account gets. No row means the defaults below (most people never open the page).

    Emails that an account needs to work (confirming the address, resetting the password, a warning that someone
    tried to register with the address) and invitations someone else sends are not optional and are not here.
    """

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # A proposal the resident wrote or follows changes status (reviewed, combined into a plan, withdrawn).
    proposal_status: Mapped[bool] = mapped_column(default=True)
    # A new comment on a proposal they follow (each follow can still turn comments off on its own).
    new_comments: Mapped[bool] = mapped_column(default=True)
    # Whether "Email me a summary of my ballot" starts ticked; the choice on the ballot itself still decides.
    ballot_summary: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
