"""Templates shared across the platform: what one organisation built (a questionnaire,
a text outline …) saved as plain data that admins of its own — or, when it is shared,
of any organisation of the platform — start from. No participant data ever travels."""
