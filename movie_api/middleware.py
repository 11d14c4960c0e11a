"""HTTP-edge middleware: response headers every API answer needs."""

from http import HTTPStatus


class NoContentTypeMiddleware:
    """A 204 from the REST API still says `Content-Type: application/json`.

    DRF drops the header when there is no body, but the OpenAPI schema (Swagger 2.0)
    can only declare one media type per operation, so a bodiless DELETE would not
    match its own documentation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == HTTPStatus.NO_CONTENT
            and request.path.startswith("/api/")
            and not response.has_header("Content-Type")
        ):
            response["Content-Type"] = "application/json"
        return response
