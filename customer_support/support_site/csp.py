"""The Content-Security-Policy header, sent on every answer of the desk.

The desk's pages load one stylesheet and one script (htmx) from its own origin and nothing
inline, so the policy can be strict: an injected ``<script>`` or ``style=""`` would not run.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.CONTENT_SECURITY_POLICY`` unless the answer already has a policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
