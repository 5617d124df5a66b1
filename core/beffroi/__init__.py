"""Beffroi: a shared platform for citizen participation.

Plugins import their hook marker and declaration types from here::

    from beffroi import hookimpl, ModuleInfo, PermissionInfo
"""
import warnings

# Pyramid and deform still import pkg_resources, which warns on every command; Beffroi
# itself does not use it. Silence that one message, nothing else.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)

from beffroi.hookspecs import hookimpl, PLUGIN_API_VERSION
from beffroi.infos import (
    EvolveStep,
    IndexInfo,
    ModuleInfo,
    NavItem,
    NotificationInfo,
    Participation,
    PermissionInfo,
    SkinInfo,
    SpaceTypeInfo,
    TemplateInfo,
)

__all__ = [
    "hookimpl", "PLUGIN_API_VERSION", "EvolveStep", "IndexInfo", "ModuleInfo",
    "NavItem", "NotificationInfo", "Participation", "PermissionInfo", "SkinInfo", "SpaceTypeInfo",
    "TemplateInfo",
]
