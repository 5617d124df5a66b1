"""The default skin: a layout macro with named slots and plain, accessible CSS."""
from beffroi import SkinInfo, hookimpl

beffroi_api = ">=2.0,<3"


@hookimpl
def register_skins():
    return [SkinInfo(name="default", title="Beffroi",
                     layout="beffroi_skin_default:layout.pt",
                     static="beffroi_skin_default:static")]

