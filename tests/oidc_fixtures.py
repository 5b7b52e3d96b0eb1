"""A real OpenID Connect provider (tests/oidc_provider/, panva's oidc-provider on Node.js) on a
free port, started per test and stopped after it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from testkit.ports import free_port

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
READY = "oidc-provider ready"


@dataclass
class OidcProvider:
    """A running provider: its issuer URL, the one client registered, its people."""

    issuer: str
    client_id: str
    client_secret: str
    accounts: dict = field(default_factory=dict)


@pytest.fixture
def oidc_provider(tmp_path):
    """Factory: oidc_provider(redirect_uris, accounts, rogue_jwks=False) -> a running
    OidcProvider. accounts: {login: {"password", "groups", "email"?, ...}}. rogue_jwks: the
    provider publishes another key than the one it signs ID tokens with."""
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        # As the browser tests do without Chromium: skipped with the reason, never in CI.
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing(
            "the sign-on tests need Node.js and the test provider: "
            "make tests/oidc_provider/node_modules/.installed"
        )
    started: list[subprocess.Popen] = []

    def start(redirect_uris, accounts, rogue_jwks=False) -> OidcProvider:
        port = free_port()
        provider = OidcProvider(
            issuer=f"http://127.0.0.1:{port}",
            client_id=f"reelboard-{port}",
            client_secret=f"secret-{port}-{os.urandom(8).hex()}",
            accounts=accounts,
        )
        args = [node, str(PROVIDER_DIR / "provider.mjs"), "--port", str(port)]
        args += ["--issuer", provider.issuer, "--client-id", provider.client_id]
        args += ["--client-secret", provider.client_secret]
        for uri in redirect_uris:
            args += ["--redirect-uri", uri]
        if rogue_jwks:
            args.append("--rogue-jwks")
        log = tmp_path / f"oidc-provider-{port}.log"
        env = {**os.environ, "OIDC_TEST_ACCOUNTS": json.dumps(accounts)}
        with open(log, "wb") as errors:
            process = subprocess.Popen(
                args, cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=errors
            )
        started.append(process)
        _wait_ready(process, log)
        return provider

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _wait_ready(process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    # The ready line comes once the provider listens; readline blocks, so a dead process or
    # a closed pipe ends the wait too.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline().decode("utf-8", "replace")
        if line.startswith(READY):
            return
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"the OIDC provider did not start: {log.read_text()[-2000:]}")
