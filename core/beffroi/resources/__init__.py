"""The persistent resource tree: Root → Organisation → Space → ModuleContainer → items."""
from beffroi.resources.folder import Folder, Content, NameError_, check_name
from beffroi.resources.root import AppRoot, get_app_root, bootstrap
from beffroi.resources.organisation import Organisation
from beffroi.resources.space import Space, Phase
from beffroi.resources.module import ModuleContainer
from beffroi.resources.user import User

__all__ = ["Folder", "Content", "NameError_", "check_name", "AppRoot", "get_app_root",
           "bootstrap", "Organisation", "Space", "Phase", "ModuleContainer", "User"]
