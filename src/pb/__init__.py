"""pb: participatory budgeting, citizen panels and lived-experience expert groups for municipalities."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pb")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
