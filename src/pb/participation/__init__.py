"""Participation statistics during and after voting, for staff and (with small cells suppressed) the public."""
