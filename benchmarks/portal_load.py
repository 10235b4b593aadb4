"""Load on the sandbox: 50 concurrent async clients, 10,000 requests in all, on 127.0.0.1.

Run: ``.venv/bin/python benchmarks/portal_load.py [REQUESTS] [CLIENTS]``. The server is
``carm sandbox serve`` in its own process (uvicorn, one worker); the clients are
``carm.client.AsyncPortal`` in this one. Half the requests are estimates, half tariff lookups; then half as many estimates alone; then 200 CADs are submitted
concurrently and counted on the ledger (no lost writes). Prints requests/s, p50/p99 latency, errors,
and, as the baseline of the same run, the rate of a bare ``GET /openapi.json`` through httpx; and
the CPU the server and the clients spent per request, since on a small machine the Python clients,
not the server, are what saturates first.
"""

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import httpx

import carm
from carm import declarations as decl
from carm.client import AsyncPortal
from carm.client._base import default_ssl_context
from carm.identifiers import transaction_number as txn

SHIPMENT = carm.Shipment(
    province="ON", release_date=date(2026, 10, 15), exchange_rates={"USD": Decimal("1.3712")},
    lines=[carm.Line(classification="6109.10.00.11", value=Decimal("1200.00"), currency="USD", origin="CN", quantity=Decimal("100"))],
)  # fmt: skip
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cad" / "multi_invoice.json"


async def client(
    url: str, count: int, latencies: list[float], errors: list[str], only_estimates: bool = False
) -> None:
    async with AsyncPortal(url, max_retries=0) as portal:
        await portal.sign_in("u-alice", "secret")
        for index in range(count):
            start = time.perf_counter()
            try:
                if index % 2 or only_estimates:
                    await portal.estimates.create(SHIPMENT)
                else:
                    await portal.tariff.line("6109.10.00.11")
            except Exception as error:
                errors.append(type(error).__name__)
            latencies.append(time.perf_counter() - start)


async def baseline(url: str, count: int, clients: int) -> float:
    """Bare httpx, one client per task as the portal clients have (and the same shared TLS
    context): the HTTP stack's own rate."""

    async def one(n: int) -> None:
        async with httpx.AsyncClient(base_url=url, verify=default_ssl_context()) as http:
            for _ in range(n):
                await http.get("/openapi.json")

    start = time.perf_counter()
    await asyncio.gather(*(one(count // clients) for _ in range(clients)))
    return count / (time.perf_counter() - start)


async def submissions(url: str, count: int) -> int:
    cad = decl.from_json(EXAMPLE.read_text())
    rates = {"USD": Decimal("1.3712"), "EUR": Decimal("1.6021")}
    cad = attrs.evolve(
        cad, invoices=tuple(attrs.evolve(i, exchange_rate=rates[i.currency]) for i in cad.invoices)
    )
    async with AsyncPortal(url) as portal:
        await portal.sign_in("u-alice", "secret")

        async def submit(n: int) -> None:
            header = attrs.evolve(
                cad.header,
                transaction_number=txn.make(account_security="12345", sequence=10_000 + n),
            )
            await portal.declarations.submit(attrs.evolve(cad, header=header))

        await asyncio.gather(*(submit(n) for n in range(count)))
        return len([t async for t in portal.ledger.transactions("123026635RM0001", page_size=500)])


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def serving(db: Path) -> Iterator[tuple[str, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "carm", "sandbox", "serve", "--port", str(port), "--db", str(db),
        "--user", "u-alice:Alice:secret", "--business", "123026635:Maple Imports:u-alice",
        "--program", "123026635RM0001",
    ]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as folder, serving(Path(folder) / "load.db") as (url, pid):
        latencies: list[float] = []
        errors: list[str] = []
        server_before, client_before = cpu_seconds(pid), time.process_time()
        start = time.perf_counter()
        asyncio.run(_gather(url, total, clients, latencies, errors))
        elapsed = time.perf_counter() - start
        server_after, client_cpu = cpu_seconds(pid), time.process_time() - client_before
        estimates_only: list[float] = []
        start = time.perf_counter()
        asyncio.run(_gather(url, total // 2, clients, estimates_only, errors, only_estimates=True))
        estimates_rate = len(estimates_only) / (time.perf_counter() - start)
        bare = asyncio.run(baseline(url, 5_000, clients))
        recorded = asyncio.run(submissions(url, 200))
    latencies.sort()
    print(
        f"requests {len(latencies):,} from {clients} clients in {elapsed:.1f} s: {len(latencies) / elapsed:,.0f} requests/s"
    )
    print(
        f"latency p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms"
    )
    print(f"estimates only: {len(estimates_only):,} requests, {estimates_rate:,.0f} requests/s")
    print(f"errors {len(errors)} {sorted(set(errors))}")
    if server_before is not None and server_after is not None:
        per_request = (server_after - server_before) / len(latencies)
        print(
            f"server CPU {per_request * 1000:.2f} ms/request (one core serves ~{1 / per_request:,.0f} requests/s); "
            f"clients' CPU {client_cpu / len(latencies) * 1000:.2f} ms/request on {os.cpu_count()} cores"
        )
    print(
        f"baseline: bare httpx GET /openapi.json {bare:,.0f} requests/s (carm/baseline {len(latencies) / elapsed / bare:.2f})"
    )
    print(f"200 concurrent submissions: {recorded} on the ledger (lost writes: {200 - recorded})")


async def _gather(
    url: str,
    total: int,
    clients: int,
    latencies: list[float],
    errors: list[str],
    only_estimates: bool = False,
) -> None:
    await asyncio.gather(
        *(client(url, total // clients, latencies, errors, only_estimates) for _ in range(clients))
    )


if __name__ == "__main__":
    main()
