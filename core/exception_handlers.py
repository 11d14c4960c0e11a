"""One JSON error shape for every REST error, produced here and nowhere else.

    {"status": 400, "code": "invalid", "detail": "Some fields are invalid.",
     "errors": [{"field": "title", "code": "max_length", "message": "Ensure ..."}]}

`errors` is present for validation errors only; `field` is a dotted path into the
request body (e.g. "cast.0.actor") or null for errors about the request as a whole.
Services raise the typed errors of core/errors.py; their status and code come
from its TRANSLATIONS table (the same table GraphQL uses), so views catch nothing.
"""

import traceback

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import (
    AUTHENTICATION_REQUIRED,
    JSON_NESTED_TOO_DEEPLY_MESSAGE,
    CommonErrorCode,
    DomainError,
    ErrorKind,
    NotFound,
    Throttled,
)

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
    code = getattr(detail, "code", CommonErrorCode.INVALID)
    return [{"field": prefix, "code": code, "message": str(detail)}]


def django_validation_error_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    """Keep the field names and codes of a service-layer ValidationError."""
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): [
                exceptions.ErrorDetail(msg, code=err.code or CommonErrorCode.INVALID)
                for err in errors
                for msg in err.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = [
            exceptions.ErrorDetail(msg, code=err.code or CommonErrorCode.INVALID)
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


def _number_too_large(exc: BaseException) -> bool:
    """The parser hit Python's int-from-string digit limit (thousands of digits)."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, ValueError) and "integer string conversion" in str(cause)


class _DomainAPIException(exceptions.APIException):
    """A domain error dressed for DRF, with the status of its TRANSLATIONS row."""

    def __init__(self, exc: DomainError):
        self.status_code = int(exc.translation.status)
        super().__init__(exc.message, exc.code or exc.translation.rest_code)


def _throttled(wait, message: str, code: str = CommonErrorCode.THROTTLED) -> exceptions.Throttled:
    """DRF's Throttled (Retry-After from `wait`) with exactly `message` as the detail."""
    throttled = exceptions.Throttled(wait=wait)
    throttled.detail = exceptions.ErrorDetail(message, code=code)
    return throttled


def domain_error_to_drf(exc: DomainError) -> exceptions.APIException:
    """The DRF exception carrying a domain error's status, code and message."""
    code = exc.code or exc.translation.rest_code
    if exc.kind == ErrorKind.UNAUTHENTICATED:
        # DRF adds WWW-Authenticate for this class.
        return exceptions.AuthenticationFailed(exc.message, code=code)
    if exc.kind == ErrorKind.THROTTLED:
        return _throttled(exc.retry_after, exc.message, code)
    return _DomainAPIException(exc)


def _record_refusing_limit(exc: DomainError, context) -> None:
    """X-RateLimit-* of a domain 429 describe the limit that refused, not another one."""
    request = getattr(context.get("request"), "_request", None)
    if request is None or getattr(exc, "limit", None) is None:
        return
    states = getattr(request, "ratelimit_states", [])
    states.append({"limit": exc.limit, "remaining": 0, "reset": exc.retry_after, "refused": True})
    request.ratelimit_states = states


def _to_drf(exc, context):
    """The DRF exception that answers `exc`, with our wording."""
    if isinstance(exc, DomainError):
        if exc.kind == ErrorKind.THROTTLED:
            _record_refusing_limit(exc, context)
        exc = domain_error_to_drf(exc)
    elif isinstance(exc, exceptions.NotAuthenticated):
        exc = exceptions.NotAuthenticated(AUTHENTICATION_REQUIRED)
    elif isinstance(exc, exceptions.Throttled):
        # An address or user rate: the same words as GraphQL's THROTTLED.
        exc = _throttled(exc.wait, Throttled.default_message)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # DRF set WWW-Authenticate on the exception it saw, not on this translation.
        view, request = context.get("view"), context.get("request")
        header = view.get_authenticate_header(request) if view and request else None
        exc.auth_header = header or 'Bearer realm="api"'
    elif isinstance(exc, DjangoValidationError):
        exc = django_validation_error_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # Keep the domain's reason ("Only the author may change this review.").
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RecursionError) and _raised_by_json_decoder(exc):
        # A body nested thousands of levels deep: json.load raises RecursionError, not
        # the ValueError DRF's JSONParser turns into a 400 (hostile input).
        exc = exceptions.ParseError(JSON_NESTED_TOO_DEEPLY_MESSAGE)
    elif isinstance(exc, exceptions.ParseError) and _number_too_large(exc):
        # Not the interpreter's advice ("use sys.set_int_max_str_digits()").
        exc = exceptions.ParseError("JSON parse error - number too large.")
    return exc


def api_exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: DRF's own handling (headers, status), our body."""
    # A domain error about one input (e.g. the file store failing on `poster`) names it.
    domain_field = getattr(exc, "field", None) if isinstance(exc, DomainError) else None
    exc = _to_drf(exc, context)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _body(exc, response.status_code, domain_field)
    return response


def _body(exc, status_code: int, domain_field) -> dict:
    """The shared error body of a DRF exception."""
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.get_full_details())
        return error_body(status_code, CommonErrorCode.INVALID, "Some fields are invalid.", errors)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(detail, dict) and "detail" in detail:
        # simplejwt's shape: {"detail": message, "code": code, "messages": [...]}.
        code = detail.get("code") or getattr(detail["detail"], "code", None) or exc.default_code
        return error_body(status_code, str(code), str(detail["detail"]))
    if isinstance(detail, (list, dict)):
        return error_body(
            status_code,
            getattr(exc, "default_code", "error"),
            "The request was rejected.",
            flatten_errors(exc.get_full_details()),
        )
    body = error_body(status_code, getattr(detail, "code", None) or exc.default_code, str(detail))
    if isinstance(exc, exceptions.ParseError):
        body["errors"] = [
            {"field": None, "code": CommonErrorCode.PARSE_ERROR, "message": str(detail)}
        ]
    elif domain_field:
        body["errors"] = [{"field": domain_field, "code": body["code"], "message": str(detail)}]
    return body


class NamedNotFoundMixin:
    """For ViewSets: a missing object is the domain's NotFound ("No movie with id 7."),
    worded as the GraphQL door words it."""

    not_found_label = "object"

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            lookup = self.lookup_url_kwarg or self.lookup_field
            raise NotFound.of(self.not_found_label, self.kwargs.get(lookup)) from None
