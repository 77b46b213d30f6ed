"""What personal data pb keeps, why, for how long, who sees it, and what deleting an account does to it.

This module is the single source for three things that must agree: the privacy notice (/privacy) renders it,
account deletion (pb.privacy.deletion) runs one step per category and refuses to run a step whose fate here has
changed, and a test checks that every table of the schema belongs to exactly one category or to NOT_PERSONAL.
Periods are read from the constants the code itself uses (token lifetimes, the session lifetime), so the notice
cannot promise a period the code does not keep.

Where pb has no retention period yet, the category says so (`Period.NO_LIMIT_YET`) instead of inventing one:
the municipality decides these in its records-management plan (tiedonohjaussuunnitelma) and pb will read them
from here once they are set.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pb.accounts.services import RESET_PASSWORD_LIFETIME, VERIFY_EMAIL_LIFETIME
from pb.experts.models import RegistrySettings
from pb.i18n import N_
from pb.proposals.services import INVITATION_LIFETIME
from pb.settings import Settings


class Basis(StrEnum):
    """The GDPR Article 6 ground the municipality relies on."""

    PUBLIC_TASK = "public_task"
    LEGAL_OBLIGATION = "legal_obligation"
    CONSENT = "consent"


BASIS_TEXTS = {
    # Kuntalaki 410/2015 22 §: the council must see that residents can take part in and influence its work.
    Basis.PUBLIC_TASK: N_(
        "A task in the public interest (GDPR Article 6(1)(e)): the municipality must give residents ways to take "
        "part in and influence its work (Local Government Act 410/2015, section 22)."
    ),
    # Tiedonhallintalaki 906/2019 17 §: an authority must keep log data of the use of its information systems.
    Basis.LEGAL_OBLIGATION: N_(
        "A legal obligation (GDPR Article 6(1)(c)): an authority must keep log data of the use of its information "
        "systems (Act on Information Management in Public Administration 906/2019, section 17)."
    ),
    # GDPR Art. 9(2)(a): membership of a lived-experience group can reveal health data, so it rests on explicit
    # consent, given per purpose (pb.experts.registry).
    Basis.CONSENT: N_(
        "Your explicit consent (GDPR Articles 6(1)(a) and 9(2)(a)), given separately for each purpose; you can "
        "withdraw it at any time, and it stops being used at once."
    ),
}


class Fate(StrEnum):
    """What deleting the account does to a category."""

    DELETED = "deleted"
    UNLINKED = "unlinked"  # the rows stay, without anything that leads back to the account
    RESIDENT_CHOOSES = "resident_chooses"  # kept (by a "Former user") or removed, as the resident chooses
    KEPT = "kept"


FATE_TEXTS = {
    Fate.DELETED: N_("Deleted."),
    Fate.UNLINKED: N_("Kept without your name or account: nothing in them leads back to you."),
    Fate.RESIDENT_CHOOSES: N_(
        "You choose: they stay, shown as written by a former user, or they are removed. Drafts are always removed."
    ),
    Fate.KEPT: N_("Kept unchanged (see why above)."),
}


class Period(StrEnum):
    """How long the data is kept while the account exists."""

    WHILE_ACCOUNT_EXISTS = "while_account_exists"
    SESSION = "session"  # settings.session_max_age_seconds
    EMAIL_LINKS = "email_links"  # the token lifetimes below
    NO_LIMIT_YET = "no_limit_yet"
    PANEL = "panel"  # pb.panels.retention, with the periods each panel sets
    EXPERT_REGISTRY = "expert_registry"  # pb.experts.retention, with the registry's settings (RegistrySettings)


PERIOD_TEXTS = {
    Period.WHILE_ACCOUNT_EXISTS: N_("As long as you have an account."),
    Period.SESSION: N_(
        "A session ends when you log out, or %(session_days)s days after it was last saved on the server (when "
        "you logged in or when it last changed)."
    ),
    Period.EMAIL_LINKS: N_(
        "A link to confirm an address works for %(verify_hours)s hours, a password-reset link for "
        "%(reset_minutes)s minutes and a co-author invitation for %(invitation_days)s days. Used and expired "
        "links are not yet removed automatically: they are removed when the account is deleted."
    ),
    Period.NO_LIMIT_YET: N_(
        "No retention period has been set yet: the data is kept until the municipality decides one in its "
        "records-management plan. pb does not remove it automatically."
    ),
    Period.PANEL: N_(
        "Set for each panel: the registration details of people who were not selected (reserves included) are "
        "deleted a number of days after the draw, the members' a number of days after the panel closes. What "
        "stays is pseudonymous."
    ),
    Period.EXPERT_REGISTRY: N_(
        "Contact details as long as your consent to be in the registry is in force, and %(expert_lapsed_days)s "
        "days after it ends without being renewed (leaving the registry deletes them at once); what you wrote "
        "for an assignment until %(expert_input_days)s days after the assignment closes; fee lines "
        "%(expert_ledger_years)s years from the end of the year they were earned in (Accounting Act 1336/1997). The "
        "municipality sets these periods in its records-management plan."
    ),
}


@dataclass(frozen=True)
class Category:
    key: str
    title: str  # message ids, translated on the notice
    holds: str
    purpose: str
    seen_by: str
    basis: Basis
    period: Period
    on_deletion: Fate
    # The tables that hold this category (the schema inventory test checks that each table has one home).
    tables: tuple[str, ...]
    # Why the fate is what it is, when it is not simply "deleted".
    note: str = ""


CATEGORIES: tuple[Category, ...] = (
    Category(
        key="account",
        title=N_("Your account"),
        holds=N_(
            "Your email address, the name you show to others, your language, a one-way hash of your password "
            "(never the password), when you registered, confirmed your address and last logged in."
        ),
        purpose=N_("To let you log in, to show your name on what you write and to email you."),
        seen_by=N_("You. Administrators see accounts in the user list. Others see only the name you show."),
        basis=Basis.PUBLIC_TASK,
        period=Period.WHILE_ACCOUNT_EXISTS,
        on_deletion=Fate.DELETED,
        tables=("users", "user_identities"),
    ),
    Category(
        key="roles",
        title=N_("Your roles"),
        holds=N_("Whether you are a resident only or also, for example, a reviewer or moderator, and since when."),
        purpose=N_("To decide which pages you may use."),
        seen_by=N_("You and administrators."),
        basis=Basis.PUBLIC_TASK,
        period=Period.WHILE_ACCOUNT_EXISTS,
        on_deletion=Fate.DELETED,
        # A panel's facilitators are staff assignments like roles (pb.panels).
        tables=("user_roles", "panel_facilitators", "expert_group_coordinators"),
    ),
    Category(
        key="email_links",
        title=N_("Links sent by email"),
        holds=N_(
            "A hash of each link we email you (to confirm your address, reset your password or accept a "
            "co-author invitation) and, while you are changing your address, the new address."
        ),
        purpose=N_("To check that a link is genuine, unused and not expired."),
        seen_by=N_("Nobody sees them on pb's pages."),
        basis=Basis.PUBLIC_TASK,
        period=Period.EMAIL_LINKS,
        on_deletion=Fate.DELETED,
        tables=("account_tokens",),
    ),
    Category(
        key="sessions",
        title=N_("Your login session"),
        holds=N_(
            "A random session identifier in a cookie, the only cookie pb sets; on the server, which account is "
            "logged in and when, a random token that protects forms, and the language you chose. No tracking or "
            "analytics cookies."
        ),
        purpose=N_(
            "To keep you logged in from one page to the next, to protect forms against forgery by other sites, and "
            "to remember the language you chose."
        ),
        seen_by=N_("Nobody sees them on pb's pages."),
        basis=Basis.PUBLIC_TASK,
        period=Period.SESSION,
        on_deletion=Fate.DELETED,
        tables=(),
        note=N_("Deleting the account ends every session of it at once."),
    ),
    Category(
        key="notification_settings",
        title=N_("Your email choices"),
        holds=N_("Which optional emails you want from pb."),
        purpose=N_("To send you only the emails you asked for."),
        seen_by=N_("You."),
        basis=Basis.PUBLIC_TASK,
        period=Period.WHILE_ACCOUNT_EXISTS,
        on_deletion=Fate.DELETED,
        tables=("notification_settings",),
    ),
    Category(
        key="proposals",
        title=N_("Your proposals"),
        holds=N_(
            "What you wrote in your proposals and drafts, their images and place, and their public history "
            "(published, reviewed, withdrawn)."
        ),
        purpose=N_("To present your proposals to residents, reviewers and, if they go on, to the vote."),
        seen_by=N_(
            "Published proposals: everyone, with your name. Drafts: you and your co-authors. Staff see all of them."
        ),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.RESIDENT_CHOOSES,
        tables=("proposals", "proposal_images", "proposal_events"),
        note=N_(
            "A proposal that has other co-authors stays with them either way. A project on the ballot keeps its "
            "own title and description."
        ),
    ),
    Category(
        key="coauthors",
        title=N_("Co-authorships"),
        holds=N_("Which proposals you co-author, and invitations sent to your address."),
        purpose=N_("To let co-authors edit a proposal together and to name them on it."),
        seen_by=N_("The proposal's authors; co-authors' names are public on published proposals."),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.DELETED,
        tables=("proposal_coauthors",),
    ),
    Category(
        key="comments",
        title=N_("Your comments"),
        holds=N_("What you wrote in comments, your stance and when you wrote them."),
        purpose=N_("To let residents discuss proposals."),
        seen_by=N_("Everyone, with your name. Moderators also see hidden comments."),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.RESIDENT_CHOOSES,
        tables=("comments",),
        note=N_("A removed comment leaves a “deleted” placeholder so that replies to it keep their context."),
    ),
    Category(
        key="comment_votes",
        title=N_("Your up-votes of comments"),
        holds=N_("Which comments you up-voted."),
        purpose=N_("To count up-votes, one per person."),
        seen_by=N_("Only the count is shown."),
        basis=Basis.PUBLIC_TASK,
        period=Period.WHILE_ACCOUNT_EXISTS,
        on_deletion=Fate.DELETED,
        tables=("comment_votes",),
    ),
    Category(
        key="supports",
        title=N_("Your supports and follows"),
        holds=N_("Which proposals you support and which you follow."),
        purpose=N_("To count supports, one per person, and to email you about the proposals you follow."),
        seen_by=N_("Only the number of supports is shown."),
        basis=Basis.PUBLIC_TASK,
        period=Period.WHILE_ACCOUNT_EXISTS,
        on_deletion=Fate.DELETED,
        tables=("proposal_supports", "proposal_follows"),
        note=N_("The support counts shown on proposals go down by your supports."),
    ),
    Category(
        key="reports",
        title=N_("Reports and blocks"),
        holds=N_(
            "Reports you made of content that breaks the rules, with your explanation; reports others made about "
            "you or your content; blocks a moderator placed on your account, with the reason."
        ),
        purpose=N_("To moderate the discussion."),
        seen_by=N_("Moderators. A reporter's name is never shown to the person reported."),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.UNLINKED,
        tables=("reports", "user_blocks"),
        note=N_(
            "Your own reports stay for the moderators' record without your name or explanation. Blocks of your "
            "account and reports about your account are deleted."
        ),
    ),
    Category(
        key="eligibility",
        title=N_("Proof of your voting right"),
        holds=N_(
            "For each round in which you checked your voting right: a keyed hash of your personal identity code "
            "(pb cannot turn it back into the code), your birth date and district, and whether you used the "
            "code from your letter."
        ),
        purpose=N_("To let you vote online once per budget, in the right district, if you are old enough."),
        seen_by=N_("Nobody sees them on pb's pages; administrators see how many residents have checked."),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.DELETED,
        tables=("eligibility_proofs",),
    ),
    Category(
        key="voting",
        title=N_("Voting register and ballots"),
        holds=N_(
            "The census the municipality imports (keyed hashes of identity codes, birth dates, districts), "
            "keyed hashes of the codes in voting letters, who voted (a keyed hash, budget, channel, district, "
            "age band, time) and, apart from it, what was voted (the ballots)."
        ),
        purpose=N_("To let each resident vote once per budget and to let anyone recount the published ballots."),
        seen_by=N_(
            "Nobody can see which ballot is whose. Ballots are published anonymously after the vote; staff see "
            "turnout figures only."
        ),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.KEPT,
        tables=("census_entries", "voting_codes", "voter_records", "ballots", "paper_voters"),
        note=N_(
            "Your ballots stay counted. They were never stored with your account; after deletion the only link, "
            "the proof of your voting right, is gone, and the register keeps only the keyed hash, as it does for "
            "people who voted on paper."
        ),
    ),
    Category(
        key="panels",
        title=N_("Citizens' panels"),
        holds=N_(
            "For a panel: the addresses drawn from the address register, the invitation letters (a keyed hash of "
            "each letter's code) and, for people who registered with a letter, the name, contact details, answers "
            "to the selection questions, needs and availability they gave."
        ),
        purpose=N_("To invite residents by lot and to select a panel that reflects the population."),
        seen_by=N_("The panel's facilitators; every reading of a registration is written to the audit log."),
        basis=Basis.PUBLIC_TASK,
        period=Period.PANEL,
        on_deletion=Fate.KEPT,
        tables=(
            "panel_registers",
            "panel_addresses",
            "panel_invitation_draws",
            "panel_invitations",
            "panel_registrations",
            "panel_selections",
            "panel_selection_people",
            "panel_replacements",
        ),
        note=N_(
            "They are not connected to accounts, so deleting an account does not touch them. Each panel's own "
            "privacy notice, shown when registering, says more."
        ),
    ),
    Category(
        key="panel_work",
        title=N_("Your work on a citizens' panel"),
        holds=N_(
            "If you sit on a citizens' panel and joined its workspace with your account: your name as the other "
            "members see it, whether you agreed to show it publicly, attendance and tables, what you wrote "
            "(recommendations and their versions, comments, minority statements) and your votes; the "
            "facilitators' session notes and the experts heard."
        ),
        purpose=N_("To let the panel work together and report its recommendations and their support to the council."),
        seen_by=N_(
            "The panel's members and facilitators (notes: facilitators only). The public sees the final "
            "recommendations, support and minority statements without names, and your name only if you agreed."
        ),
        basis=Basis.PUBLIC_TASK,
        period=Period.PANEL,
        on_deletion=Fate.UNLINKED,
        tables=(
            "panel_members",
            "panel_sessions",
            "panel_attendance",
            "panel_seats",
            "panel_hearings",
            "panel_recommendations",
            "panel_recommendation_versions",
            "panel_recommendation_comments",
            "panel_recommendation_votes",
            "panel_minority_statements",
        ),
        note=N_(
            "Deleting your account removes its link to your membership; the work stays under your pseudonym, and "
            "your name on it is deleted with the panel's members' data."
        ),
    ),
    Category(
        key="staff_work",
        title=N_("Work done as staff"),
        holds=N_(
            "For staff only: who reviewed, costed, noted, imported a census, entered paper ballots, drew lots, "
            "counted or published results, imported a past election, started a stability analysis, or updated a "
            "funded project."
        ),
        purpose=N_("To know who did what in the municipality's work."),
        seen_by=N_("Staff; the outcomes themselves are public."),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.UNLINKED,
        tables=(
            "review_assignments",
            "reviews",
            "internal_notes",
            "census_imports",
            "paper_batches",
            "paper_entries",
            "result_lots",
            "result_records",
            "implementations",
            "implementation_notes",
            "expert_notes",
            "expert_summaries",
            "panel_materials",
            "panel_responses",
            "panel_response_updates",
            "past_elections",
            "stability_runs",
        ),
        note=N_("The work stays; the link to the account is removed. The audit log still records it (below)."),
    ),
    Category(
        key="lived_experience",
        title=N_("Lived-experience expert work"),
        holds=N_(
            "If you are in a lived-experience expert registry: your name, contact and payment details, the service "
            "areas you know from experience (never diagnoses), training, languages, availability and fee choice; "
            "your consents; the assignments you were invited to, your attendance, what you wrote for them, your "
            "sign-offs of summaries and your fee lines."
        ),
        purpose=N_(
            "To invite you to assignments you agreed to be asked for, to use your input as you agreed and to pay "
            "your fees."
        ),
        seen_by=N_(
            "The group's coordinators; every reading of what you wrote is written to the audit log. Your name "
            "appears in a report only with your consent to be named."
        ),
        basis=Basis.CONSENT,
        period=Period.EXPERT_REGISTRY,
        on_deletion=Fate.UNLINKED,
        tables=(
            "experts",
            "expert_identities",
            "expert_payment_details",
            "expert_area_choices",
            "expert_consents",
            "expert_assignment_invitations",
            "expert_attendance",
            "expert_inputs",
            "expert_summary_signoffs",
            "expert_ledger_entries",
        ),
        note=N_(
            "Your name, contact and payment details and what you wrote are deleted. The record of your consents, "
            "attendance, sign-offs and fee lines stay under a code that no longer leads to you (the Accounting Act "
            "requires fee lines to be kept)."
        ),
    ),
    Category(
        key="expert_requests",
        title=N_("Requests for lived-experience experts"),
        holds=N_("Requests you sent for lived-experience experts: the topic, questions, dates and how many."),
        purpose=N_("To let the coordinators find experts for the request and to tell you what came of it."),
        seen_by=N_("You and the group's coordinators."),
        basis=Basis.PUBLIC_TASK,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.UNLINKED,
        tables=("expert_assignments",),
        note=N_("The request stays as the group's assignment, without the link to your account."),
    ),
    Category(
        key="audit_log",
        title=N_("Audit log"),
        holds=N_(
            "What staff did and when (changes of roles, moderation decisions, reviews, voting administration), "
            "with the number of the account that acted or was acted upon and the staff member's network address. "
            "It holds no names, email addresses, identity codes, ballots or voting codes."
        ),
        purpose=N_("To be able to show afterwards who did what in the system."),
        seen_by=N_("Administrators."),
        basis=Basis.LEGAL_OBLIGATION,
        period=Period.NO_LIMIT_YET,
        on_deletion=Fate.KEPT,
        tables=("audit_events",),
        note=N_(
            "The log cannot be changed or deleted, not even by pb itself: the database refuses it. Entries about "
            "your account keep its number; once the account is deleted, that number no longer leads to you in pb. "
            "The deletion itself is logged, without your name or address."
        ),
    ),
)

# Tables that hold no personal data, with the reason, so that a new table has to be placed in a category or here.
NOT_PERSONAL: dict[str, str] = {
    "districts": "the municipality's districts",
    "processes": "participatory-budgeting rounds",
    "process_phases": "the rounds' schedules",
    "process_districts": "eligible population per district and age band (aggregates)",
    "budgets": "the rounds' budgets",
    "themes": "the rounds' themes",
    "ballot_projects": "projects on the ballot, written by staff",
    "alembic_version": "the schema's migration version",
    "panels": "citizens' panels and their remits",
    "panel_categories": "a panel's selection categories",
    "panel_category_values": "the values of the selection categories and their quotas",
    "panel_privacy_notices": "the texts of panels' privacy notices",
    "expert_groups": "lived-experience expert groups",
    "expert_areas": "the service areas a group's coordinators list",
    "expert_consent_texts": "the versioned texts of the consents",
    "expert_sessions": "the dates and places of assignments' sessions",
    "expert_registry_settings": "a registry's retention periods and earnings limit",
}

BY_KEY = {category.key: category for category in CATEGORIES}


def period_values(settings: Settings, registry: RegistrySettings) -> dict[str, int]:
    """The numbers the period texts name, read from the settings, constants and registry settings the code runs
    with (``registry`` is what pb.experts.retention.apply_retention reads)."""
    return {
        "session_days": settings.session_max_age_seconds // 86_400,
        "verify_hours": int(VERIFY_EMAIL_LIFETIME.total_seconds() // 3600),
        "reset_minutes": int(RESET_PASSWORD_LIFETIME.total_seconds() // 60),
        "invitation_days": INVITATION_LIFETIME.days,
        "expert_lapsed_days": registry.lapsed_retention_days,
        "expert_input_days": registry.input_retention_days,
        "expert_ledger_years": registry.ledger_retention_years,
    }
