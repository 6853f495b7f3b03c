"""`zhengdun serve`: uvicorn, in one process or in several workers that each accept on their
own socket.

uvicorn's own ``--workers`` hands one listening socket to every worker. Clients that connect at
once (a front end's connection pool, a load balancer, 32 keep-alive clients) queue on it
together, and the first worker to wake accepts all of them, because an event loop accepts until
the queue is empty. Measured here (docs/benchmarks.md): all 32 clients of M1 on one worker, which
served 108 requests/s at one core while the other worker idled. Here each worker binds its own
socket to the address with ``SO_REUSEPORT`` and the kernel spreads new connections over the
workers' sockets by a hash of each connection's addresses, as nginx's ``reuseport`` does.

The parent holds the address (bound, never listening, so it is given no connections), starts the
workers, restarts one that dies, and stops them all on SIGINT or SIGTERM. A worker that fails to
start (database unreachable, say) stops the whole server with uvicorn's exit code 3, as uvicorn's
own supervisor does: restarting would fail the same way.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import socket
import sys
import threading
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.config import STARTUP_FAILURE

APP = "zhengdun.app:create_app"
STOP_TIMEOUT = 30.0  # seconds a worker is given to finish its requests before it is killed

logger = logging.getLogger("uvicorn.error")
spawn = multiprocessing.get_context("spawn")


def family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) that other such sockets may share."""
    sock = socket.socket(family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def config(host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(APP, factory=True, host=host, port=port, log_level="info")


def run_worker(host: str, port: int) -> None:
    """A worker process: one uvicorn server on its own socket."""
    try:
        sock = reuse_port_socket(host, port)
    except OSError as error:  # would fail again: stop the server, as a failed start-up does
        logger.error("worker cannot bind %s:%d: %s", host, port, error)
        sys.exit(STARTUP_FAILURE)
    # Ctrl-C reaches the whole process group; the parent knows and stops the workers.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config(host, port)).run(sockets=[sock])


class Workers:
    """The parent's side: workers started, replaced when one dies, stopped on a signal."""

    def __init__(self, host: str, port: int, count: int) -> None:
        self.host, self.port, self.count = host, port, count
        self.processes: list[BaseProcess] = []
        self.stopping = threading.Event()
        self.exit_code = 0

    def start_one(self) -> BaseProcess:
        process = spawn.Process(target=run_worker, args=(self.host, self.port), daemon=False)
        process.start()
        return process

    def stop(self, signum: int = 0, frame: object = None) -> None:
        self.stopping.set()

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        logger.info("%d workers on http://%s:%d (SO_REUSEPORT)", self.count, self.host, self.port)
        self.processes = [self.start_one() for _ in range(self.count)]
        while not self.stopping.is_set():
            wait([p.sentinel for p in self.processes], timeout=0.5)
            self.replace_dead()
        self.stop_all()
        return self.exit_code

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
            self.processes[index] = self.start_one()

    def stop_all(self) -> None:
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


def serve(host: str, port: int, workers: int) -> int:
    if workers <= 1:
        uvicorn.run(APP, factory=True, host=host, port=port, log_level="info")
        return 0
    try:
        # A plain bind first: it fails if anything listens there, even another server whose
        # sockets allow sharing (it would otherwise silently take half of the connections).
        with socket.create_server((host, port), family=family(host)) as probe:
            port = probe.getsockname()[1]  # port 0: the one the kernel chose, for every worker
        address = reuse_port_socket(host, port)  # held until the end, so no one else binds it
    except OSError as error:
        logger.error("cannot bind %s:%d: %s", host, port, error)
        return STARTUP_FAILURE
    with address:
        return Workers(host, port, workers).run()
