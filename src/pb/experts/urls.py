"""Every route of the lived-experience pages, for app.py."""

from __future__ import annotations

from typing import Any

from pb.experts.assignment_controllers import AssignmentController
from pb.experts.controllers import CoordinatorController
from pb.experts.expert_controllers import ExpertController, PublishedSummaryController, RequestController
from pb.experts.summary_controllers import CompensationController, SummaryController

ROUTES: list[Any] = [
    CoordinatorController,
    AssignmentController,
    SummaryController,
    CompensationController,
    ExpertController,
    RequestController,
    PublishedSummaryController,
]
