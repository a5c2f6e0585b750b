"""Real services for the integration tests: an SMTP server and a Celery worker process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


class SmtpSink:
    """An aiosmtpd handler keeping every accepted message.

    Recipients whose address starts with "refuse" are refused with a 550, as a
    real server does for an unknown mailbox.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[Message] = []
        self._hold_at: int | None = None
        self.holding = threading.Event()
        self._release = threading.Event()

    def hold(self, *, at: int) -> None:
        """Keep the `at`-th message from now on unanswered, never accepted, until released.

        A test stops the sender (or this server) while `holding` is set: the message is then
        being sent, and the server has not taken it.
        """
        with self._lock:
            self._hold_at = len(self._messages) + at
        self.holding.clear()
        self._release.clear()

    def release(self) -> None:
        self._release.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._lock:
            held = self._hold_at is not None and len(self._messages) + 1 >= self._hold_at
            if held:
                self._hold_at = None
            else:
                self._messages.append(message)
        if held:
            self.holding.set()
            while not self._release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return "250 Message accepted for delivery"

    def messages(self) -> list[Message]:
        with self._lock:
            return list(self._messages)

    def messages_to(self, address: str) -> list[Message]:
        with self._lock:
            return [m for m in self._messages if address in m["X-Envelope-To"]]


class SmtpServer:
    """A real SMTP server on 127.0.0.1, on a free port."""

    def __init__(self) -> None:
        self.sink = SmtpSink()
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        """Start listening; after a stop, on the same port with the same sink."""
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def database_url(config: dict) -> str:
    """Return a postgres:// URL for a Django DATABASES entry (the test database)."""
    credentials = quote(config["USER"] or "", safe="")
    if config.get("PASSWORD"):
        credentials += ":" + quote(config["PASSWORD"], safe="")
    host = config["HOST"] or "127.0.0.1"
    port = config["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(config['NAME'], safe='')}"


def worker_env(
    *, queue: str, broker: str, email_url: str, settings_module: str | None = None
) -> dict[str, str]:
    """Return the environment of a worker subprocess on the test's database and services.

    ``settings_module`` names test settings that read CONNECT_TEST_QUEUE, so the tasks the
    worker sends itself (deliveries, digests) stay on the test's queue too.
    """
    from django.conf import settings

    env = {
        **os.environ,
        "CONNECT_TEST_QUEUE": queue,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "EMAIL_URL": email_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
    }
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    return env


@contextmanager
def publishing_to(queue: str) -> Iterator[None]:
    """Send the test process's tasks to a real broker, on the test's queue, for a while."""
    from portal.celery import app as celery_app

    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous


class CeleryWorker:
    """A `celery worker` subprocess consuming one queue, its output kept in a log file."""

    def __init__(self, *, queue: str, env: dict[str, str], log_path: Path) -> None:
        self.queue = queue
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 30) -> CeleryWorker:
        celery = Path(sys.executable).with_name("celery")
        command = [
            str(celery),
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
        with self.log_path.open("wb") as log:
            # Its own session, so stopping it reaches nothing else.
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for(self._ready, timeout=timeout, what=f"the Celery worker\n{self.log()}")
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"the Celery worker exited early:\n{self.log()}")
        return " ready." in self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """Kill the worker with SIGKILL, as the OOM killer or a lost machine does."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the worker (warm shutdown first) and wait until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class TcpProxy:
    """A TCP relay on 127.0.0.1 to a real service; stopping it is the service going away.

    Stopped, its port refuses connections and every relayed connection is cut, as when the
    service or the network in between goes down; started again, it listens on the same port.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        for sock in [listener, *sockets] if listener is not None else sockets:
            # Shut down first: on Linux that wakes the thread blocked in accept() or recv().
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.port}"
