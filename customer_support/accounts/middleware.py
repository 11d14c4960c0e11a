"""Every request of a signed-in person carries their movie API access token, until the
movie API ends their grant; then the desk's session ends too.

How the desk notices a revoked grant (either is enough):
- any movie API call answered 401 to the person's token (``MovieApiSessionEnded``);
- a userinfo call, at most once every ``MOVIE_API_SESSION_CHECK_SECONDS`` (60) per session,
  answered 401, or a refresh of an expired access token refused.
So a revocation at the movie API ends the desk's session at the next page that calls the
API, and within a minute on any page. An unreachable API is not a revocation.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse

from tickets.movie_api_client import caller
from tickets.movie_api_client.errors import MovieApiSessionEnded, MovieApiUnavailable

from .models import MovieApiGrant, MovieApiIdentity
from .oauth import GrantEnded
from .services import grant_end, grant_keep_fresh

SESSION_ENDED = (
    "Your Movie API sign-in has ended (it was revoked or has expired). Please sign in again."
)


class MovieApiGrantMiddleware:
    """Sets the caller's token for the movie API client; ends the session with the grant."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        grant = (
            MovieApiGrant.objects.select_related("user")
            .filter(session_key=request.session.session_key, user=request.user)
            .first()
        )
        if grant is None:
            if MovieApiIdentity.objects.filter(user=request.user).exists():
                return self._ended(request)  # a movie API user without tokens: sign in again
            return self.get_response(request)  # a desk-local account (the admin's)
        try:
            grant = grant_keep_fresh(grant)
        except GrantEnded:
            return self._ended(request)
        except MovieApiUnavailable:
            pass  # go on with the token we have; the calls themselves will say "down"
        request.user.is_staff = grant.user.is_staff  # as the last check found it
        with caller.acting_for(grant.access_token) as person:
            response = self.get_response(request)
        if person.ended and request.user.is_authenticated:
            # A view caught the refusal and answered anyway; the session still ends here.
            self._end(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, MovieApiSessionEnded):
            return self._ended(request, continue_anonymous=False)
        return None

    def _end(self, request) -> None:
        grant_end(session_key=request.session.session_key)
        logout(request)
        messages.info(request, SESSION_ENDED)

    def _ended(self, request, continue_anonymous: bool = True):
        """End the session; the request goes on as anonymous (pages ask for a sign-in and
        a reply being sent keeps its draft) or, for the REST API, is a 401."""
        self._end(request)
        if request.path.startswith("/api/"):
            body = {"detail": SESSION_ENDED, "code": MovieApiSessionEnded.code}
            return JsonResponse(body, status=401)
        if request.headers.get("HX-Request"):
            # htmx would swap the sign-in page into a fragment; it must load it as a page,
            # coming back afterwards to the page the fragment was for.
            page = urlsplit(request.headers.get("HX-Current-URL", "")).path or "/"
            return HttpResponse(status=204, headers={"HX-Redirect": redirect_to_login(page).url})
        if continue_anonymous:
            return self.get_response(request)
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
