"""Settings: where the ontology, data and queries live, which store to use, and limits.

Explicit values win; `Settings.from_env()` fills the rest from `GOVGRAPH_*` environment
variables, then from the project's settings file (`govgraph.toml`), then from defaults relative
to the project root. The ontology, shapes and saved queries come from the project folder when it
has them, else from the copies bundled with the installed package.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from govgraph.errors import InputError
from govgraph.rdf.namespaces import DEFAULT_BASE

StoreKind = Literal["memory", "oxigraph", "sparql"]
STORE_KINDS: tuple[str, ...] = ("memory", "oxigraph", "sparql")


SETTINGS_FILE = "govgraph.toml"
#: The ontology, shapes and saved queries shipped inside the package (symbolic links to the
#: repository's ontology/ and queries/ in a checkout, copies in an installed wheel).
BUNDLED = Path(__file__).resolve().parent / "bundled"


def find_project_root(environ: Mapping[str, str] | None = None) -> Path:
    """The project root: GOVGRAPH_ROOT if set, else the checkout holding server/govgraph (the
    Leicestershire Together project), else the current folder if it has a govgraph.toml."""
    env = os.environ if environ is None else environ
    if env.get("GOVGRAPH_ROOT"):
        return Path(env["GOVGRAPH_ROOT"]).resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / SETTINGS_FILE).is_file() or not (Path.cwd() / SETTINGS_FILE).is_file():
        return checkout
    return Path.cwd().resolve()


def project_file(root: Path, *parts: str) -> Path:
    """`root/parts` if the project has it, else the package's bundled copy."""
    own = root.joinpath(*parts)
    return own if own.exists() else BUNDLED.joinpath(*parts)


def read_settings_file(root: Path) -> dict[str, Any]:
    """The project's govgraph.toml as Settings fields ({} when there is none).

    Top level: name, base (IRI), licence, contact, description; `[limits]`: query_timeout,
    result_limit, max_change_triples, max_import_triples, max_workbook_bytes.
    """
    path = root / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the settings file ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: {exc}") from exc
    values: dict[str, Any] = {}
    for key, field_name in (("name", "name"), ("base", "base_iri"), ("licence", "licence"),
                            ("contact", "contact"), ("description", "description")):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise InputError(f"{path}: '{key}' must be a non-empty string")
            values[field_name] = data[key].strip()
    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        raise InputError(f"{path}: [limits] must be a table")
    for key, kind in LIMITS.items():
        if key in limits:
            if not isinstance(limits[key], int | float) or isinstance(limits[key], bool):
                raise InputError(f"{path}: limits.{key} must be a number")
            values[key] = kind(limits[key])
    unknown = sorted(set(data) - {"name", "base", "licence", "contact", "description", "limits"}
                     | {f"limits.{k}" for k in limits if k not in LIMITS})
    if unknown:
        raise InputError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    return values


WORDING: dict[str, str] = {"name": "govgraph", "description": "", "licence": "", "contact": "",
                           "base_iri": DEFAULT_BASE}
LIMITS: dict[str, type] = {"query_timeout": float, "result_limit": int,
                           "max_change_triples": int, "max_import_triples": int,
                           "max_workbook_bytes": int}


def parse_tokens(text: str, source: str = "GOVGRAPH_TOKENS") -> dict[str, str]:
    """Read `token:role` pairs, separated by commas or new lines; # starts a comment."""
    tokens: dict[str, str] = {}
    for raw in text.replace(",", "\n").splitlines():
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        token, sep, role = item.partition(":")
        if not sep or not token.strip() or not role.strip():
            raise InputError(f"{source}: expected 'token:role', got '{item}'")
        tokens[token.strip()] = role.strip()
    return tokens


@dataclass
class Settings:
    """Everything govgraph needs to know about where things are and how to serve them.

    `data_files` and `ontology_files` left as None take the project defaults
    (data/*.ttl; ontology/govgraph.ttl and ontology/vocab.ttl).
    """

    project_root: Path = field(default_factory=find_project_root)
    # Wording (None: from govgraph.toml, else the defaults in WORDING): the partnership's name
    # on every page, feed and export; a sentence about the graph; its licence; a contact.
    name: str | None = None
    description: str | None = None
    licence: str | None = None
    contact: str | None = None
    data_files: list[Path] | None = None
    ontology_files: list[Path] | None = None
    shapes_file: Path | None = None
    queries_dir: Path | None = None
    base_iri: str = None  # type: ignore[assignment]  # None: govgraph.toml's, else DEFAULT_BASE
    store: StoreKind = "oxigraph"
    store_path: Path | None = None
    query_endpoint: str | None = None
    update_endpoint: str | None = None
    store_user: str | None = None
    store_password: str | None = None
    store_auth: str = "basic"
    store_graph: str = ""  # the named graph of govgraph's data in the store ("": base + graph)
    graph_store_endpoint: str | None = None  # SPARQL 1.1 Graph Store HTTP Protocol, if offered
    query_timeout: float = 5.0
    result_limit: int = 10000
    tokens: dict[str, str] = field(default_factory=dict)
    state_dir: Path | None = None
    max_change_triples: int = 5000
    max_import_triples: int = 500000  # a proposal made by an importer (a whole structure)
    max_workbook_bytes: int = 100_000_000  # an .xlsx unpacked (its parts inflated: zip bombs)
    prevalidate: bool = False  # serve: validate the graph in the background at start
    secret_key: str | None = None  # signs session cookies (None: a key kept in the state folder)
    insecure_cookies: bool = False  # session cookie without Secure (plain HTTP, not localhost)
    snapshot_every: int = 0  # write a snapshot of the graph every N change sets (0: on demand)
    response_cache: int = 512  # saved-query answers kept per graph version (0: off)
    read_only: bool = False  # refuse every write (set for `serve --workers N` replicas)
    max_request_bytes: int = 4_000_000  # any request body (413 beyond)
    max_query_chars: int = 100_000  # SPARQL query text (a proposal's update: its own limit)
    max_query_depth: int = 64  # brackets nested in SPARQL text (Oxigraph overflows ~2,500)
    max_json_depth: int = 64  # arrays/objects nested in a JSON body
    service_allowlist: frozenset[str] = frozenset()  # SERVICE endpoints queries may name
    query_processes: int = 2  # persisted store: worker processes, killed at the time limit

    def __post_init__(self) -> None:
        self.project_root = Path(self.project_root)
        root = self.project_root
        from_file = read_settings_file(root)
        for key, default in WORDING.items():
            if getattr(self, key) is None:
                setattr(self, key, from_file.get(key, default))
        if self.data_files is None:
            self.data_files = sorted((root / "data").glob("*.ttl"))
        else:
            self.data_files = [Path(p) for p in self.data_files]
        if self.ontology_files is None:
            self.ontology_files = [project_file(root, "ontology", "govgraph.ttl"),
                                   project_file(root, "ontology", "vocab.ttl")]
        else:
            self.ontology_files = [Path(p) for p in self.ontology_files]
        self.shapes_file = Path(self.shapes_file or project_file(root, "ontology", "shapes.ttl"))
        self.queries_dir = Path(self.queries_dir or project_file(root, "queries"))
        if self.store_path is not None:
            self.store_path = Path(self.store_path)
        # proposals, change history and the graph of record once a change is approved
        state = self.state_dir or os.environ.get("GOVGRAPH_STATE_DIR") or root / "var"
        self.state_dir = Path(state)
        if self.store not in STORE_KINDS:
            raise InputError(f"store '{self.store}' is not one of: {', '.join(STORE_KINDS)}")
        if self.store == "sparql" and not self.query_endpoint:
            raise InputError("store 'sparql' needs a query endpoint (GOVGRAPH_QUERY_ENDPOINT)")
        if (self.store_user is None) != (self.store_password is None):
            raise InputError(
                "the store's credentials need both GOVGRAPH_STORE_USER and GOVGRAPH_STORE_PASSWORD"
            )
        self.store_graph = self.store_graph or f"{self.base_iri}graph"
        if self.store_auth not in ("basic", "digest"):
            raise InputError(f"store authentication '{self.store_auth}' is not basic or digest")
        if self.query_timeout <= 0:
            raise InputError("the query timeout must be a positive number of seconds")
        if self.result_limit <= 0:
            raise InputError("the result limit must be a positive number of rows")
        if self.response_cache < 0:
            raise InputError("the response cache size must be 0 (off) or a number of answers")
        if self.max_change_triples <= 0 or self.max_import_triples <= 0:
            raise InputError("the change size limits must be positive numbers of triples")
        for name in ("max_request_bytes", "max_query_chars", "max_query_depth", "max_json_depth",
                     "max_workbook_bytes"):
            if getattr(self, name) <= 0:
                raise InputError(f"GOVGRAPH_{name.upper()} must be a positive number")
        if self.query_processes < 0:
            raise InputError("GOVGRAPH_QUERY_PROCESSES must be 0 (threads) or more")
        self.service_allowlist = frozenset(self.service_allowlist)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from GOVGRAPH_* variables; keyword overrides (if not None) win."""
        env = os.environ if environ is None else environ
        root = Path(overrides["project_root"]) if overrides.get("project_root") else \
            find_project_root(env)
        values: dict[str, Any] = {"project_root": root, **{
            key: value for key, value in read_settings_file(root).items() if key in LIMITS}}
        if env.get("GOVGRAPH_STORE_SECRETS_FILE"):  # its credentials, unless set one by one
            values.update(read_store_secrets(Path(env["GOVGRAPH_STORE_SECRETS_FILE"])))
        for variable, name, read in ENVIRONMENT:
            if env.get(variable):
                values[name] = read(env, variable)
        if env.get("GOVGRAPH_SERVICE_ALLOWLIST"):
            values["service_allowlist"] = frozenset(
                env["GOVGRAPH_SERVICE_ALLOWLIST"].replace(",", " ").split())
        tokens: dict[str, str] = {}
        if env.get("GOVGRAPH_TOKENS_FILE"):
            path = Path(env["GOVGRAPH_TOKENS_FILE"])
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise InputError(f"{path}: cannot read the tokens file ({exc.strerror})") from exc
            tokens.update(parse_tokens(text, str(path)))
        if env.get("GOVGRAPH_TOKENS"):
            tokens.update(parse_tokens(env["GOVGRAPH_TOKENS"]))
        values["tokens"] = tokens
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)


def read_store_secrets(path: Path) -> dict[str, str]:
    """`user = NAME` / `password = SECRET` / `auth = basic|digest` lines of a secrets file
    (so the password is never on a command line); other lines are an error naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the store's secrets file ({exc.strerror})") from exc
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or key.strip() not in ("user", "password", "auth"):
            raise InputError(f"{path}, line {number}: expected user = …, password = … or "
                             "auth = basic|digest")
        values[f"store_{key.strip()}"] = value.strip()
    return values


def _number(env: Mapping[str, str], name: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(env[name])
    except ValueError as exc:
        raise InputError(f"{name}: '{env[name]}' is not a number") from exc


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env[name].strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise InputError(f"{name}: '{env[name]}' is not one of 1, 0, true, false, yes, no")


def _text(env: Mapping[str, str], name: str) -> str:
    return env[name]


def _path(env: Mapping[str, str], name: str) -> Path:
    return Path(env[name])


def _integer(env: Mapping[str, str], name: str) -> int:
    return _number(env, name, int)


def _seconds(env: Mapping[str, str], name: str) -> float:
    return _number(env, name, float)


#: (variable, setting, how its text is read): every plain GOVGRAPH_* setting, in one place
ENVIRONMENT: tuple[tuple[str, str, Callable[[Mapping[str, str], str], Any]], ...] = (
    ("GOVGRAPH_BASE", "base_iri", _text),
    ("GOVGRAPH_NAME", "name", _text),
    ("GOVGRAPH_STORE", "store", _text),
    ("GOVGRAPH_STORE_PATH", "store_path", _path),
    ("GOVGRAPH_QUERY_ENDPOINT", "query_endpoint", _text),
    ("GOVGRAPH_UPDATE_ENDPOINT", "update_endpoint", _text),
    ("GOVGRAPH_GRAPH_STORE_ENDPOINT", "graph_store_endpoint", _text),
    ("GOVGRAPH_STORE_GRAPH", "store_graph", _text),
    ("GOVGRAPH_STORE_USER", "store_user", _text),
    ("GOVGRAPH_STORE_PASSWORD", "store_password", _text),
    ("GOVGRAPH_STORE_AUTH", "store_auth", _text),
    ("GOVGRAPH_QUERY_TIMEOUT", "query_timeout", _seconds),
    ("GOVGRAPH_RESULT_LIMIT", "result_limit", _integer),
    ("GOVGRAPH_STATE_DIR", "state_dir", _path),
    ("GOVGRAPH_MAX_CHANGE_TRIPLES", "max_change_triples", _integer),
    ("GOVGRAPH_MAX_IMPORT_TRIPLES", "max_import_triples", _integer),
    ("GOVGRAPH_MAX_WORKBOOK_BYTES", "max_workbook_bytes", _integer),
    ("GOVGRAPH_RESPONSE_CACHE", "response_cache", _integer),
    ("GOVGRAPH_MAX_REQUEST_BYTES", "max_request_bytes", _integer),
    ("GOVGRAPH_MAX_QUERY_CHARS", "max_query_chars", _integer),
    ("GOVGRAPH_MAX_QUERY_DEPTH", "max_query_depth", _integer),
    ("GOVGRAPH_MAX_JSON_DEPTH", "max_json_depth", _integer),
    ("GOVGRAPH_QUERY_PROCESSES", "query_processes", _integer),
    ("GOVGRAPH_SNAPSHOT_EVERY", "snapshot_every", _integer),
    ("GOVGRAPH_PREVALIDATE", "prevalidate", _flag),
    ("GOVGRAPH_SECRET_KEY", "secret_key", _text),
    ("GOVGRAPH_INSECURE_COOKIES", "insecure_cookies", _flag),
)
