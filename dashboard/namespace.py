"""The namespace of this app's own components: `window.ddi_components` in the browser (assets/*.js).

Dash's Component.__init__ imports a component's namespace as a Python package for each keyword argument,
to name the package's version in an error message it seldom shows. `ddi_components` is no package, so
every such import failed only after searching all of sys.path. Registered here as a module, the import is a
dictionary lookup: the layouts of random views (in process, p50) went from 35 to 29 ms on Targets and from
68 to 57 ms on Gaps.
"""

from __future__ import annotations

import sys
import types

NAMESPACE = "ddi_components"
sys.modules.setdefault(NAMESPACE, types.ModuleType(NAMESPACE, "This app's own Dash components (dashboard/)."))
