"""Class codes and instructor keys: short codes a class can type, keys only the instructor holds.

A class code is 4 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31^4 = 923,521 codes,
enough that a new code is picked at random and, on the rare clash, picked again. The instructor key is
32 random bytes' worth of URL-safe text; the store keeps only a salted PBKDF2 hash of it and compares in
constant time (hmac.compare_digest), so a copy of the database does not hand out the keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: digits and capitals minus 0, 1, I, L, O
CODE_LENGTH = 4
KEY_BYTES = 12  # 96 random bits, 16 characters of URL-safe text: typed once, guessed never
_ITERATIONS = 20_000  # PBKDF2-SHA256 rounds: ~10 ms per check here; checks happen on a click, not per visit


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: object) -> str | None:
    """The class code `raw` names (case and surrounding spaces ignored), or None if it cannot be one."""
    if not isinstance(raw, str):
        return None
    code = raw.strip().upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def hash_key(key: str, salt: bytes | None = None) -> str:
    """'salt$hash' (hex) of a key; `salt` is random unless given (tests)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", key.encode(), salt, _ITERATIONS)
    return f"{salt.hex()}${digest.hex()}"


def key_matches(key: object, stored: str) -> bool:
    """True only for the key whose hash is `stored` (constant-time comparison)."""
    if not isinstance(key, str) or not key or len(key) > 200 or "$" not in stored:
        return False
    salt_hex, digest_hex = stored.split("$", 1)
    candidate = hashlib.pbkdf2_hmac("sha256", key.strip().encode(), bytes.fromhex(salt_hex), _ITERATIONS)
    return hmac.compare_digest(candidate.hex(), digest_hex)
