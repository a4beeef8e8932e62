"""A TCP server on 127.0.0.1 standing in for Redis in cache-outage tests (real sockets, real redis-py).

Modes, switchable at any time (switching drops every open connection, as a
Redis restart or a network cut would):

- "hang": accepts and reads, never answers (a hung Redis: each call waits its socket timeout);
- "refuse": accepts and closes at once (the connection fails immediately);
- "answer": a tiny in-memory Redis (HELLO, GET, SET [NX] [EX|PX], MGET, DEL, EXISTS, PING, CLIENT, SELECT);
- "forward": relays the bytes to a real Redis (`forward_to=(host, port)`).

`connections` counts accepted connections: with redis-py dropping a connection
after each failure, in "hang" or "refuse" mode that is the number of calls that
went to the network.
"""

from __future__ import annotations

import socket
import threading


class FakeRedis:
    def __init__(self, mode: str = "answer", forward_to: tuple[str, int] | None = None) -> None:
        self.mode = mode
        self.forward_to = forward_to
        self.connections = 0
        self.commands: list[str] = []
        self.data: dict[bytes, bytes] = {}
        self.error_commands: set[str] = set()  # answered with an error reply ("answer" mode)
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def set_mode(self, mode: str) -> None:
        with self._lock:
            self.mode = mode
            sockets, self._open = self._open, []
        for sock in sockets:
            _close(sock)

    def close(self) -> None:
        self._closed = True
        self.set_mode("refuse")
        _close(self._server)

    # --- internals -------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                mode = self.mode
                self._open.append(client)
            if mode == "refuse":
                _close(client)
            elif mode == "hang":
                threading.Thread(target=_drain, args=(client,), daemon=True).start()
            elif mode == "forward":
                threading.Thread(target=self._forward, args=(client,), daemon=True).start()
            else:
                threading.Thread(target=self._answer, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        assert self.forward_to is not None
        try:
            upstream = socket.create_connection(self.forward_to, timeout=5)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        with self._lock:
            self._open.append(upstream)

        def pipe(src: socket.socket, dst: socket.socket) -> None:
            try:
                while chunk := src.recv(65536):
                    dst.sendall(chunk)
            except OSError:
                pass
            finally:
                _close(src)
                _close(dst)

        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def _answer(self, client: socket.socket) -> None:
        reader = client.makefile("rb")
        protocol = [2]
        try:
            while True:
                command = _read_command(reader)
                if command is None:
                    return
                name = command[0].upper().decode()
                with self._lock:
                    self.commands.append(name)
                client.sendall(self._reply(name, command[1:], protocol))
        except OSError:
            return
        finally:
            _close(client)

    def _reply(self, name: str, args: list[bytes], protocol: list[int]) -> bytes:
        def bulk(value: bytes | None) -> bytes:
            if value is None:
                return b"_\r\n" if protocol[0] == 3 else b"$-1\r\n"
            return b"$%d\r\n%s\r\n" % (len(value), value)

        if name in {"CLIENT", "SELECT"}:
            return b"+OK\r\n"
        if name == "HELLO":  # the protocol handshake: a map with the version asked for
            protocol[0] = int(args[0]) if args else 2
            return b"%%1\r\n$5\r\nproto\r\n:%d\r\n" % protocol[0]
        if name in self.error_commands:
            return b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
        if name == "PING":
            return b"+PONG\r\n"
        if name == "GET":
            return bulk(self.data.get(args[0]))
        if name == "MGET":
            return b"*%d\r\n" % len(args) + b"".join(bulk(self.data.get(key)) for key in args)
        if name == "SET":
            flags = {arg.upper() for arg in args[2:]}
            if b"NX" in flags and args[0] in self.data:
                return bulk(None)
            self.data[args[0]] = args[1]
            return b"+OK\r\n"
        if name in {"DEL", "UNLINK", "EXISTS"}:
            found = sum(key in self.data for key in args)
            if name != "EXISTS":
                for key in args:
                    self.data.pop(key, None)
            return b":%d\r\n" % found
        return b"-ERR unknown command '%s'\r\n" % name.encode()


def _read_command(reader) -> list[bytes] | None:
    header = reader.readline()
    if not header:
        return None
    if not header.startswith(b"*"):
        return header.split()  # an inline command
    parts = []
    for _ in range(int(header[1:])):
        length = int(reader.readline()[1:])
        parts.append(reader.read(length + 2)[:-2])
    return parts


def _drain(client: socket.socket) -> None:
    try:
        while client.recv(65536):
            pass
    except OSError:
        pass


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
