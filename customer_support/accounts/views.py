"""Sign in with a movie API account, sign out."""

from http import HTTPStatus

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tickets.movie_api_client.errors import SignInRefused

from .forms import SignInForm
from .services import account_sign_in

# The session is Django's own, so the desk's pages and REST API need no call to the movie API.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


@sensitive_post_parameters("password")
def sign_in(request):
    """The movie API checks the credentials; a movie API that is down is a 503 page."""
    form = SignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = account_sign_in(**form.cleaned_data)
        except SignInRefused as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend=SESSION_BACKEND)
            return redirect(next_url or "home")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    context = {"form": form, "next": next_url}
    return render(request, "accounts/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """End the desk's session on POST (with CSRF, so a link cannot sign anyone out).

    A GET (the address typed in the bar) shows the button that does it, not a bare 405.
    """
    if request.method == "GET":
        return render(request, "accounts/sign_out.html")
    logout(request)
    return redirect("sign-in")
