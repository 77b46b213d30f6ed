"""Paper ballots: the register of paper voters and double-entered batches."""
