"""A TCP relay between a desk and the test server that can go silent: a network cut.

Stopping the server closes its sockets, which a desk notices at once. A real cut (a
cable pulled, a switch or VPN down, a proxy whose server vanished) closes nothing: the
bytes simply stop arriving. ``cut()`` makes the relay do that: it keeps every socket open
but forwards nothing either way and answers no new connection (they are accepted by the
kernel and left waiting); ``restore()`` forwards again, including what waited meanwhile,
as TCP would deliver it after the network came back.

One thread runs a ``select`` loop over every socket; tests use one relay each.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading


class Relay:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port: int = self.listener.getsockname()[1]
        self._peers: dict[socket.socket, socket.socket] = {}
        self._waiting: list[socket.socket] = []  # accepted during a cut, not yet joined
        self._silent = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="test-relay", daemon=True)
        self._thread.start()

    def url_for(self, url: str) -> str:
        """``url`` (a postgresql:// URL to the upstream port) through this relay."""
        return url.replace(f":{self.upstream[1]}/", f":{self.port}/", 1)

    def cut(self) -> None:
        self._silent.set()

    def restore(self) -> None:
        self._silent.clear()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            sockets = [*self._peers, *self._waiting, self.listener]
            self._peers.clear()
            self._waiting.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()

    # -- the loop ------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            silent = self._silent.is_set()
            with self._lock:
                if not silent and self._waiting:
                    for client in self._waiting:
                        self._join(client)
                    self._waiting.clear()
                watched = [self.listener] if silent else [self.listener, *self._peers]
            readable, _, _ = select.select(watched, [], [], 0.05)
            for sock in readable:
                if sock is self.listener:
                    client, _ = self.listener.accept()
                    with self._lock:
                        if self._silent.is_set():
                            self._waiting.append(client)
                        else:
                            self._join(client)
                    continue
                if not self._silent.is_set():
                    self._pump(sock)

    def _join(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        self._peers[client] = server
        self._peers[server] = client

    def _pump(self, sock: socket.socket) -> None:
        with self._lock:
            peer = self._peers.get(sock)
        if peer is None:
            return
        try:
            data = sock.recv(65536)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        with self._lock:  # one side ended: end the other
            self._peers.pop(sock, None)
            self._peers.pop(peer, None)
        for end in (sock, peer):
            with contextlib.suppress(OSError):
                end.close()
