"""One module per Dokploy router; each defines ROUTES {"router.procedure": (method, handler)}.

A handler takes (api, ctx, data): the shared core (simcore.Api), the caller
(simcore.Context) and the validated input; it answers a JSON-able value
(None = empty body) or raises simcore.ApiError. A module may also define
REFINEMENTS {procedure: check(data) -> zod issues} for input rules the
OpenAPI document does not show, and NONOPTIONAL {procedure: (field, ...)} for
fields zod wraps in nonoptional (optional before the schema's `.required()`,
which the document cannot show): missing, they answer "expected nonoptional".
"""

import importlib
import pkgutil


def load():
    """(procedures, refinements, nonoptional) of every router module in this package."""
    procedures, refinements, nonoptional = {}, {}, {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, entry in module.ROUTES.items():
            if name in procedures:
                raise RuntimeError(f"{name} is defined twice (routers/{info.name}.py)")
            procedures[name] = entry
        refinements.update(getattr(module, "REFINEMENTS", {}))
        nonoptional.update(getattr(module, "NONOPTIONAL", {}))
    return procedures, refinements, nonoptional
