"""Digital independence: an organisation leaves with all its data, or arrives with it.

``export`` writes a ZIP holding a ZODB export of the organisation's whole subtree
(participants, spaces, modules' content, catalog, blobs such as logos and attachments)
plus ``manifest.json`` and a readable ``open-data.json`` built from the plugins'
``export_organisation`` hook. ``import`` loads such a file into another installation
(running the plugins it needs: ``requires`` in the manifest) under new or the same host
names. The organisation is a closed subtree — nothing inside points back at the
platform — which is what makes this a plain ZODB export.

An import never runs what the file holds: every record is read first by the inert
unpickler of ``beffroi.system.safe_import`` against the classes of the core and the
installed plugins, and ZODB loads only the records that passed. A refusal names the
class or the missing plugins and leaves the database untouched.
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
from beffroi.system.safe_import import UnsafeExport, allowed_globals, checked_export

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
        manifest["requires"] = required_plugins(plugins, organisation, dump)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
            z.writestr("open-data.json", json.dumps(open_data, indent=2, ensure_ascii=False,
                                                    default=str))
            z.write(dump, "organisation.zexp")
    return manifest


def required_plugins(plugins, organisation, dump) -> dict:
    """``{plugin: version}`` of the plugins an import of ``dump`` needs: those whose
    classes the export holds and those providing a module enabled in a space."""
    allowed = allowed_globals(plugins)
    with open(dump, "rb") as source:
        classes, _first = checked_export(source, _Discard(), allowed)
    tops = {module.split(".")[0] for module, _name in classes}
    needed = {allowed.owners[top] for top in tops if top in allowed.owners}
    for space in organisation.spaces.values():
        for container in space.modules.values():
            owner = plugins.module_plugin.get(container.module_name)
            if owner:
                needed.add(owner)
    return {name: plugins.plugins[name].version for name in sorted(needed)
            if name in plugins.plugins}


class _Discard:
    def write(self, data):
        pass


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
    required = manifest.get("requires", manifest.get("plugins")) or {}
    missing = sorted(set(required) - set(plugins.plugins))
    if missing:
        named = ", ".join(f"{name} ({required[name]})" if isinstance(required, dict)
                          and required[name] else name for name in missing)
        raise OrganisationError(f"this export needs plugins that are not installed here: "
                                f"{named}; install them first, then import again")
    host = host or manifest["host"]
    secondary = manifest["secondary_hosts"] if secondary_hosts is None else secondary_hosts
    hosts = [check_host(app_root, h) for h in (host, *secondary)]
    allowed = allowed_globals(plugins)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as z:
        checked = os.path.join(tmp, "checked.zexp")
        try:
            with z.open("organisation.zexp") as source, open(checked, "wb") as out:
                _classes, first = checked_export(source, out, allowed)
        except KeyError:
            raise OrganisationError(f"{path} holds no organisation.zexp") from None
        except UnsafeExport as exc:
            raise OrganisationError(f"{path}: {exc}; nothing was imported") from None
        if first != ("beffroi.resources.organisation", "Organisation"):
            raise OrganisationError(f"{path} does not hold an organisation")
        with old_module_names():        # an export made before a class moved
            org = conn.importFile(checked)
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
