"""HTTP for comments."""

from __future__ import annotations

from typing import Any

# Controllers of this package, registered by pb.app.
ROUTES: list[Any] = []
