"""Sign in with Movie API (the code flow), sign out."""

from http import HTTPStatus

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from . import oauth
from .services import account_sign_in, grant_end, grant_keep

# The session is Django's own; its backend only loads the user (no password is involved).
SESSION_BACKEND = "accounts.guard.GuardedModelBackend"


def _safe_next(request, next_url: str) -> str:
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return ""


@require_GET
def sign_in(request):
    """The "Sign in with Movie API" button (and any message about the last sign-in)."""
    next_url = _safe_next(request, request.GET.get("next", ""))
    return render(request, "accounts/sign_in.html", {"next": next_url})


@require_GET
def sign_in_start(request):
    """Off to the movie API's authorize page, with PKCE, state and nonce."""
    next_url = _safe_next(request, request.GET.get("next", ""))
    return redirect(oauth.begin(request, next_url))


@require_GET
def sign_in_callback(request):
    """Back from the movie API: the code becomes tokens, the ID token says who it is."""
    try:
        signed_in = oauth.finish(request)
    except oauth.SignInFailed as exc:
        context = {"error": str(exc), "next": ""}
        return render(request, "accounts/sign_in.html", context, status=HTTPStatus.BAD_REQUEST)
    user = account_sign_in(account=signed_in.account)
    login(request, user, backend=SESSION_BACKEND)
    request.session.save()  # the grant is keyed by the session id login() just made
    grant_keep(user=user, session_key=request.session.session_key, tokens=signed_in.tokens)
    return redirect(_safe_next(request, signed_in.next_url) or "home")


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """End the desk's session on POST (with CSRF, so a link cannot sign anyone out), and
    revoke its tokens at the movie API.

    A GET (the address typed in the bar) shows the button that does it, not a bare 405.
    """
    if request.method == "GET":
        return render(request, "accounts/sign_out.html")
    grant_end(session_key=request.session.session_key, revoke=True)
    logout(request)
    return redirect("sign-in")
