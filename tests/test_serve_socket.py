"""``residegi serve --workers N`` listens on a socket that says it is TCP, so the
connections its workers accept get ``TCP_NODELAY`` from asyncio: without it, each answer
on a kept-alive connection after the first waited ~40 ms for the client's delayed ACK."""

from __future__ import annotations

import asyncio
import socket

from cli.listener import TcpConfig


def test_the_connections_a_worker_accepts_send_at_once() -> None:
    config = TcpConfig("web.serve:app", factory=True, host="127.0.0.1", port=0, workers=2)
    listening = config.bind_socket()
    assert listening.proto == socket.IPPROTO_TCP
    assert listening.get_inheritable()  # handed to the worker processes

    async def accept_one() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        async with server:
            _, writer = await asyncio.open_connection(*listening.getsockname()[:2])
            nodelay = await asyncio.wait_for(accepted, 10)
            writer.close()
            await writer.wait_closed()
        return nodelay

    assert asyncio.run(accept_one()) == 1
