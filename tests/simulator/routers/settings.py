"""`settings.*`."""

from simcore import DOKPLOY_VERSION

def dokploy_version(api, ctx, data):
    return DOKPLOY_VERSION


# --------------------------------------------------------------------------
# The procedure table


ROUTES = {
    "settings.getDokployVersion": ("GET", dokploy_version),
}
