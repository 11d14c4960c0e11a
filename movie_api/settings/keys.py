"""The OIDC signing key when none is configured (local and test settings only).

Production reads OIDC_RSA_PRIVATE_KEY from the environment and refuses to start without
it (movie_api/settings/production.py). Elsewhere a 2048-bit RSA key is generated the
first time it is needed and kept in a gitignored file, so ID tokens signed before a
restart still verify against the JWKS after it, and every process started from the
same checkout (runserver, gunicorn workers, a test's live server) signs with one key.
"""

import os
from pathlib import Path


def new_rsa_private_key() -> str:
    """A fresh 2048-bit RSA private key, PEM (also for scripts and tests of production)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def development_rsa_key(path: Path) -> str:
    """The PEM private key kept at `path`, created there on first use."""
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    pem = new_rsa_private_key().encode()
    # Write aside, then link into place: link fails if another process won the race,
    # and then everyone uses the winner's key.
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_bytes(pem)
    os.chmod(partial, 0o600)
    try:
        os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        partial.unlink()
    return path.read_text()
