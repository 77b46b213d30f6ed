"""HTTP for accounts: register, verify email, log in and out, reset password, the account page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts import forms
from pb.accounts import services as account
from pb.accounts.models import TokenPurpose, User
from pb.i18n import N_
from pb.web.auth import SESSION_LOGIN_AT, SESSION_USER_ID, client_address, requires_login
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, translator
from pb.web.responses import flash, page, remember_language, see_other
from pb.web.sessions import ROTATE_FLAG

# Shown on the login page after an anonymous flow (there is no session to carry a flash message).
LOGIN_NOTICES = {
    "verified": N_("Your email address is confirmed. You can now log in."),
    "reset": N_("Your password has been changed. Log in with the new password."),
    "logged_out": N_("You have logged out."),
}


def start_session(request: Request[Any, Any, Any], user: User, *, login_at: str) -> None:
    # A new session id at login (OWASP Session Management Cheat Sheet: renew the id on privilege change).
    request.session.clear()
    request.session[SESSION_USER_ID] = user.id
    request.session[SESSION_LOGIN_AT] = login_at
    request.scope["state"][ROTATE_FLAG] = True
    request.scope["state"]["user"] = user


def end_session(request: Request[Any, Any, Any]) -> None:
    request.session.clear()
    request.scope["state"][ROTATE_FLAG] = True
    request.scope["state"]["user"] = None


def signed_in(request: Request[Any, Any, Any]) -> User:
    user = request.scope["state"].get("user")
    assert isinstance(user, User), "route must be guarded by requires_login"
    return user


async def send_verification(services: Services, user: User, token: FromPath[str], to: str | None = None) -> None:
    mailer = services.mailer
    await mailer.send(
        mailer.compose(
            to or user.email,
            user.preferred_language,
            N_("Confirm your email address"),
            "email/verify_email.txt",
            user=user,
            link=f"{services.settings.base_url}/verify-email/{token}",
        )
    )


class AccountController(Controller):
    include_in_schema = False

    @get("/register", name="register")
    async def register_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if request.scope["state"].get("user") is not None:
            return see_other("/account")
        return page("accounts/register.html", form={}, errors=Errors())

    @post("/register")
    async def register(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template | Redirect:
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_register(data, _)
        address = client_address(request)
        if not errors and await services.throttle.is_blocked(services.register_limit, form.email, address):
            errors.add("email", _("Too many attempts. Wait 15 minutes and try again."))
        if errors:
            return page("accounts/register.html", status=422, form=data, errors=errors)
        await services.throttle.record(services.register_limit, form.email, address)
        result = await account.register(
            db,
            services.hasher,
            email=form.email,
            password=form.password,
            display_name=form.display_name,
            language=form.language,
        )
        if result.user is not None and result.verification_token is not None:
            await send_verification(services, result.user, result.verification_token)
        elif result.existing_user is not None:
            existing = result.existing_user
            await services.mailer.send(
                services.mailer.compose(
                    existing.email,
                    existing.preferred_language,
                    N_("Someone tried to register with your address"),
                    "email/already_registered.txt",
                    user=existing,
                    link=f"{services.settings.base_url}/password-reset",
                )
            )
        return see_other("/register/sent")

    @get("/register/sent")
    async def register_sent(self) -> Template:
        return page("accounts/check_email.html", reason="register")

    @get("/verify-email/{token:str}")
    async def verify_form(self, token: FromPath[str], db: NamedDependency[AsyncSession]) -> Template:
        found = await account.find_valid_token(db, token, TokenPurpose.VERIFY_EMAIL)
        return page(
            "accounts/verify.html",
            status=200 if found else 404,
            token=token,
            valid=found is not None,
            new_email=found.new_email if found else None,
            taken=False,
        )

    @post("/verify-email/{token:str}")
    async def verify(
        self, request: Request[Any, Any, Any], token: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        found = await account.find_valid_token(db, token, TokenPurpose.VERIFY_EMAIL)
        if found is None:
            return page("accounts/verify.html", status=404, token=token, valid=False, new_email=None, taken=False)
        try:
            await account.confirm_email(db, found)
        except account.EmailTaken:
            return page("accounts/verify.html", status=409, token=token, valid=False, new_email=None, taken=True)
        if request.scope["state"].get("user") is not None:
            flash(request, translator(request)(N_("Your email address is confirmed.")))
            return see_other("/account")
        return see_other("/login?notice=verified")

    @get("/login", name="login")
    async def login_form(
        self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None, notice: FromQuery[str | None] = None
    ) -> Template | Redirect:
        if request.scope["state"].get("user") is not None:
            return see_other(forms.safe_next(next))
        return page(
            "accounts/login.html",
            form={"next": forms.safe_next(next)},
            errors=Errors(),
            notice=LOGIN_NOTICES.get(notice or ""),
        )

    @post("/login")
    async def login(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template | Redirect:
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_login(data, _)
        data["next"] = forms.safe_next(data.get("next"))
        address = client_address(request)
        if not errors and await services.throttle.is_blocked(services.login_limit, form.email, address):
            errors.add(
                "password",
                _("Too many failed attempts. Wait 15 minutes and try again, or reset your password."),
            )
        if errors:
            return page("accounts/login.html", status=422, form=data, errors=errors, notice=None)
        user = await account.authenticate(db, services.hasher, form.email, form.password)
        if user is None:
            await services.throttle.record(services.login_limit, form.email, address)
            errors.add("password", _("The email address or the password is wrong."))
            return page("accounts/login.html", status=422, form=data, errors=errors, notice=None)
        await services.throttle.clear_account(services.login_limit, form.email, address)
        start_session(request, user, login_at=(user.last_login_at or user.created_at).isoformat())
        remember_language(request, user.preferred_language)
        return see_other(data["next"])

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        end_session(request)
        return see_other("/login?notice=logged_out")

    @get("/password-reset")
    async def reset_request_form(self) -> Template:
        return page("accounts/reset_request.html", form={}, errors=Errors())

    @post("/password-reset")
    async def reset_request(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template | Redirect:
        _ = translator(request)
        data = await read_form(request)
        email, errors = forms.parse_reset_request(data, _)
        address = client_address(request)
        if not errors and await services.throttle.is_blocked(services.reset_limit, email, address):
            errors.add("email", _("Too many requests. Wait an hour and try again."))
        if errors:
            return page("accounts/reset_request.html", status=422, form=data, errors=errors)
        await services.throttle.record(services.reset_limit, email, address)
        issued = await account.request_password_reset(db, email)
        if issued is not None:
            user, token = issued
            await services.mailer.send(
                services.mailer.compose(
                    user.email,
                    user.preferred_language,
                    N_("Reset your password"),
                    "email/reset_password.txt",
                    user=user,
                    link=f"{services.settings.base_url}/password-reset/{token}",
                )
            )
        # The same answer whether or not the address has an account (no account enumeration).
        return see_other("/password-reset/sent")

    @get("/password-reset/sent")
    async def reset_sent(self) -> Template:
        return page("accounts/check_email.html", reason="reset")

    @get("/password-reset/{token:str}")
    async def reset_form(self, token: FromPath[str], db: NamedDependency[AsyncSession]) -> Template:
        found = await account.find_valid_token(db, token, TokenPurpose.RESET_PASSWORD)
        return page(
            "accounts/reset_form.html",
            status=200 if found else 404,
            token=token,
            valid=found is not None,
            errors=Errors(),
        )

    @post("/password-reset/{token:str}")
    async def reset(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        found = await account.find_valid_token(db, token, TokenPurpose.RESET_PASSWORD)
        if found is None:
            return page("accounts/reset_form.html", status=404, token=token, valid=False, errors=Errors())
        user = await db.get_one(User, found.user_id)
        data = await read_form(request)
        password, errors = forms.parse_new_password(data, translator(request), user.email)
        if errors:
            return page("accounts/reset_form.html", status=422, token=token, valid=True, errors=errors)
        await account.reset_password(db, services.hasher, found, password)
        end_session(request)
        return see_other("/login?notice=reset")


class AccountPageController(Controller):
    """The signed-in user's own account: profile, email, password."""

    path = "/account"
    guards = [requires_login]
    include_in_schema = False

    def _render(self, request: Request[Any, Any, Any], *, status: int = 200, **overrides: Any) -> Template:
        user = signed_in(request)
        context: dict[str, Any] = {
            "profile": {"display_name": user.display_name, "language": user.preferred_language},
            "profile_errors": Errors(),
            "email_form": {},
            "email_errors": Errors(),
            "password_errors": Errors(),
        }
        context.update(overrides)
        return page("accounts/account.html", status=status, **context)

    @get("/", name="account")
    async def show(self, request: Request[Any, Any, Any]) -> Template:
        return self._render(request)

    @post("/profile")
    async def update_profile(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        data = await read_form(request)
        form, errors = forms.parse_profile(data, translator(request))
        if errors:
            return self._render(request, status=422, profile=data, profile_errors=errors)
        await account.update_profile(db, user, display_name=form.display_name, language=form.language)
        if form.language != user.preferred_language:
            # A new preference also becomes the site's language; saving only the name leaves the page as it is.
            remember_language(request, form.language)
        flash(request, translator(request)(N_("Your details have been saved.")))
        return see_other("/account")

    @post("/email")
    async def change_email(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template | Redirect:
        user = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        new_email, errors = forms.parse_email_change(data, _, user.email)
        if errors:
            return self._render(request, status=422, email_form=data, email_errors=errors)
        token = await account.request_email_change(db, user, new_email)
        if token is not None:
            await send_verification(services, user, token, to=new_email)
        # Same message when the address is taken, so the form does not reveal other people's accounts.
        flash(request, _("We sent a confirmation link to the new address. The change takes effect when you open it."))
        return see_other("/account")

    @post("/password")
    async def change_password(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template | Redirect:
        user = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_password_change(data, _, user.email)
        if errors:
            return self._render(request, status=422, password_errors=errors)
        changed_at = await account.change_password(db, services.hasher, user, form.current, form.new)
        if changed_at is None:
            errors.add("current_password", _("The current password is wrong."))
            return self._render(request, status=422, password_errors=errors)
        # Other sessions end; this one continues under a new id.
        start_session(request, user, login_at=changed_at.isoformat())
        flash(request, _("Your password has been changed. You have been logged out everywhere else."))
        return see_other("/account")

    @post("/verification")
    async def resend_verification(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Redirect:
        user = signed_in(request)
        if not user.email_verified:
            token = await account.issue_verification(db, user)
            await send_verification(services, user, token)
            flash(request, translator(request)(N_("We sent a new confirmation link to your email address.")))
        return see_other("/account")
