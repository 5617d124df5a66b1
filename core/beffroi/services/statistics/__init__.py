"""Statistics of an organisation for its administrators (and the organisations it shares them with)."""
