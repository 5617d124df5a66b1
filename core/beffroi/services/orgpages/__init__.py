"""Organisation pages: terms of use, legal notice, privacy policy, accessibility statement."""
