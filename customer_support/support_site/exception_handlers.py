"""One translation of domain and movie-API errors into REST answers."""

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tickets.movie_api_client.errors import (
    MovieApiException,
    MovieApiSessionEnded,
    MovieNotFound,
)


def exception_handler(exc, context):
    """DRF's handler, plus: Django ValidationError → 400, movie API trouble → 503 (or 404)."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = serializers.ValidationError(detail)
    elif isinstance(exc, MovieApiSessionEnded):
        # The person's grant is gone: accounts.middleware ends the session as this returns.
        return Response({"detail": str(exc), "code": exc.code}, status=HTTPStatus.UNAUTHORIZED)
    elif isinstance(exc, MovieNotFound):
        return Response({"detail": str(exc), "code": exc.code}, status=HTTPStatus.NOT_FOUND)
    elif isinstance(exc, MovieApiException):
        # Not the caller's fault and possibly brief: tell them to try again shortly.
        return Response(
            {"detail": str(exc), "code": exc.code},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    return drf_exception_handler(exc, context)
