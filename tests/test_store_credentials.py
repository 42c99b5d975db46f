"""Credentials for a remote store: settings pass them on, and the server sees them.

A small SPARQL endpoint on 127.0.0.1 answers `ASK {}` only with the right Basic or Digest
credentials, like Virtuoso's /sparql-auth.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govgraph.config import Settings
from govgraph.errors import GovgraphError, InputError
from govgraph.store import open_store
from govgraph.store.remote import SparqlStore

USER, PASSWORD, REALM, NONCE = "govgraph", "s3cret", "SPARQL", "abc123"


def _digest_ok(header: str, method: str, user: str = USER, password: str = PASSWORD) -> bool:
    fields = dict(
        part.strip().split("=", 1) for part in header[len("Digest "):].split(",") if "=" in part
    )
    fields = {key: value.strip('"') for key, value in fields.items()}
    ha1 = hashlib.md5(f"{user}:{REALM}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{fields.get('uri', '')}".encode()).hexdigest()
    if "qop" in fields:
        text = f"{ha1}:{NONCE}:{fields['nc']}:{fields['cnonce']}:{fields['qop']}:{ha2}"
    else:
        text = f"{ha1}:{NONCE}:{ha2}"
    return fields.get("response") == hashlib.md5(text.encode()).hexdigest()


class _Endpoint(BaseHTTPRequestHandler):
    scheme = "basic"
    user, password = USER, PASSWORD

    def do_POST(self) -> None:  # noqa: N802 - the http.server naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization", "")
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            allowed = header == f"Basic {token}"
            challenge = f'Basic realm="{REALM}"'
        else:
            allowed = header.startswith("Digest ") and _digest_ok(header, "POST", self.user,
                                                                  self.password)
            challenge = f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth"'
        if not allowed:
            self.send_response(401)
            self.send_header("WWW-Authenticate", challenge)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"head": {}, "boolean": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _serving(scheme: str, user: str = USER, password: str = PASSWORD) -> Iterator[str]:
    handler = type("Handler", (_Endpoint,), {"scheme": scheme, "user": user,
                                             "password": password})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql-auth"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["basic", "digest"])
def endpoint(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    with _serving(request.param) as url:
        yield url, request.param


def test_credentials_from_the_environment_reach_the_server(endpoint: tuple[str, str]) -> None:
    url, scheme = endpoint
    env = {
        "GOVGRAPH_STORE": "sparql",
        "GOVGRAPH_QUERY_ENDPOINT": url,
        "GOVGRAPH_STORE_USER": USER,
        "GOVGRAPH_STORE_PASSWORD": PASSWORD,
        "GOVGRAPH_STORE_AUTH": scheme,
    }
    store = open_store(Settings.from_env(env))  # asks the server whether it is empty
    assert isinstance(store, SparqlStore)
    assert store.query("ASK {}").boolean is True


def test_wrong_or_missing_credentials_are_refused_clearly(endpoint: tuple[str, str]) -> None:
    url, scheme = endpoint
    for env in (
        {"GOVGRAPH_STORE_USER": USER, "GOVGRAPH_STORE_PASSWORD": "wrong"},
        {},
    ):
        settings = Settings.from_env(
            {"GOVGRAPH_STORE": "sparql", "GOVGRAPH_QUERY_ENDPOINT": url,
             "GOVGRAPH_STORE_AUTH": scheme, **env}
        )
        with pytest.raises(GovgraphError, match="refused|401|Unauthorized"):
            open_store(settings)


def test_each_store_answers_digest_with_its_own_credentials_and_no_one_else_does() -> None:
    # SPARQLWrapper alone installs one Digest opener for the whole process: the second
    # store's credentials would replace the first's, and any later request would use them
    with _serving("digest") as first_url, _serving("digest", "other", "pa55") as second_url:
        first = SparqlStore(first_url, credentials=(USER, PASSWORD), auth="digest")
        second = SparqlStore(second_url, credentials=("other", "pa55"), auth="digest")
        assert first.query("ASK {}").boolean is True
        assert second.query("ASK {}").boolean is True
        assert first.query("ASK {}").boolean is True
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(first_url, data=b"query=ASK%20%7B%7D", timeout=10)
        assert refused.value.code == 401


def test_half_a_credential_or_an_unknown_scheme_is_an_error() -> None:
    base = {"GOVGRAPH_STORE": "sparql", "GOVGRAPH_QUERY_ENDPOINT": "http://127.0.0.1:1/sparql"}
    with pytest.raises(InputError, match="GOVGRAPH_STORE_PASSWORD"):
        Settings.from_env({**base, "GOVGRAPH_STORE_USER": USER})
    with pytest.raises(InputError, match="kerberos"):
        Settings.from_env({**base, "GOVGRAPH_STORE_AUTH": "kerberos"})


def test_credentials_come_from_a_secrets_file(tmp_path):
    secrets = tmp_path / "store-secrets"
    secrets.write_text(f"# the store's account\nuser = {USER}\npassword = {PASSWORD}\n"
                       "auth = digest\n", encoding="utf-8")
    settings = Settings.from_env({"GOVGRAPH_STORE": "sparql",
                                  "GOVGRAPH_QUERY_ENDPOINT": "http://127.0.0.1:1/sparql",
                                  "GOVGRAPH_STORE_SECRETS_FILE": str(secrets)})
    assert (settings.store_user, settings.store_password, settings.store_auth) == (
        USER, PASSWORD, "digest")
    assert PASSWORD not in repr(SparqlStore(settings.query_endpoint,
                                            credentials=(USER, PASSWORD)))


def test_a_malformed_secrets_file_is_named_with_its_line(tmp_path):
    secrets = tmp_path / "store-secrets"
    secrets.write_text(f"user = {USER}\ntoken {PASSWORD}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"store-secrets, line 2"):
        Settings.from_env({"GOVGRAPH_STORE_SECRETS_FILE": str(secrets)})
