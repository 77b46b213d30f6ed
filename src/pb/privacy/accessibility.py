"""Facts of the accessibility statement (EU Directive 2016/2102; in Finland the Act on the Provision of Digital
Services 306/2019, sections 15-17): what the statement says must be true of the code and its tests, so it is
kept here, next to nothing else, and the tests check the claims that can be checked.
"""

from __future__ import annotations

from datetime import date

from pb.i18n import N_

STANDARD = "WCAG 2.1 AA"
# When the statement was written and last reviewed; update both when the checks or the findings change.
PREPARED_ON = date(2026, 11, 28)
REVIEWED_ON = date(2026, 11, 28)

# How conformance was checked: each line names a test suite that runs in CI (tests/browser/).
CHECKS = (
    N_(
        "Every page, in Finnish, Swedish and English, with its forms also showing their error messages, is checked "
        "automatically with axe-core against the WCAG 2.1 A and AA rules (tests/browser/test_accessibility.py)."
    ),
    N_(
        "The same test checks on every page that the page declares its language, has exactly one main heading "
        "and can be read at a width of 320 CSS pixels without scrolling sideways."
    ),
    N_(
        "Keyboard tests: registering, confirming the address and logging in work with the keyboard alone; the "
        "first Tab reaches a link that skips to the main content; the keyboard focus is visible "
        "(tests/browser/test_keyboard.py)."
    ),
    N_(
        "A test checks that no template sets inline styles or event-handler attributes, so that user style sheets "
        "and a strict content security policy apply everywhere (tests/web/test_security.py)."
    ),
)

# Known limits of the checks and of the content, written as they are. Nothing found by the checks above is
# left unfixed; if one ever is, it is listed here with the WCAG success criterion it fails.
LIMITATIONS = (
    N_(
        "Automated tools find only part of accessibility problems. The service has not yet been evaluated by an "
        "outside accessibility expert, nor tested with screen reader users. Until then we state that it partially "
        "meets the requirements."
    ),
    N_(
        "Keyboard use is tested step by step only for registering and logging in; other pages are checked with "
        "axe-core only, not with a scripted keyboard test."
    ),
    N_(
        "Proposals, comments and their images are written by residents. pb requires alternative text for every "
        "image, but cannot check that the text describes the image well."
    ),
    N_(
        "A proposal's point on the map opens OpenStreetMap, a service outside pb whose accessibility we do not "
        "control. The place is also shown on the page as "
        "coordinates, and as an address when the author gave one."
    ),
)

# Digipalvelulaki 306/2019 section 17 names the supervising authority; since 1 January 2025 (HE 71/2024) it is
# the Finnish Transport and Communications Agency Traficom, which took over from the Regional State
# Administrative Agency for Southern Finland.
AUTHORITY_NAME = N_("Finnish Transport and Communications Agency Traficom, accessibility supervision")
AUTHORITY_URL = "https://www.saavutettavuusvaatimukset.fi"
