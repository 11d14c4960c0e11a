"""One JSON error shape for every REST error, produced here and nowhere else.

    {"status": 400, "code": "invalid", "detail": "Some fields are invalid.",
     "errors": [{"field": "title", "code": "max_length", "message": "Ensure ..."}]}

`errors` is present for validation errors only; `field` is a dotted path into the
request body (e.g. "cast.0.actor") or null for errors about the request as a whole.
Services raise Django's ValidationError; it is translated here once, so views do
not catch it one by one.
"""

import traceback

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from movie_api.media import StorageUnavailable

NON_FIELD_KEYS = {"non_field_errors", "__all__"}


def flatten_errors(detail, prefix=None):
    """Turn DRF's nested error details into a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        if "message" in detail and "code" in detail and len(detail) == 2:
            return [{"field": prefix, "code": detail["code"], "message": str(detail["message"])}]
        out = []
        for key, value in detail.items():
            if key in NON_FIELD_KEYS:
                out.extend(flatten_errors(value, prefix))
            else:
                out.extend(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list):
        out = []
        for index, item in enumerate(detail):
            # A list of messages belongs to the field itself; a list of dicts is one
            # entry per item of a list field.
            if isinstance(item, dict) and not ("message" in item and "code" in item):
                out.extend(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                out.extend(flatten_errors(item, prefix))
        return out
    return [{"field": prefix, "code": getattr(detail, "code", "invalid"), "message": str(detail)}]


def django_validation_error_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    """Keep the field names and codes of a service-layer ValidationError."""
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): [
                exceptions.ErrorDetail(msg, code=err.code or "invalid")
                for err in errors
                for msg in err.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = [
            exceptions.ErrorDetail(msg, code=err.code or "invalid")
            for err in exc.error_list
            for msg in err.messages
        ]
    return exceptions.ValidationError(detail)


def error_body(status_code: int, code: str, detail: str, errors=None) -> dict:
    body = {"status": status_code, "code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def _raised_by_json_decoder(exc: BaseException) -> bool:
    return any(
        frame.f_code.co_filename.endswith(("json/decoder.py", "json/__init__.py"))
        for frame, _ in traceback.walk_tb(exc.__traceback__)
    )


def api_exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: DRF's own handling (headers, status), our body."""
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # Keep the domain's reason ("Only the author may change this review.").
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RecursionError) and _raised_by_json_decoder(exc):
        # A body nested thousands of levels deep: json.load raises RecursionError, not
        # the ValueError DRF's JSONParser turns into a 400 (T40 hostile input).
        exc = exceptions.ParseError("JSON parse error - nested too deeply.")

    if isinstance(exc, StorageUnavailable):
        return storage_unavailable_response(exc)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.get_full_details())
        response.data = error_body(
            response.status_code, "invalid", "Some fields are invalid.", errors
        )
        return response

    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(detail, dict) and "detail" in detail:
        # simplejwt's shape: {"detail": message, "code": code, "messages": [...]}.
        code = detail.get("code") or getattr(detail["detail"], "code", None) or exc.default_code
        response.data = error_body(response.status_code, str(code), str(detail["detail"]))
    elif isinstance(detail, (list, dict)):
        response.data = error_body(
            response.status_code,
            getattr(exc, "default_code", "error"),
            "The request was rejected.",
            flatten_errors(exc.get_full_details()),
        )
    else:
        response.data = error_body(
            response.status_code, getattr(detail, "code", None) or exc.default_code, str(detail)
        )
        if isinstance(exc, exceptions.ParseError):
            response.data["errors"] = [
                {"field": None, "code": "parse_error", "message": str(detail)}
            ]
    return response


def conflict(detail: str, field: str | None = None, code: str = "conflict") -> Response:
    """A 409 in the shared shape, for views that map a uniqueness race."""
    return Response(
        error_body(409, code, detail, [{"field": field, "code": code, "message": detail}]),
        status=status.HTTP_409_CONFLICT,
    )


def storage_unavailable_response(exc: StorageUnavailable) -> Response:
    """503 naming the file field whose store failed; the client may retry shortly."""
    body = error_body(
        503,
        "storage_unavailable",
        exc.message,
        [{"field": exc.field, "code": "storage_unavailable", "message": exc.message}],
    )
    return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "30"})
