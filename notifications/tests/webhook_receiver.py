"""A real HTTP receiver on 127.0.0.1 (random port) for the webhook tests, in a thread of the test process.

It checks each request's Standard Webhooks signature itself, written from the spec with hmac (not
with the library the sender signs with), answers 401 when the signature does not verify, and
otherwise answers the status codes it was told to, in order (then 200). It can also hang, to stand
for an endpoint that never answers; a hang ends when the receiver stops.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# How far a webhook-timestamp may be from the receiver's clock (the spec's usual tolerance).
TOLERANCE_SECONDS = 300


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    answered: int


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    msg_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not (msg_id and timestamp.isdigit() and abs(time.time() - int(timestamp)) <= TOLERANCE_SECONDS):
        return False
    wanted = expected_signature(secret, msg_id, timestamp, body)
    return any(hmac.compare_digest(wanted, sent) for sent in headers.get("webhook-signature", "").split())


class LoopbackReceiver:
    def __init__(self) -> None:
        self.secret = ""
        self.statuses: list[int] = []
        self.hang_seconds = 0.0
        self.received: list[Received] = []
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {key.lower(): value for key, value in self.headers.items()}
                if receiver.hang_seconds:
                    receiver._release.wait(receiver.hang_seconds)
                ok = bool(receiver.secret) and signature_valid(receiver.secret, headers, body)
                status = (receiver.statuses.pop(0) if receiver.statuses else 200) if ok else 401
                receiver.received.append(Received(self.path, headers, body, ok, status))
                try:
                    self.send_response(status)
                    if status in (301, 302, 307, 308):
                        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender gave up waiting (timeout test)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/newsroom"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def receiver(settings):
    """A started loopback receiver; private (loopback) destinations allowed for this test."""
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = True
    started = LoopbackReceiver().start()
    yield started
    started.stop()
