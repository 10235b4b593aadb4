"""A local server that answers like the Bank of Canada Valet API, from the real 2020 USD/CAD data."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest

DATA = Path(__file__).parent / "data"


class ValetHandler(BaseHTTPRequestHandler):
    data = json.loads((DATA / "valet_FXUSDCAD_2020.json").read_text(encoding="utf-8"))
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        type(self).requests.append(self.path)
        parts = url.path.strip("/").split("/")
        if parts[:2] == ["valet", "broken"]:
            self._send(500, b"{}")
            return
        if parts[:2] == ["valet", "garbage"]:
            self._send(200, b"<html>not json</html>")
            return
        if len(parts) != 4 or parts[:2] != ["valet", "observations"] or parts[3] != "json":
            self._send(404, b'{"message": "no such path"}')
            return
        series = parts[2]
        if series not in self.data["seriesDetail"]:
            self._send(404, b'{"message": "Series not found"}')
            return
        query = parse_qs(url.query)
        start = query.get("start_date", ["0000"])[0]
        end = query.get("end_date", ["9999"])[0]
        observations = [o for o in self.data["observations"] if start <= o["d"] <= end]
        body = {**self.data, "observations": observations}
        self._send(200, json.dumps(body).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def valet_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ValetHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/valet"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def valet_requests() -> list[str]:
    ValetHandler.requests.clear()
    return ValetHandler.requests
