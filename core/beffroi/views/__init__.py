"""Core views. Site-level pages live under ``/-/`` so they never collide with space slugs."""


def includeme(config):
    config.add_view_predicate("module", ModulePredicate)
    config.add_tween("beffroi.tweens.security_headers_tween_factory")
    config.include("beffroi.views.layout")
    config.include("beffroi.system.views")      # the /-/system/ route, on any host
    config.include("beffroi.views.favicon")
    config.include("beffroi.views.compression")
    config.include("beffroi.views.pagecache")
    config.add_route("health", "/-/health", factory="beffroi.views.site.Platform")
    config.add_route("plugins", "/-/plugins.json", factory="beffroi.views.site.Platform")
    for package in ("beffroi.views", "beffroi.accounts", "beffroi.admin", "beffroi.services",
                    "beffroi.system"):
        config.scan(package)


class ModulePredicate:
    """``module="pages"``: the view applies to containers of that module only."""

    def __init__(self, val, config):
        self.val = val

    def text(self):
        return f"module = {self.val}"

    phash = text

    def __call__(self, context, request):
        return getattr(context, "module_name", None) == self.val
