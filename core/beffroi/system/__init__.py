"""The platform's system administration: organisations, their export and import."""
