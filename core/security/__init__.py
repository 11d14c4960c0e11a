"""Door-neutral security: who the caller is, where they call from, how often they may.

- `client.client_ip`: the caller's address (X-Forwarded-For only as NUM_PROXIES says).
- `ratelimit.check_rate` / `check_rate_once`: every rate limit of a request in one
  store round trip, never counted twice for one request (`limits`: the figures;
  `window`: the sliding window in the store).
- `bearer.authenticate_bearer`: the JWT access token, checked against the deny-list.
- `store`: the shared store's errors and circuit breaker.

The REST door uses these through thin DRF adapters (core/throttling.py,
core/authentication.py); the GraphQL door calls them directly. No DRF view,
exception or throttle class is used here. docs/security.md describes the model and
its figures.
"""
