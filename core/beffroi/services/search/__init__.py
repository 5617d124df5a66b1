"""The organisation search (``/-/search``): spaces, comments and every module's items,
with French and English stemming and accent folding (``text``), an index in BTrees per
organisation (``index``), kept true after each commit (``queue``), read for one person
with their permissions (``query``), served by ``views`` and rebuilt by ``beffroi reindex``."""
