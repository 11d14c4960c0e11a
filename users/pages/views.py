"""Sign in and sign out with a Django session, for the OAuth 2 / OpenID Connect pages.

The session exists for the browser pages only (the authorization and consent pages of
`/o/`): the REST and GraphQL doors authenticate Bearer tokens and nothing else.
"""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, ErrorKind, Throttled, Unavailable
from core.security import ratelimit
from core.security.client import client_ip
from users.exceptions import AccountErrorCode, InvalidCredentials
from users.pages.forms import SignInForm
from users.services import user_authenticate

# The session names the backend that authenticated the user; the password was checked
# by users.services.user_authenticate, not by the backend.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
# The per-address scope of REST login (and GraphQL tokenAuth): one budget for every door.
THROTTLE_SCOPE = "login"
SIGNED_OUT_MESSAGE = "You are signed out."


def safe_next(value) -> str:
    """`value` if it is a path on this site, else "" (no open redirect).

    Only paths: a URL naming any host, this one included, is refused, and so are
    scheme-relative (`//evil.example`) and backslash tricks (Django's check).
    """
    if not isinstance(value, str) or not value.startswith("/"):
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set(), require_https=False):
        return ""
    return value


def _address_decision(request) -> DomainError | None:
    """Count this attempt against the `login` scope of the caller's address."""
    decision = ratelimit.check_rate(request, [ratelimit.address_limit(request, THROTTLE_SCOPE)])
    if decision.unavailable:
        return Unavailable(ratelimit.STORE_UNAVAILABLE_MESSAGE)
    if decision.refused:
        return Throttled(retry_after=decision.wait or 1)
    return None


def _focus(form: SignInForm, *, step_up: bool) -> str:
    """The field the page puts the cursor in: the first one the visitor must fill."""
    if step_up:
        return "code"
    if form.is_bound and form.data.get("username"):
        return "password"
    return "username"


@never_cache
@sensitive_post_parameters("password", "code")
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    """The sign-in form; on success a session, and back to `next` (a path of this site)."""
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST if request.method == "POST" else None)
    status, refusal = HTTPStatus.OK, None
    if request.method == "POST":
        refusal = _address_decision(request)
        valid = form.is_valid()
        if refusal is None and valid:
            try:
                user = user_authenticate(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    client_ip=client_ip(request),
                    code=form.cleaned_data["code"] or None,
                )
            except DomainError as exc:
                refusal = exc
            else:
                login(request, user, backend=SESSION_BACKEND)
                return redirect(next_url or reverse("account-sign-in"))
        if refusal is not None:
            # A 401 would need a WWW-Authenticate scheme a form has not got: refused
            # credentials are a form that was not accepted (400); limits keep 429 and 503.
            status = (
                HTTPStatus.BAD_REQUEST
                if refusal.kind == ErrorKind.UNAUTHENTICATED
                else refusal.translation.status
            )
            form.add_error(None, refusal.message)
        else:
            status = HTTPStatus.BAD_REQUEST
    step_up_asked = getattr(refusal, "code", None) == AccountErrorCode.STEP_UP_REQUIRED
    step_up = step_up_asked or bool(form.data.get("code"))
    form.fields[_focus(form, step_up=step_up)].widget.attrs["autofocus"] = True
    context = {
        "form": form,
        "next": next_url,
        "step_up": step_up,
        # Unknown name, wrong password and unverified account answer alike (no
        # enumeration), so the page reminds everyone refused of the verification step.
        "credentials_refused": isinstance(refusal, InvalidCredentials),
        "retry_after": getattr(refusal, "retry_after", None) if not step_up else None,
    }
    response = render(request, "account/sign_in.html", context, status=status)
    if isinstance(refusal, Throttled):
        response["Retry-After"] = str(refusal.retry_after)
    return response


@require_POST
def sign_out(request):
    """End the session (POST with the CSRF token only, so a link cannot sign anyone out)."""
    logout(request)
    messages.success(request, SIGNED_OUT_MESSAGE)
    return redirect("account-sign-in")
