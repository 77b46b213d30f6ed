"""Results of participatory budgeting: counted result records, results pages, Pabulib downloads, implementation."""
