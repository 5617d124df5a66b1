"""Helpers of the tests that open several connections at once, as concurrent requests."""
from __future__ import annotations

import transaction


def as_requests(db, count=2):
    """``count`` connections to ``db``, each with its own transaction manager, as that
    many requests running at the same moment: ``[(transaction_manager, connection)]``."""
    out = []
    for _i in range(count):
        tm = transaction.TransactionManager()
        out.append((tm, db.open(transaction_manager=tm)))
    return out
