"""The organisation home page, made of content blocks its admins choose and order."""
