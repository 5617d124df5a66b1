"""Mail fixtures of the ``beffroi.testing`` pytest plugin (a loopback SMTP server)."""
