"""Casting ballots: ballot rules, secrecy, receipts and the voting page."""
