"""Running an installation: database access, periodic jobs, health, request log, serving, backups, retries."""
