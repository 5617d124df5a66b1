"""Tools for plugin authors and contributors: scaffold, check-plugin, pytest plugin, a11y, i18n."""
