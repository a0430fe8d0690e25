"""The listening socket of ``residegi serve --workers N``.

With more than one worker, uvicorn binds the socket itself with its protocol left at 0;
the connections it accepts inherit that, and asyncio turns Nagle's algorithm off
(``TCP_NODELAY``) only on sockets that say TCP.  Every answer on a kept-alive connection
after the first then waited for the browser's delayed ACK, about 40 ms on Linux (uvicorn
issue 3149).  One worker is not affected: asyncio binds that socket itself.  The class
lives at module level because uvicorn hands its config to the worker processes pickled.
"""

from __future__ import annotations

import socket

import uvicorn


class TcpConfig(uvicorn.Config):
    """uvicorn's ``Config`` whose bound TCP socket says it is TCP."""

    def bind_socket(self) -> socket.socket:
        bound = super().bind_socket()
        if bound.family not in (socket.AF_INET, socket.AF_INET6):
            return bound
        tcp = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
        tcp.set_inheritable(True)
        return tcp
