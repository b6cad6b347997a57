"""The kernels of the served COPIL apps: at most `max_kernels` at once.

Voila starts one kernel per visit (or hands the visitor a pre-heated one and starts
another for the pool). `CopilKernelManager` is Jupyter Server's kernel manager with a
ceiling: a visit that would start a kernel beyond it is refused (HTTP 503, a French
page, see `serve_voila.py`), and a pool refill waits until a kernel has gone. Idle
kernels are culled by Jupyter Server itself (`cull_idle_timeout`, `cull_interval`),
which Voila's pool manager keeps away from the pre-heated kernels.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Integer

PREHEAT_VARIABLE = "VOILA_PREHEAT"  # voila.utils.ENV_VARIABLE.VOILA_PREHEAT


class ServerBusy(web.HTTPError):
    """No kernel can be started now: the server holds `max_kernels` already."""

    def __init__(self) -> None:
        super().__init__(503, "kernel limit reached", reason="Service Unavailable")


class CopilKernelManager(AsyncMappingKernelManager):
    """Jupyter Server's kernel manager, with a ceiling on the number of kernels."""

    max_kernels = Integer(
        20, config=True,
        help="Most kernels at once, pre-heated ones included (0: no limit). A visit that "
             "needs one more is refused with HTTP 503; a pool refill waits for a place.")
    refill_poll = Float(1.0, config=True,
                        help="Seconds between two looks for a free place, for a pool refill.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting: set[str] = set()
        self._closing = False

    def kernel_count(self) -> int:
        """Kernels running or being started."""
        return len(set(self._kernels) | self._starting)

    def is_full(self) -> bool:
        return 0 < self.max_kernels <= self.kernel_count()

    async def start_kernel(self, **kwargs: Any) -> str:  # type: ignore[override]
        kernel_id = kwargs.get("kernel_id")
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(**kwargs)  # a restart: nothing new
        pooled = (kwargs.get("env") or {}).get(PREHEAT_VARIABLE) == "True"
        while self.is_full():
            if not pooled:
                raise ServerBusy()
            if self._closing:
                raise RuntimeError("the server is stopping")
            await asyncio.sleep(self.refill_poll)
        if self._closing:
            raise RuntimeError("the server is stopping")
        # The id is chosen here so the new kernel is counted from this very moment.
        kernel_id = kwargs["kernel_id"] = kernel_id or str(uuid.uuid4())
        self._starting.add(kernel_id)
        try:
            return await super().start_kernel(**kwargs)
        finally:
            self._starting.discard(kernel_id)

    async def shutdown_all(self, now: bool = False) -> None:  # type: ignore[override]
        self._closing = True  # a pool refill waiting for a place gives up
        await super().shutdown_all(now=now)

    # -- what a visit to `notebook` would get (the pool: Voila's VoilaKernelManager) ------
    def has_ready_kernel(self, notebook: str) -> bool:
        """Whether a pre-heated kernel of `notebook` is started and waiting."""
        pools = getattr(self, "_pools", {})
        for task in pools.get(notebook, ()):
            if task.done() and not task.cancelled() and task.exception() is None:
                return True
        return False

    def refuses_visit(self, notebook: str) -> bool:
        """A visit is refused when the server is full and no pre-heated kernel of
        `notebook` is ready for it (one being started would wait for a place)."""
        return self.is_full() and not self.has_ready_kernel(notebook)
