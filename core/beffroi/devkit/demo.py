"""The demo platform created by ``make serve``: idempotent, printed credentials."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from beffroi.accounts.users import create_user
from beffroi.system.organisations import create_organisation
from beffroi.accounts.passwords import hash_password
from beffroi.resources.space import Phase
from beffroi.resources.user import User
from beffroi.spaces import add_space, enable_module

ADMIN_PASSWORD = "demo-admin-password"        # 19 characters: admins need 15
USER_PASSWORD = "demo-password"
SYSTEM_EMAIL = "system@beffroi.localhost"

ORGANISATIONS = [
    {
        "name": "Métropole de Démonstration", "host": "metropole.localhost",
        "secondary": ("www.metropole.localhost",), "colour": "#1f5fa8",
        "description": "<p>La plateforme de participation citoyenne de la métropole et de ses communes.</p>",
        "spaces": [
            ("budget-participatif-2027", "Budget participatif 2027",
             "<p>Proposez des projets pour votre quartier : 2 millions d'euros sont réservés "
             "aux idées des habitantes et des habitants.</p>", "",
             ("Dépôt des idées", "Analyse technique", "Vote", "Résultats")),
            ("plan-climat", "Plan climat métropolitain",
             "<p>Concertation sur le plan climat-air-énergie territorial.</p>", "",
             ("Diagnostic partagé", "Ateliers", "Restitution")),
            ("quartier-gare-roubaix", "Quartier de la gare (Roubaix)",
             "<p>Démarche menée par la commune de Roubaix sur la plateforme métropolitaine.</p>",
             "Roubaix", ("Consultation", "Restitution")),
        ],
    },
    {
        "name": "Commune de Démo", "host": "commune.localhost", "secondary": (),
        "colour": "#2d6a4f",
        "description": "<p>Participez à la vie de la commune.</p>",
        "spaces": [
            ("place-du-marche", "Réaménagement de la place du marché",
             "<p>Comment voulez-vous que la place du marché évolue ? Donnez votre avis.</p>", "",
             ("Questionnaire", "Ateliers", "Projet final")),
        ],
    },
]


def create_demo(app, plugins, server: ServerAddress | None = None,
                mail: tuple[str, int] | None = None) -> list[str]:
    """Create what is missing of the demo; return the framed block to print: addresses
    on ``server`` (default 127.0.0.1:6543), the accounts, and where ``mail`` (host,
    port of the development mail sink) appears when given."""
    server = server or ServerAddress("127.0.0.1", 6543)
    lines = ["Beffroi demo: open in a browser (names ending in .localhost are this machine)"]
    from beffroi.kit import fill_demo_content
    # every installed module that brings demo content, in name order
    modules = sorted(n for n, info in plugins.modules.items() if info.demo_content is not None)
    space_type = "participatory_process" if "participatory_process" in plugins.space_types \
        else next(iter(plugins.space_types), None)
    if SYSTEM_EMAIL not in app.system.admins:
        admin = User(SYSTEM_EMAIL, "Administration système", hash_password(ADMIN_PASSWORD))
        admin.confirmed = True
        app.system.admins[SYSTEM_EMAIL] = admin
    for spec in ORGANISATIONS:
        org = app.organisation_for_host(spec["host"])
        if org is None:
            org = create_organisation(app, spec["name"], spec["host"], spec["secondary"],
                                      allowed_plugins=plugins.modules.keys())
            org.primary_colour = spec["colour"]
            org.description = spec["description"]
            _demo_home(org, spec)
        domain = spec["host"]
        admin_email = f"admin@{domain}"
        if org.users.find_by_email(admin_email) is None:
            user = create_user(org, admin_email, f"Admin {spec['name']}", ADMIN_PASSWORD, confirmed=True)
            org.set_org_roles(user.id, ["admin"])
        if org.users.find_by_email(f"habitant@{domain}") is None:
            create_user(org, f"habitant@{domain}", "Camille Habitant", USER_PASSWORD, confirmed=True)
        for slug, title, description, scope, phases in spec["spaces"]:
            if slug in org.spaces or space_type is None:
                continue
            space = add_space(plugins, org, slug, title, space_type, description, scope=scope)
            from beffroi.pictures import set_picture
            set_picture(space, "banner", _demo_banner(spec["colour"]), "-")
            space.phases.clear()
            start = date.today() - timedelta(days=30)
            for i, phase_title in enumerate(phases):
                space.add_phase(Phase(phase_title, start + timedelta(days=45 * i),
                                      start + timedelta(days=45 * i + 44)))
            space.published = True
            for name in modules:
                if plugins.modules[name].fits(space.space_type):
                    container = enable_module(plugins, org, space, name)
                    fill_demo_content(plugins, container)
        if domain.startswith("commune"):
            space_admin_email = f"espace@{domain}"
            if org.users.find_by_email(space_admin_email) is None and "place-du-marche" in org.spaces:
                user = create_user(org, space_admin_email, "Dominique Espace", ADMIN_PASSWORD,
                                   confirmed=True)
                org.spaces["place-du-marche"].set_space_roles(user.id, ["admin"])
            moderator_email = f"moderation@{domain}"
            if org.users.find_by_email(moderator_email) is None and "place-du-marche" in org.spaces:
                user = create_user(org, moderator_email, "Morgane Modération", USER_PASSWORD,
                                   confirmed=True)
                org.spaces["place-du-marche"].set_space_roles(user.id, ["moderator"])
        lines.append(f"{org.name}: {server.url(org.host)}")
        lines.append(f"    organisation admin: {admin_email} / {ADMIN_PASSWORD}")
        lines.append(f"    participant:        habitant@{domain} / {USER_PASSWORD}")
        if domain.startswith("metropole"):
            lines.extend(_metropolitan_demo(plugins, org, modules))
        if domain.startswith("commune"):
            lines.append(f"    space admin (place-du-marche): espace@{domain} / {ADMIN_PASSWORD}")
            lines.append(f"    moderator (place-du-marche):   moderation@{domain} / {USER_PASSWORD}")
    lines.append(f"System admin: {server.url(ORGANISATIONS[0]['host'])}-/system/")
    lines.append(f"    {SYSTEM_EMAIL} / {ADMIN_PASSWORD} (on any host)")
    lines.append(f"Without a browser: curl -H 'Host: {ORGANISATIONS[-1]['host']}' "
                 f"{server.url(server.loopback)}")
    if mail is not None:
        lines.append(f"Mail: the development mail sink on {mail[0]}:{mail[1]} prints every "
                     f"message in this terminal")
        lines.append("    (make serve starts it; links are whole, one per line)")
    return frame(lines)


@dataclass(frozen=True)
class ServerAddress:
    """Where the server of a .ini listens: ``host`` as configured, ``port`` an int."""
    host: str
    port: int

    @property
    def loopback(self) -> str:
        """The address a browser on this machine reaches the server at."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "*", "", "::", "localhost") else self.host

    def url(self, host_name: str) -> str:
        """``http://host_name:port/`` (no port when it is 80)."""
        if ":" in host_name:
            host_name = f"[{host_name}]"
        return f"http://{host_name}/" if self.port == 80 else f"http://{host_name}:{self.port}/"


def server_address(config_path: str, section: str = "server:main") -> ServerAddress:
    """The address the .ini's server section listens on, from waitress's ``listen``
    (its first entry, ``host:port``, ``*:port`` or ``[::1]:port``) or ``host`` and
    ``port``; waitress's defaults (0.0.0.0:8080) fill what is missing.
    Raises ``ValueError`` when the port is not a number."""
    import plaster
    try:
        conf = plaster.get_loader(config_path, protocols=["wsgi"]).get_settings(section)
    except FileNotFoundError:              # the command reports the missing file
        conf = {}
    host, port = conf.get("host", "0.0.0.0"), conf.get("port", "8080")
    listen = (conf.get("listen") or "").split()
    if listen:
        host, _, port = listen[0].rpartition(":")
        host = host.strip("[]") or "0.0.0.0"
    try:
        return ServerAddress(host, int(port))
    except ValueError:
        raise ValueError(f"the port of [{section}] in {config_path} is not a number: {port!r}")


def _demo_banner(colour: str) -> bytes:
    """A decorative banner drawn here (no image file in the repository): bands of the
    organisation's colour, as PNG."""
    import io
    from PIL import Image, ImageDraw
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    image = Image.new("RGB", (1200, 500), (245, 246, 248))
    draw = ImageDraw.Draw(image)
    for band in range(8):
        shade = 0.35 + band * 0.08
        fill = tuple(min(255, int(c + (255 - c) * shade)) for c in (red, green, blue))
        draw.polygon([(band * 160 - 200, 500), (band * 160 + 100, 0), (band * 160 + 260, 0),
                      (band * 160 - 40, 500)], fill=fill)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _demo_home(org, spec):
    """A hero with a banner and a call to action, a free text and figures."""
    from beffroi.pictures import set_picture
    from beffroi.services.homepage.model import get_home
    home = get_home(org, create=True)
    home.hero_title = spec["name"]
    home.hero_text = ("Proposez, débattez, votez : les décisions de la collectivité se "
                      "préparent aussi avec vous.")
    first = spec["spaces"][0][0] if spec["spaces"] else ""
    if first:
        home.cta_text, home.cta_url = "Participer maintenant", f"/{first}/"
    set_picture(home, "hero_image", _demo_banner(spec["colour"]), "-")
    home.text_title = "Comment ça marche ?"
    home.text = ("1. Créez votre compte.\n2. Choisissez un espace de participation.\n"
                 "3. Proposez, soutenez, commentez, votez.")
    home.blocks = ("hero", "promoted", "calls", "modules", "figures", "spaces", "text")


def frame(lines: list[str]) -> list[str]:
    """``lines`` inside a frame of ``=`` rules, so they stand out of the log around them."""
    rule = "=" * max(60, *(len(line) + 2 for line in lines))
    return [rule, *(f" {line}" for line in lines), rule]


COMMUNES = (("lille", "Lille"), ("roubaix", "Roubaix"))


def _metropolitan_demo(plugins, org, modules) -> list[str]:
    """A metropolitan process (a process group with one process per commune, each run by
    that commune's space admin) and an assembly with its roster and a debate with
    arguments. Returns the lines to print."""
    from beffroi.services.comments.model import add_comment, comment_count
    from beffroi.kit import fill_demo_content
    lines = []
    types = plugins.space_types

    def space(slug, title, space_type, description, **kw):
        if slug not in org.spaces:
            made = add_space(plugins, org, slug, title, space_type, description, **kw)
            made.published = True
            for name in modules:
                if plugins.modules[name].fits(space_type):
                    fill_demo_content(plugins, enable_module(plugins, org, made, name))
        return org.spaces[slug]

    if "process_group" in types and "participatory_process" in types:
        space("budget-metropolitain", "Budget participatif métropolitain", "process_group",
              "<p>Une démarche métropolitaine menée commune par commune.</p>").promoted = True
        for slug, commune in COMMUNES:
            process = space(f"budget-{slug}", f"Budget participatif de {commune}",
                            "participatory_process",
                            f"<p>Le budget participatif de la commune de {commune}.</p>",
                            parent="budget-metropolitain", scope=commune)
            email = f"espace-{slug}@{org.host}"
            if org.users.find_by_email(email) is None:
                user = create_user(org, email, f"Équipe de {commune}", ADMIN_PASSWORD,
                                   confirmed=True)
                process.set_space_roles(user.id, ["admin"])
            lines.append(f"    space admin (budget-{slug}): {email} / {ADMIN_PASSWORD}")
    if "assembly" in types:
        assembly = space("conseil-de-developpement", "Conseil de développement", "assembly",
                         "<p>Le conseil de développement réunit des habitant·e·s, des "
                         "associations et des entreprises de la métropole.</p>")
        debates = assembly.get("debates")
        resident = org.users.find_by_email(f"habitant@{org.host}")
        if debates is not None and resident is not None:
            for debate in list(debates.values())[:1]:
                if not comment_count(debate):
                    add_comment(debate, org, resident.id,
                                "Pour : le marché serait plus agréable sans voitures.", alignment=1)
                    add_comment(debate, org, resident.id,
                                "Contre : les livraisons des commerçants deviendraient difficiles.",
                                alignment=-1)
    return lines
