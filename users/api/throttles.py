"""Throttles of the account endpoints: per client address, failing closed.

The scope of each view (register, otp_verify, otp_resend, login, token_refresh) has
its rate in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]. The address comes from
movie_api.throttling (socket address unless NUM_PROXIES trusts a proxy), so a random
X-Forwarded-For does not give a fresh budget (T29).

These counters live in the cache. If the cache is down the request is refused with
503 rather than let through unthrottled (T37); the OTP and login limits proper are
database rows (users.services) and hold either way.
"""

import logging

from rest_framework import exceptions, status

from movie_api.throttling import AddressScopedRateThrottle

logger = logging.getLogger(__name__)


class ThrottleStoreUnavailable(exceptions.APIException):
    """The rate-limit store cannot be reached; refuse instead of serving unthrottled."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Temporarily unavailable. Please try again shortly."
    default_code = "service_unavailable"


class AccountAddressThrottle(AddressScopedRateThrottle):
    """The view's `throttle_scope`, keyed on the client address; 503 if the cache fails."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.exception("Throttle store unavailable for scope %s", view.throttle_scope)
            raise ThrottleStoreUnavailable() from None
