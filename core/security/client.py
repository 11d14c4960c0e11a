"""The caller's network address, as every rate limit and audit record sees it."""

from django.conf import settings


def client_ip(request) -> str:
    """The socket address, or the X-Forwarded-For hop NUM_PROXIES says to believe.

    With NUM_PROXIES = 0 (the default) a client cannot spoof its way past a rate limit
    by sending X-Forwarded-For: only the socket address counts (docs/security.md).
    Behind the shipped nginx, NUM_PROXIES = 1 whatever stands in front of nginx: nginx
    finds the client behind a load balancer itself and sends its address alone
    (docs/deploy.md, "The client's address").
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    num_proxies = getattr(settings, "NUM_PROXIES", 0)
    if not num_proxies or not forwarded:
        return remote_addr
    hops = forwarded.split(",")
    return hops[-min(num_proxies, len(hops))].strip()
