"""The `govgraph` command: validate the graph, serve it, run saved queries, check changes.

A thin shell over the domain modules. Every GovgraphError ends as a one-line message on
stderr and an exit code, never a traceback: 2 for bad input (a malformed or missing file, an
unknown query or parameter), 1 for anything else that went wrong.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govgraph import __version__, exporters, importers, project
from govgraph.config import Settings
from govgraph.errors import GovgraphError, InputError
from govgraph.rdf.namespaces import prefixed
from govgraph.workflow import accounts
from govgraph.workflow.record import cli as record_cli

if TYPE_CHECKING:
    from govgraph.validation.validate import ValidationReport

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    # rdflib logs a stack trace for each ill-typed literal; the shapes report them readably.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.run(args)
    except GovgraphError as exc:
        print(f"govgraph: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each subcommand's `run` function is set as its default, and the
    accounts, init, import, export and record commands come from their own modules."""
    parser = argparse.ArgumentParser(
        prog="govgraph",
        description="A governance knowledge graph: validate it, serve it, query it.",
    )
    parser.add_argument("--version", action="version", version=f"govgraph {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check the graph against the SHACL shapes",
        description=(
            "SHACL-validate the bundled graph (ontology, vocabularies and data/*.ttl), or the "
            "given Turtle/TriG files together with the ontology. Exit 0 if it conforms "
            "(warnings allowed), 1 if there are violations, 2 if a file cannot be read or parsed."
        ),
    )
    validate.add_argument("files", nargs="*", metavar="FILE", help="Turtle (.ttl) or TriG files")
    validate.add_argument(
        "--shapes", metavar="SHAPES",
        help="validate the FILEs alone (no ontology) against these SHACL shapes instead")
    validate.add_argument("--format", choices=("human", "json"), default="human")
    validate.add_argument(
        "--engine", choices=("oxigraph", "pyshacl"), default="oxigraph",
        help="oxigraph: the shapes compiled to SPARQL in Oxigraph (fast, the default); "
             "pyshacl: the reference implementation (slow on large graphs)")
    validate.set_defaults(run=run_validate)

    serve = commands.add_parser(
        "serve",
        help="serve the web app and SPARQL endpoint",
        description=(
            "Serve the web app on the embedded store loaded with the bundled graph, or on a "
            "remote SPARQL 1.1 store (--store sparql with --query-endpoint)."
        ),
    )
    serve.add_argument("--root", type=Path, default=None, metavar="DIR",
                       help="the project folder (govgraph init); default GOVGRAPH_ROOT")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--store", choices=("memory", "oxigraph", "sparql"), default=None)
    serve.add_argument("--query-endpoint", metavar="URL", default=None)
    serve.add_argument("--update-endpoint", metavar="URL", default=None)
    serve.add_argument(
        "--store-path", metavar="DIR", type=Path, default=None,
        help="keep the embedded store in this folder, so a restart does not re-parse the data",
    )
    serve.add_argument(
        "--workers", type=int, default=1, metavar="N",
        help="serve with N processes (gunicorn), each with the persisted store (--store-path) "
        "open read-only: reads scale with the CPUs, and every write (proposals, approvals, "
        "SPARQL Update) is refused with 403 while they run. Default 1: one process that "
        "reads and writes",
    )
    serve.add_argument(
        "--prevalidate", action="store_true",
        help="validate the whole graph in the background as the server starts, so the first "
        "change check is quick (it slows requests meanwhile; also GOVGRAPH_PREVALIDATE=1). "
        "Without it the change checker is built on the first change request",
    )
    serve.set_defaults(run=run_serve)

    query = commands.add_parser(
        "query",
        help="run a saved query (no NAME lists them)",
        description="Run a saved query from queries/NAME.rq on the bundled graph.",
    )
    query.add_argument("name", nargs="?", metavar="NAME")
    query.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter, e.g. -p body=https://w3id.org/govgraph/id/body/ssog",
    )
    query.add_argument("--format", choices=("table", "json", "csv"), default="table")
    query.set_defaults(run=run_query)

    change = commands.add_parser("change", help="work with proposed structure changes")
    change_commands = change.add_subparsers(title="change commands", metavar="COMMAND")
    check = change_commands.add_parser(
        "check",
        help="check a proposed change against the current graph",
        description=(
            "Validate a proposed change (SPARQL Update, JSON with add/remove Turtle, or JSON or "
            "YAML structure operations) against the current graph and print the report and its "
            "impact. Exit 0 if the result would conform, 1 if not, 2 if the file is malformed."
        ),
    )
    check.add_argument("file", metavar="FILE")
    check.add_argument("--format", choices=("human", "json"), default="human")
    check.set_defaults(run=run_change_check)
    for module in (accounts, project, importers, exporters):
        module.add_parser(commands)
    record_cli.add_parser(commands)
    return parser


# --- validate --------------------------------------------------------------------------------


def run_validate(args: argparse.Namespace) -> int:
    """`govgraph validate`: exit 0 if the graph (or the given files) conforms, 1 if it has
    violations."""
    from govgraph.rdf.loading import load_graph
    from govgraph.validation.validate import load_shapes, validate

    if args.shapes:
        from govgraph.validation.validate import load_any_shapes

        shapes, data = load_any_shapes(args.shapes, args.files)
    else:
        settings = Settings.from_env()
        if args.files:
            settings = dataclasses.replace(settings, data_files=[Path(f) for f in args.files])
        data, shapes = load_graph(settings), load_shapes(settings)
    report = validate(data, shapes, engine=args.engine)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(human_report(report), end="")
    return EXIT_OK if report.conforms else EXIT_FAILED


def human_report(report: ValidationReport) -> str:
    """One block per result (severity, focus node label and IRI, path, message), then a summary."""
    blocks = []
    for result in report.results:
        node = result.focus_node
        shown = "(a blank node)" if node.startswith("_:") else f"<{node}>"
        lines = [f"{result.severity}: {result.focus_label} {shown}"]
        if result.path:
            lines.append(f"  path:    {prefixed(result.path)}")
        if result.value:
            lines.append(f"  value:   {prefixed(result.value)}")
        lines.append(f"  message: {result.message}")
        lines.append(f"  shape:   {prefixed(result.shape)}")
        blocks.append("\n".join(lines) + "\n")
    violations = report.count("Violation")
    warnings = report.count("Warning")
    summary = f"{plural(violations, 'violation')}, {plural(warnings, 'warning')}"
    infos = report.count("Info")
    if infos:
        summary += f", {plural(infos, 'note')}"
    return "\n".join([*blocks, summary + "\n"])


def plural(count: int, noun: str) -> str:
    """`count` and `noun`, with an 's' unless the count is one."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- serve -----------------------------------------------------------------------------------


def run_serve(args: argparse.Namespace) -> int:
    """`govgraph serve`: one process on waitress, or read-only gunicorn workers with `--workers N`;
    raises GovgraphError if the port cannot be bound."""
    from waitress import serve

    from govgraph.pages.prepared import folder_beside, prepare_in_background
    from govgraph.web import context_of, create_app

    settings = Settings.from_env(
        project_root=args.root,
        store=args.store,
        store_path=args.store_path,
        query_endpoint=args.query_endpoint,
        update_endpoint=args.update_endpoint,
        prevalidate=args.prevalidate or None,
    )
    if args.workers < 1:
        raise InputError("--workers must be 1 or more")
    if args.workers > 1:
        return serve_replicas(settings, args.host, args.port, args.workers)
    app = create_app(settings)
    prepare_in_background(context_of(app).store, folder_beside(settings.store_path))
    if settings.prevalidate:
        start_prevalidation(app)
    print(
        f"govgraph: serving on http://{args.host}:{args.port}/ "
        f"(store: {settings.store}); press Ctrl+C to stop",
        file=sys.stderr,
    )
    try:
        # 8 threads: a few clients each holding one (e.g. with slow queries) leave the rest free
        serve(app, host=args.host, port=args.port, threads=8)
    except OSError as exc:
        raise GovgraphError(f"cannot listen on {args.host}:{args.port} ({exc.strerror})") from exc
    return EXIT_OK


def serve_replicas(settings: Settings, host: str, port: int, workers: int) -> int:
    """Serve with `workers` pre-forked processes, each with the persisted store open read-only.

    This process first opens the store as its writer (loading the bundled data on a first
    start, finishing any interrupted approval), closes it, then holds the folder's shared lock
    while the workers run, so no writer can open the folder under them.
    """
    import gc

    from gunicorn.app.base import BaseApplication

    from govgraph.files import folder_lock
    from govgraph.store import open_store
    from govgraph.store.embedded import EmbeddedStore
    from govgraph.web import create_app
    from govgraph.workflow.workflow import Workflow

    if settings.store != "oxigraph" or settings.store_path is None:
        raise InputError("--workers needs a persisted store: --store oxigraph --store-path DIR "
                         "(or GOVGRAPH_STORE_PATH)")
    store = open_store(settings)
    Workflow.open(settings, store)
    assert isinstance(store, EmbeddedStore)
    store.close(wait=True)
    lock = folder_lock(settings.store_path, shared=True)  # at once: no writer in between
    del store
    gc.collect()
    replica = dataclasses.replace(settings, read_only=True)
    options = {
        "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": 4,
        "timeout": int(settings.query_timeout * 2 + 30), "keepalive": 5,
        "accesslog": None, "errorlog": "-", "loglevel": "warning", "proc_name": "govgraph",
        "worker_exit": _worker_exit,
    }

    class Replicas(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from govgraph.pages.prepared import folder_beside, prepare_in_background
            from govgraph.web import context_of

            app = create_app(replica)
            prepare_in_background(context_of(app).store, folder_beside(replica.store_path))
            return app

    print(f"govgraph: serving on http://{host}:{port}/ with {workers} read-only workers "
          f"(store: {settings.store_path}); press Ctrl+C to stop", file=sys.stderr)
    try:
        Replicas().run()
    finally:
        lock.close()
    return EXIT_OK


def _worker_exit(server: Any, worker: Any) -> None:
    """End a worker at once once gunicorn has finished its requests: its store is read-only
    (nothing to flush), and the interpreter's own teardown hangs for the graceful timeout."""
    import os

    logging.shutdown()
    sys.stderr.flush()
    os._exit(0)


def start_prevalidation(app: Any) -> threading.Thread:
    """Build the change checker and validate the whole graph in a background thread, so the
    first change check is quick (it competes with requests for the CPU meanwhile)."""
    from govgraph.web import context_of

    def warm() -> None:
        try:
            context_of(app).workflow.checker.warm()
        except GovgraphError as exc:  # the first check will report it to its user
            logging.getLogger("govgraph").warning("could not pre-validate the graph: %s", exc)

    thread = threading.Thread(target=warm, name="govgraph-warm-checker", daemon=True)
    thread.start()
    return thread


# --- query -----------------------------------------------------------------------------------


def run_query(args: argparse.Namespace) -> int:
    """`govgraph query [NAME]`: list the saved queries, or run one and print its answer."""
    from govgraph.queries.library import QueryLibrary
    from govgraph.queries.running import run_saved_query
    from govgraph.sparql import results
    from govgraph.store import open_store

    settings = Settings.from_env()
    library = QueryLibrary(settings.queries_dir or settings.project_root / "queries")
    if args.name is None:
        for saved in library.all():
            print(f"{saved.name:28} {saved.summary}")
        return EXIT_OK
    params = parse_params(args.param)
    saved = library.get(args.name)
    store = open_store(settings)
    result = run_saved_query(store, saved, params, timeout=settings.query_timeout)
    writers = {"table": results.to_table, "json": results.to_json, "csv": results.to_csv}
    text = writers[args.format](result)
    print(text, end="" if text.endswith("\n") else "\n")
    return EXIT_OK


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """`-p KEY=VALUE` options as a mapping; raises InputError for one without '='."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"parameter '{pair}' must be written KEY=VALUE")
        params[key.strip()] = value
    return params


# --- change check ----------------------------------------------------------------------------


def run_change_check(args: argparse.Namespace) -> int:
    """`govgraph change check FILE`: the check's report and impact; the exit code says whether the
    change would conform."""
    from govgraph.workflow.workflow import check_change_file

    code, text = check_change_file(args.file, Settings.from_env(), as_json=args.format == "json")
    print(text, file=sys.stderr if code == EXIT_BAD_INPUT and args.format != "json" else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
