"""Password hashing with argon2id.

OWASP's minimum (argon2id, m=19 MiB, t=2, p=1) costs ~20 ms here, against ~180 ms for
argon2-cffi's defaults: it keeps a login cheap enough that throttling, not CPU, limits
guessing, while each guess stays expensive offline. Old hashes are upgraded at login.
"""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user, password: str) -> bool:
    """Check ``password`` against ``user.password_hash``, re-hashing outdated parameters."""
    if not user.password_hash or not password:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


# A dummy hash verified when an account does not exist, so timing does not reveal it.
_DUMMY = _hasher.hash("not a real password, only a timing pad")


def burn_time():
    try:
        _hasher.verify(_DUMMY, "wrong")
    except VerifyMismatchError:
        pass


# --- passwords people pick first ---------------------------------------------------------

_COMMON = None
_DECORATION = "0123456789!?.*@#$%&_- "


def common_passwords() -> frozenset:
    """The shipped list of common passwords (lower case), loaded once."""
    global _COMMON
    if _COMMON is None:
        from importlib.resources import files
        text = files("beffroi").joinpath("data/common-passwords.txt").read_text("utf-8")
        _COMMON = frozenset(line.strip() for line in text.splitlines() if line.strip())
    return _COMMON


def is_common_password(password: str) -> bool:
    """Is ``password`` in the common list, as typed or without its decorations
    (``Azertyuiop2024!`` is ``azertyuiop``), or one character repeated?"""
    lowered = (password or "").lower()
    common = common_passwords()
    if lowered in common or lowered.rstrip(_DECORATION) in common:
        return True
    return len(set(lowered)) <= 2
