"""svcm: service metrics.

Customer segmentation (five tiers, RFM, BG/NBD), Eisenhower and ITIL
priority with a dispatch queue, PDCA improvement cycles, and KPIs (CSAT,
NPS, CES, rates, durations, SLA, Erlang C, SERVQUAL) computed by the svcm C
library. Errors derive from svcm.Error.

Every public name is defined by the extension module svcm._svcm and
re-exported here; import them from svcm, never from svcm._svcm (a private
module whose name may change). The types are in svcm/__init__.pyi
(PEP 561: the package ships py.typed).
"""
from . import _svcm
from ._svcm import *  # noqa: F401,F403 -- the whole public API
from ._svcm import __version__

__all__ = sorted(name for name in vars(_svcm) if not name.startswith("_"))


def _public_module() -> None:
    # The extension's functions name svcm._svcm as their module; the public
    # one is svcm (as for the classes and exceptions, whose names are
    # "svcm.X" in C), so that repr, help() and pickles by reference say
    # svcm.X and do not depend on the private module. A private function
    # (_name, say a pickle's restore function) is bound here too, so that
    # a pickle naming svcm._name loads.
    for name, obj in vars(_svcm).items():
        if name.startswith("__") or getattr(obj, "__module__", None) != _svcm.__name__:
            continue
        try:
            obj.__module__ = __name__
        except (AttributeError, TypeError):
            continue
        globals()[name] = obj


_public_module()
del _public_module
