"""Environment defaults the bench settings need before the production settings load.

The production settings read their secrets and the Redis address from the environment
when they are imported and refuse to start without them. `bench/settings.py` imports
this module first (for that side effect), so a loopback benchmark gets throwaway keys
and, when no Redis is given, placeholder addresses (the cache, the security store)
that `bench/settings.py` then replaces with local memory.
"""

import os

# What the caller really gave: empty means "no Redis, use local memory".
REDIS_URL_GIVEN = os.environ.get("REDIS_URL", "")

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("JWT_SIGNING_KEY", "bench-only-jwt-signing-key-0123456789abcdef")
os.environ["REDIS_URL"] = REDIS_URL_GIVEN or "redis://127.0.0.1:6379/0"
# The security store: its own Redis when given (as deployed: bench/http.sh with
# REDIS_SECURITY_URL), else the cache's Redis, which only a benchmark may share.
os.environ["REDIS_SECURITY_URL"] = os.environ.get("REDIS_SECURITY_URL") or os.environ["REDIS_URL"]
