"""Digital independence: an organisation leaves with all its data, or arrives with it.

``export`` writes a ZIP holding a ZODB export of the organisation's whole subtree
(participants, spaces, modules' content, catalog, blobs such as logos and attachments)
plus ``manifest.json`` and a readable ``open-data.json`` built from the plugins'
``export_organisation`` hook. ``import`` loads such a file into another installation
(running the same plugins) under new or the same host names. The organisation is a
closed subtree — nothing inside points back at the platform — which is what makes
this a plain ZODB export.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from datetime import datetime, timezone

from beffroi.system.organisations import OrganisationError, check_host
from beffroi.persistence import old_module_names
from beffroi.resources.organisation import Organisation

FORMAT = "beffroi-organisation/1"


def export_organisation(conn, plugins, organisation, path):
    """Write ``organisation`` to the ZIP file ``path``; return the manifest."""
    manifest = {
        "format": FORMAT, "id": organisation.id, "name": organisation.name,
        "host": organisation.host, "secondary_hosts": list(organisation.secondary_hosts),
        "exported": datetime.now(timezone.utc).isoformat(),
        "plugins": {name: rec.version for name, rec in plugins.plugins.items()},
        "spaces": len(organisation.spaces), "participants": len(organisation.users),
    }
    from beffroi.kit import organisation_export_of_modules
    open_data = organisation_export_of_modules(plugins, organisation)
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "organisation.zexp")
        conn.exportFile(organisation._p_oid, dump)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
            z.writestr("open-data.json", json.dumps(open_data, indent=2, ensure_ascii=False,
                                                    default=str))
            z.write(dump, "organisation.zexp")
    return manifest


def read_manifest(path):
    try:
        with zipfile.ZipFile(path) as z:
            manifest = json.loads(z.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise OrganisationError(f"{path} is not a Beffroi organisation export ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise OrganisationError(f"{path} has format {manifest.get('format')!r}, expected {FORMAT!r}")
    return manifest


def import_organisation(conn, app_root, plugins, path, host=None, secondary_hosts=None):
    """Load an export into ``app_root``; hosts may be replaced. Returns the organisation."""
    manifest = read_manifest(path)
    missing = sorted(set(manifest["plugins"]) - set(plugins.plugins))
    if missing:
        raise OrganisationError(f"install these plugins first: {', '.join(missing)}")
    host = host or manifest["host"]
    secondary = manifest["secondary_hosts"] if secondary_hosts is None else secondary_hosts
    hosts = [check_host(app_root, h) for h in (host, *secondary)]
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as z:
        dump = z.extract("organisation.zexp", tmp)
        with old_module_names():        # an export made before a class moved
            org = conn.importFile(dump)
    if not isinstance(org, Organisation):
        raise OrganisationError(f"{path} does not hold an organisation")
    oid = app_root.organisations.unique_name(manifest["id"])
    app_root.organisations.add(oid, org)
    org.id, org.__name__, org.__parent__ = oid, "", None
    org.host, org.secondary_hosts = hosts[0], tuple(hosts[1:])
    for h in hosts:
        app_root.hosts[h] = oid
    from beffroi.services.templates.model import organisation_arrived
    organisation_arrived(app_root, org)
    return org


def remove_organisation(app_root, organisation):
    """Take an organisation off this platform (after it left with its export)."""
    from beffroi.services.templates.model import organisation_left
    organisation_left(app_root, organisation)
    for h in organisation.all_hosts():
        app_root.hosts.pop(h, None)
    app_root.organisations.remove(organisation.id)
