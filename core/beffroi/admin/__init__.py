"""Organisation and space administration pages (/-/admin/)."""
