"""A real sandbox server on 127.0.0.1 (a free port), with a business, a broker and their users."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from carm.sandbox import Faults, SandboxState, create_app


class Server:
    def __init__(self, state: SandboxState, faults: Faults) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.state, self.faults = state, faults
        self.app = create_app(state, faults=faults)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def seeded(path: Path) -> SandboxState:
    state = SandboxState(path)
    for user, name in [("u-alice", "Alice"), ("u-erin", "Erin"), ("u-mallory", "Mallory")]:
        state.add_user(user, name=name, password=f"{user}-password")
    state.registry.register_business(
        "123026635", legal_name="Maple Imports Inc.", address="1 Bay St", manager="u-alice"
    )
    state.registry.add_program_account("123026635RM0001")
    state.registry.register_business(
        "123456782", legal_name="Border Brokers Ltd.", address="2 Front St", manager="u-erin"
    )
    state.registry.grant(
        by="u-alice", to="123456782", account="123026635", role="business_account_manager"
    )
    state.registry.assign(
        "u-erin", provider="123456782", to="123026635RM0001", role="editor", by="u-erin"
    )
    state.save()
    return state


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Server]:
    with Server(seeded(tmp_path / "sandbox.db"), Faults()) as server:
        yield server
