"""Outgoing mail: a queue joined to the transaction, delivered by a worker."""
