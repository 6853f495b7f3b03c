"""`zhengdun serve`: uvicorn, in one process or in several workers to which the parent hands
the connections it accepts, in turn.

Clients that connect at once (a front end's connection pool, a load balancer, 32 keep-alive
clients) must be spread evenly over the workers: a worker holding more of them answers each
more slowly, and the slowest worker sets the tail of the latencies. uvicorn's own ``--workers``
shares one listening socket, and an event loop accepts until the queue is empty: measured here
(docs/benchmarks.md), all 32 clients of M1 went to one worker while the other idled. A socket
per worker with ``SO_REUSEPORT`` (this server's previous design) spreads them by a hash of
their addresses: 11/21 to 16/16 over five tries of 32 connections, and p99 144 ms against
112–117 with the same load split 16/16 by hand. So the parent accepts every connection and
hands it to the workers in turn over a Unix socket (``SCM_RIGHTS``), as Node's cluster module
does on Linux (PostGraphile's ``--cluster-workers``); a worker serves a handed connection
exactly as one it accepted itself (uvicorn's protocol, ``connect_accepted_socket``).

The parent listens on the address (a second server there exits with uvicorn's code 3), starts
the workers, restarts one that dies (connections handed to it and not yet taken are lost with
it), and stops them all on SIGINT or SIGTERM. A worker that fails to start (database
unreachable, say) stops the whole server with uvicorn's exit code 3, as uvicorn's own
supervisor does: restarting would fail the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import socket
import threading
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.config import STARTUP_FAILURE

APP = "zhengdun.app:create_app"
STOP_TIMEOUT = 30.0  # seconds a worker is given to finish its requests before it is killed
BACKLOG = 2048  # uvicorn's default

logger = logging.getLogger("uvicorn.error")
spawn = multiprocessing.get_context("spawn")


def family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def config(host: str, port: int, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(
        APP, factory=True, host=host, port=port, log_level="info", access_log=access_log
    )


class HandedConnections(uvicorn.Server):
    """A worker's uvicorn: no socket of its own; serves the connections the parent hands it."""

    def __init__(self, config: uvicorn.Config, inbox: socket.socket) -> None:
        super().__init__(config)
        self.inbox = inbox

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the lifespan (database), no listener
        self.inbox.setblocking(False)
        asyncio.get_running_loop().add_reader(self.inbox.fileno(), self.take)

    def take(self) -> None:
        """Every connection waiting in the inbox, each served as uvicorn serves its own."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.inbox, 1, 1)
            except BlockingIOError:
                return
            except OSError:
                data, fds = b"", []
            if not data:  # the parent is gone: stop, as on SIGTERM
                loop.remove_reader(self.inbox.fileno())
                self.should_exit = True
                return
            for fd in fds:
                loop.create_task(self.serve_connection(socket.socket(fileno=fd)))

    async def serve_connection(self, connection: socket.socket) -> None:
        if self.should_exit:
            connection.close()
            return
        config, loop = self.config, asyncio.get_running_loop()
        await loop.connect_accepted_socket(
            lambda: config.http_protocol_class(  # type: ignore[call-arg]
                config=config,
                server_state=self.server_state,
                app_state=self.lifespan.state,
                _loop=loop,
            ),
            sock=connection,
        )

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().remove_reader(self.inbox.fileno())
        await super().shutdown(sockets)


def run_worker(host: str, port: int, access_log: bool, inbox: socket.socket) -> None:
    """A worker process: uvicorn serving the connections handed over ``inbox``."""
    # Ctrl-C reaches the whole process group; the parent knows and stops the workers.
    with contextlib.suppress(KeyboardInterrupt):
        HandedConnections(config(host, port, access_log), inbox).run()


class Workers:
    """The parent's side: connections accepted and handed out in turn; workers started,
    replaced when one dies, stopped on a signal."""

    def __init__(
        self, listener: socket.socket, host: str, port: int, count: int, access_log: bool
    ) -> None:
        self.listener = listener
        self.host, self.port, self.count, self.access_log = host, port, count, access_log
        self.processes: list[BaseProcess] = []
        self.outboxes: list[socket.socket] = []  # the parent's end of each worker's inbox
        self.stopping = threading.Event()
        self.exit_code = 0

    def start_one(self) -> tuple[BaseProcess, socket.socket]:
        # SEQPACKET: one connection per message, never merged or split.
        outbox, inbox = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with inbox:  # the worker has its own copy once started
            process = spawn.Process(
                target=run_worker, args=(self.host, self.port, self.access_log, inbox), daemon=False
            )
            process.start()
        return process, outbox

    def stop(self, signum: int = 0, frame: object = None) -> None:
        self.stopping.set()

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        logger.info(
            "%d workers on http://%s:%d (connections handed out in turn)",
            self.count,
            self.host,
            self.port,
        )
        for _ in range(self.count):
            process, outbox = self.start_one()
            self.processes.append(process)
            self.outboxes.append(outbox)
        accepting = threading.Thread(target=self.hand_out, name="accept", daemon=True)
        accepting.start()
        while not self.stopping.is_set():
            wait([p.sentinel for p in self.processes], timeout=0.5)
            self.replace_dead()
        self.stop_all()
        return self.exit_code

    def hand_out(self) -> None:
        """Accepts every connection and hands it to the next worker (skipping one that is
        gone); the parent's copy is closed once handed."""
        self.listener.settimeout(0.5)  # to notice the end
        turn = 0
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # the listener closed: stopping
                return
            with connection:
                for _ in range(self.count):
                    outbox = self.outboxes[turn]
                    turn = (turn + 1) % self.count
                    try:
                        socket.send_fds(outbox, [b"c"], [connection.fileno()])
                        break
                    except OSError:  # that worker is gone (being replaced): the next one
                        continue

    def replace_dead(self) -> None:
        for index, process in enumerate(self.processes):
            if process.exitcode is None or self.stopping.is_set():
                continue
            if process.exitcode == STARTUP_FAILURE:
                logger.error("worker [%d] failed to start; stopping", process.pid)
                self.exit_code = STARTUP_FAILURE
                self.stopping.set()
                return
            logger.warning(
                "worker [%d] exited (%s); starting another", process.pid, process.exitcode
            )
            old = self.outboxes[index]
            self.processes[index], self.outboxes[index] = self.start_one()
            old.close()

    def stop_all(self) -> None:
        self.listener.close()  # no new connections; the workers finish theirs
        for process in self.processes:
            if process.exitcode is None:
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in self.processes:
            process.join(STOP_TIMEOUT)
            if process.exitcode is None:
                logger.warning(
                    "worker [%d] did not stop in %.0f s; killing", process.pid, STOP_TIMEOUT
                )
                process.kill()
                process.join()
        for outbox in self.outboxes:
            outbox.close()


def serve(host: str, port: int, workers: int, access_log: bool = True) -> int:
    """``access_log``: uvicorn's line per request (off where a proxy in front logs them)."""
    if workers <= 1:
        uvicorn.run(
            APP, factory=True, host=host, port=port, log_level="info", access_log=access_log
        )
        return 0
    try:
        listener = socket.create_server((host, port), family=family(host), backlog=BACKLOG)
    except OSError as error:
        logger.error("cannot bind %s:%d: %s", host, port, error)
        return STARTUP_FAILURE
    with listener:
        port = listener.getsockname()[1]  # port 0: the one the kernel chose
        return Workers(listener, host, port, workers, access_log).run()
