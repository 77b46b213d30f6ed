"""Assisted voting: a voting assistant checks identity in person and the person votes in a kiosk view."""
