"""Staff console credentials: only password hashes are configured, and compared in constant time.

A configuration file or environment gets copied, logged and committed; a hash found there does
not give the password away (scrypt is slow and memory-hard to guess against). A value that is
not a hash is refused at start rather than accepted as a password, so nobody can configure a
raw password by mistake and believe it safe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from kb.errors import KBError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
"""OWASP's recommended scrypt cost (2025): about 0.1 s and 32 MiB per check."""
PBKDF2_MIN_ITERATIONS = 600_000
MIN_PASSWORD_CHARS = 10
_MAX_SCRYPT_N = 2**20
"""Hashes with a larger cost are refused: a check must not take the server's memory."""
_KNOWN_PREFIXES = ("scrypt$", "pbkdf2_sha256$")


class CredentialsError(KBError):
    """Staff credentials are configured wrongly (e.g. a plain password instead of a hash)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r * p, dklen=length)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64), with a fresh random salt."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"a staff password needs at least {MIN_PASSWORD_CHARS} characters")
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _parse(encoded: str) -> tuple[str, list[str]]:
    scheme, _, rest = encoded.partition("$")
    return scheme, rest.split("$")


def _well_formed(encoded: str) -> bool:
    scheme, parts = _parse(encoded)
    try:
        if scheme == "scrypt" and len(parts) == 5:
            n, r, p = (int(value) for value in parts[:3])
            base64.b64decode(parts[3], validate=True), base64.b64decode(parts[4], validate=True)
            return 2 <= n <= _MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16
        if scheme == "pbkdf2_sha256" and len(parts) == 3:
            base64.b64decode(parts[1], validate=True), base64.b64decode(parts[2], validate=True)
            return PBKDF2_MIN_ITERATIONS <= int(parts[0]) <= 10_000_000
    except ValueError:
        return False
    return False


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches the hash; False for a wrong password or a malformed hash."""
    if not isinstance(encoded, str) or not _well_formed(encoded):
        return False
    scheme, parts = _parse(encoded)
    if scheme == "scrypt":
        n, r, p = (int(value) for value in parts[:3])
        expected = base64.b64decode(parts[4])
        actual = _scrypt(password, base64.b64decode(parts[3]), n, r, p, len(expected))
    else:
        expected = base64.b64decode(parts[2])
        actual = hashlib.pbkdf2_hmac(
            "sha256", password.encode("utf-8"), base64.b64decode(parts[1]), int(parts[0]), len(expected)
        )
    return hmac.compare_digest(actual, expected)


def staff_users(settings) -> dict[str, str]:
    """User name -> password hash; raises CredentialsError when a value is not a usable hash."""
    users = dict(settings.staff_users or {})
    for name, encoded in users.items():
        if not name.strip():
            raise CredentialsError("KB_STAFF_USERS has an empty user name")
        if not isinstance(encoded, str) or not encoded.startswith(_KNOWN_PREFIXES):
            raise CredentialsError(
                f"the staff user '{name}' is configured with a plain password; configure a hash instead: run "
                "`kb staff hash-password` and put its output in KB_STAFF_USERS or the [staff_users] table of kb.toml"
            )
        if not _well_formed(encoded):
            raise CredentialsError(
                f"the password hash of staff user '{name}' is malformed or too weak; make a new one with "
                "`kb staff hash-password`"
            )
    return users


_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(bytes(16))}${_b64(bytes(32))}"
"""Checked against for an unknown user, so the time taken does not tell which user names exist."""


def check_credentials(username: str, password: str, settings) -> bool:
    """Whether the user name and password are a configured staff account (usable as Gradio's auth)."""
    users = staff_users(settings)
    encoded = users.get(username or "")
    matched = verify_password(password or "", encoded or _DUMMY_HASH)
    return matched and encoded is not None


def console_enabled(settings) -> bool:
    """The staff console exists only when at least one account is configured."""
    return bool(staff_users(settings))
