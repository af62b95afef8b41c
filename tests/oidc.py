"""A real OpenID Connect provider on 127.0.0.1 for the sign-in tests, and the app's [auth] secrets for it.

The provider is PyPI's `oidc-provider-mock` (requirements-dev.txt; Authlib's authorization server behind
Flask): discovery, authorization-code flow, signed ID tokens, userinfo, as any organisation's identity
provider (Keycloak, Entra ID, Google Workspace) offers them. Its sign-in form asks for the subject; the
user's e-mail claim is that subject. Nothing about the app is patched: Streamlit's own st.login talks
to it over HTTP, in the browser.

    with OidcProvider() as idp:
        secrets = write_auth_secrets(tmp / "secrets.toml", idp, app_port)
        with StreamlitServer("app.py", port=app_port, args=("--secrets.files", str(secrets))) as app:
            ...
This module holds no tests itself.
"""
from __future__ import annotations

import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.browser import LoggedProcess, free_port, port_answers


class OidcProvider(LoggedProcess):
    """`python -m oidc_provider_mock` on a free 127.0.0.1 port for the length of a `with` block."""

    def __init__(self, timeout_s: float = 30.0):
        self.timeout_s = timeout_s
        self.port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def __enter__(self) -> OidcProvider:
        self.port = free_port()
        if port_answers(self.port):
            raise RuntimeError(f"port {self.port} already answers; refusing to start")
        self.start([sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port)],
                   env={"PYTHONWARNINGS": "ignore"})
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited with {self.proc.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.metadata_url, timeout=2) as resp:
                    if json.loads(resp.read()).get("issuer"):
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass
            time.sleep(0.1)
        printed = self.output()
        self.stop()
        raise TimeoutError(f"the OIDC provider did not answer in {self.timeout_s} s:\n{printed}")

    def __exit__(self, *exc) -> None:
        self.stop()


def write_auth_secrets(path: Path, provider: OidcProvider, app_port: int) -> Path:
    """The app's [auth] section for `provider`, exactly as an organisation writes it for its own."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "saisaat-tests"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n', encoding="utf-8")
    return path
