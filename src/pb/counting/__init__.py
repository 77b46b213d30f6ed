"""Counting rules for participatory budgeting: Pabulib files, greedy, Method of Equal Shares, Phragmén.

Everything here is pure: plain data in, plain data out, nothing imported from pb's web or database layers,
so a tally can be recomputed and benchmarked from a `.pb` file alone.
"""
