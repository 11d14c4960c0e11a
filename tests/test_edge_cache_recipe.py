"""The nginx recipe's edge cache keeps anonymous answers only (deploy/nginx.conf)."""

import re
from pathlib import Path

CONF = (Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf").read_text()


def test_signed_in_requests_bypass_the_edge_cache_and_are_never_stored():
    # the skip flag is set by an Authorization header or a session cookie
    mapping = re.search(
        r'map "\$http_authorization\$cookie_sessionid" \$skip_edge_cache \{(.*?)\}', CONF, re.S
    )
    assert mapping and re.search(r'""\s+0;', mapping.group(1))
    assert re.search(r"default\s+1;", mapping.group(1))
    # every location that caches also bypasses and refuses to store on that flag
    caching = CONF.count("proxy_cache api_cache;")
    assert caching == 2
    assert CONF.count("proxy_cache_bypass $skip_edge_cache;") == caching
    assert CONF.count("proxy_no_cache $skip_edge_cache;") == caching
    # the key separates representations by Accept, as the app's own cache does
    assert CONF.count('proxy_cache_key "$scheme$host$request_uri|$http_accept";') == caching
