"""Register API: read and write appeals and offences, and load files. (Filled in by the API work.)"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["register"])
