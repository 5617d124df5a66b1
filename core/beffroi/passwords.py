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
