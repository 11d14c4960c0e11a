"""The one way the domain layer reports a problem with one input field."""

from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str = "invalid") -> ValidationError:
    """A ValidationError on `field` that keeps its `code`.

    `ValidationError({field: message}, code=...)` silently drops the code for dict
    messages, so the code goes on the inner error. REST renders it through
    movie_api.exception_handlers, GraphQL through movie_api.graphql_utils.
    """
    return ValidationError({field: ValidationError(message, code=code)})
