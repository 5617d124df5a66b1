"""Newsletters: an organisation writes to the participants who agreed to receive them."""
