"""`settings.*`."""


def dokploy_version(api, ctx, data):
    return "v%d.%d.%d" % api.version


ROUTES = {
    "settings.getDokployVersion": ("GET", dokploy_version),
}
