"""The workshop's browser components (status buttons, save-while-typing boxes) served as files, fetched once.

A component whose code is given inline carries that code in every element Streamlit sends: a page of twelve
requirements re-sent some 225 kB of the same JavaScript and CSS on every run. Given as files of an asset directory
(app/workshop/components/), each element carries only their address and the browser fetches each file once per page.

Streamlit finds a component's asset directory through the manifest of an installed package; the workshop registers
its own directory with the running server the same way. Where no server runs (Streamlit's AppTest), or should that
registration fail, the component is defined with its code inline, as before: it behaves the same, only heavier.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from app.workshop.failures import logger

ASSETS = Path(__file__).resolve().parent / "components"
PACKAGE = "mlops_maturity_workshop"  # the manifest name the components are registered under


# component -> (the server it was defined for, the component). The server is held weakly and compared by identity:
# an id() of a server gone could be given to the next one (AppTest and tests start several in one process), which
# would then get a component registered with the old server's component manager only.
_defined: dict[str, tuple[weakref.ref[Any] | None, Callable[..., Any]]] = {}


def _by_file(name: str, js: str, css: str) -> Callable[..., Any]:
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        raise RuntimeError("no Streamlit server runs here")
    manager = get_bidi_component_manager()
    full_name = f"{PACKAGE}.{name}"
    if manager.get_component_path(full_name) is None:
        manifest = ComponentManifest(PACKAGE, "1", [ComponentConfig(name=name, asset_dir=ASSETS.name)])
        manager.register_from_manifest(manifest, ASSETS.parent)
    if manager.get_component_path(full_name) is None:
        raise RuntimeError("the asset directory was not registered")
    return st.components.v2.component(full_name, js=js, css=css)


def define(name: str, js: str, css: str) -> Callable[..., Any]:
    """The component `name` whose code is the files `js` and `css` of app/workshop/components/ (defined once per
    server: AppTest starts a new one for each test)."""
    from streamlit.runtime import Runtime

    server = Runtime.instance() if Runtime.exists() else None
    known = _defined.get(name)
    found = known[1] if known is not None and (known[0]() if known[0] is not None else None) is server else None
    if found is None:
        try:
            found = _by_file(name, js, css)
        except Exception as exc:  # no server, or a Streamlit without this registration: inline code
            logger.debug("component %s defined inline: %s", name, exc)
            code = (ASSETS / js).read_text(encoding="utf-8"), (ASSETS / css).read_text(encoding="utf-8")
            found = st.components.v2.component(name, js=code[0], css=code[1])
        _defined[name] = (weakref.ref(server) if server is not None else None, found)
    return found
