"""Core services every module uses: comments, follows, notifications, moderation, mail, action log."""
