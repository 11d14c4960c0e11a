"""The API's version and its deprecations: what every answer of both doors says about change.

- Every answer under /api/ and /graphql/ names the version it speaks: `API-Version: 1`.
- A client may pin it with `Accept: application/json; version=1` (REST: DRF's
  AcceptHeaderVersioning sets `request.version`; GraphQL: the same header). A version
  this server does not speak is a 406 naming the ones it does, on both doors.
- DEPRECATIONS is the one declaration of what is deprecated (docs/guide/versions.md).
  A door marks a use of a deprecated field or argument with `deprecation_used`; a
  deprecated route is named by its URL name in `routes`. Either way the answer carries
  `Deprecation` (RFC 9745: `@` and the Unix time it was deprecated) and `Sunset` (RFC
  8594: the HTTP date after which it may go). A GraphQL field or argument carries the
  same entry's `reason` as its `@deprecated(reason:)`.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.http import http_date

from core.contract import UNSUPPORTED_VERSION, refusal_response

VERSION_HEADER = "API-Version"


@dataclass(frozen=True)
class Deprecation:
    """One deprecated part of the contract, with its dates and what replaces it."""

    what: str
    use_instead: str
    deprecated_on: date
    sunset_on: date
    routes: tuple[str, ...] = field(default=())

    @property
    def reason(self) -> str:
        """The words of GraphQL's @deprecated(reason:) and of the changelog."""
        return f"{self.use_instead}; this goes after {self.sunset_on.isoformat()}."

    def headers(self) -> dict[str, str]:
        deprecated = calendar.timegm(self.deprecated_on.timetuple())
        sunset = calendar.timegm(self.sunset_on.timetuple())
        return {"Deprecation": f"@{deprecated}", "Sunset": http_date(sunset)}


DEPRECATIONS: dict[str, Deprecation] = {
    "current_password": Deprecation(
        what=(
            "The current password under `old_password` (password change) or `password` "
            "(phone change, email change, account deletion)"
        ),
        use_instead="Send the current password as `current_password` (GraphQL `currentPassword`)",
        deprecated_on=date(2026, 12, 7),
        sunset_on=date(2027, 6, 30),
    ),
    "review_stats": Deprecation(
        what="The movie detail's `review_stats` (GraphQL `reviewStats`), whole stars only",
        use_instead=(
            "Read `rating_stats` (GraphQL `ratingStats`): every rating, a bucket per half step"
        ),
        deprecated_on=date(2026, 12, 7),
        sunset_on=date(2027, 6, 30),
        routes=("movie-detail",),
    ),
}


def deprecation_used(request, name: str) -> None:
    """Mark that this request used the deprecated part `name` (a key of DEPRECATIONS)."""
    DEPRECATIONS[name]  # an unknown name fails here, in tests, not silently in headers
    # DRF's Request wraps Django's, which is the one the middleware sees.
    request = getattr(request, "_request", request)
    used = getattr(request, "deprecations_used", None)
    if used is None:
        used = request.deprecations_used = set()
    used.add(name)


def requested_version(request) -> str | None:
    """The `version` parameter of the Accept header, if any (the first one given)."""
    for media_range in request.headers.get("Accept", "").split(","):
        for parameter in media_range.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "version":
                return value.strip().strip('"')
    return None


def _is_door(request) -> bool:
    return request.path.startswith(("/api/", "/graphql"))


class ApiVersionMiddleware:
    """Names the version on every answer of both doors, refuses unknown ones, and adds
    the Deprecation and Sunset headers of what the request used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_door(request):
            return self.get_response(request)
        asked = requested_version(request)
        if asked is not None and asked not in settings.API_VERSIONS:
            supported = ", ".join(settings.API_VERSIONS)
            response = refusal_response(
                request, UNSUPPORTED_VERSION, asked=asked, supported=supported
            )
        else:
            response = self.get_response(request)
        response[VERSION_HEADER] = settings.API_VERSION
        for deprecation in _deprecations_of(request):
            for name, value in deprecation.headers().items():
                response[name] = value
        return response


def _deprecations_of(request) -> list[Deprecation]:
    names = set(getattr(request, "deprecations_used", ()))
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else None
    found = [DEPRECATIONS[name] for name in sorted(names)]
    found += [d for d in DEPRECATIONS.values() if view_name in d.routes and d not in found]
    # One Deprecation and one Sunset header: the earliest sunset is the one to act on.
    return sorted(found, key=lambda d: d.sunset_on, reverse=True)
