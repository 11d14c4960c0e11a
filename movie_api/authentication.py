"""The REST door's Bearer authentication: a DRF adapter over movie_api.security.bearer.

The token policy and its messages live in movie_api/security/bearer.py, shared with
the GraphQL door.
"""

from rest_framework import authentication

from movie_api.security.bearer import AUTHENTICATE_HEADER, authenticate_bearer


class BearerAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <access>`; a bad token raises the domain's Unauthenticated."""

    def authenticate(self, request):
        return authenticate_bearer(request)

    def authenticate_header(self, request):
        return AUTHENTICATE_HEADER
