"""Who may vote: the census check, voting codes and the process's eligibility rules."""
