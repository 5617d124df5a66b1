"""Open data of an organisation (``/-/open-data``): one ZIP archive with a CSV and a
JSON file per module and per space, the public comments, and a README documenting every
field (``archive``); kept for a while and rebuilt when stale (``store``); the page and
the download (``views``); ``beffroi open-data`` and a periodic job refresh it."""
