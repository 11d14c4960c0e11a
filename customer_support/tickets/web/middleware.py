"""The help desk's pages answer a clear 503 page when the movie API is down."""

from http import HTTPStatus

from django.shortcuts import render

from ..movie_api_client.errors import MovieApiException, MovieApiSessionEnded


class MovieApiDownMiddleware:
    """Turns a movie API failure on a page into a page that says so (the REST API has its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MovieApiException) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, MovieApiSessionEnded):
            return None  # not an outage: accounts.middleware ends the session instead
        response = render(
            request,
            "desk/movie_api_down.html",
            {"problem": str(exception)},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "5"
        return response
