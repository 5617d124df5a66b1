"""Accounts: participants' registration, login, passwords, tokens, profile, data."""
