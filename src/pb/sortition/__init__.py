"""Citizen-panel selection (kuntalaisraati): pure algorithms on plain data, no web or database imports.

- `models`: the instance (pool, quotas, panel size, households) and its loader for the shared folder format.
- `panels`: groups of interchangeable people and the panel-search integer program (HiGHS).
- `feasibility`: quota conflicts, the smallest relaxation, and chances forced near 0 or 1.
- `leximin`: LEXIMIN selection probabilities (Flanigan et al., Nature 2021) with open solvers.
- `draw`: digests, rounding to 10,000 equally likely panels and the public draw.
- `replacement`: replacing members who drop out, within the quotas.
- `cli`: `pb sortition FOLDER --seed SEED [--json]`.
"""
