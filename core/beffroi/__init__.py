"""Beffroi: a shared platform for citizen participation.

Plugins import their hook marker and declaration types from here::

    from beffroi import hookimpl, ModuleInfo, PermissionInfo
"""
from beffroi.hookspecs import hookimpl, PLUGIN_API_VERSION
from beffroi.infos import (
    EvolveStep,
    IndexInfo,
    ModuleInfo,
    NavItem,
    NotificationInfo,
    PermissionInfo,
    SkinInfo,
    SpaceTypeInfo,
)

__all__ = [
    "hookimpl", "PLUGIN_API_VERSION", "EvolveStep", "IndexInfo", "ModuleInfo",
    "NavItem", "NotificationInfo", "PermissionInfo", "SkinInfo", "SpaceTypeInfo",
]
