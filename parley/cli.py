"""The ``parley`` command."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from parley.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    """Describe every sub-command and its flags."""
    parser = argparse.ArgumentParser(prog="parley", description=__doc__)
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument("--home", type=Path, help="data folder (default: $PARLEY_HOME or ./data)")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", parents=[home], help="run the ingest DAG once, now")
    run.add_argument("--sources", type=Path, help="sources TOML file (default: $PARLEY_SOURCES)")
    run.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL",
        help="poll just this feed (repeatable); overrides the sources file",
    )

    reprocess = commands.add_parser(
        "reprocess", parents=[home], help="re-extract and re-tag stored articles from their raw pages"
    )
    reprocess.add_argument("--source", help="only this source id (seeds: 'seed')")
    reprocess.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="published on or after")
    reprocess.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD", help="published on or before")

    tag = commands.add_parser("tag", parents=[home], help="print the entities and positions found in a text file")
    tag.add_argument("file", type=Path)
    tag.add_argument("--json", action="store_true", help="print JSON: {entities: [...], positions: [...]}")

    evaluate = commands.add_parser("eval", parents=[home], help="score entities or positions against a gold folder")
    evaluate.add_argument("kind", choices=["entities", "positions"])
    evaluate.add_argument(
        "--gold", type=Path, action="append", required=True, help="folder of NAME.txt + NAME.json pairs (repeatable)"
    )
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument(
        "--cv", type=int, metavar="K", help="positions: cross-validate, training on the other K-1 folds of documents"
    )
    evaluate.add_argument(
        "--model", type=Path, help="positions: score with this model folder (default: the shipped one)"
    )

    train = commands.add_parser("train", parents=[home], help="rebuild the positions scorer from gold folders")
    train.add_argument("kind", choices=["positions"])
    train.add_argument(
        "--gold", type=Path, action="append", required=True, help="folder of NAME.txt + NAME.json pairs (repeatable)"
    )
    train.add_argument("--cv", type=int, default=5, metavar="K", help="folds for calibration and the threshold")
    train.add_argument("--out", type=Path, help="model folder (default: transforms/models of this checkout)")

    sql = commands.add_parser("sql", parents=[home], help="run a read-only SQL query on the warehouse")
    sql.add_argument("query")
    sql.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    sql.add_argument("--parquet", type=Path, metavar="FILE", help="write the result to a Parquet file")

    search = commands.add_parser("search", parents=[home], help="full-text search of article titles and texts")
    search.add_argument("query")
    search.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    search.add_argument("--source", metavar="NAME", help="source id or name")
    search.add_argument("--limit", type=int, default=10)

    export = commands.add_parser("export", parents=[home], help="write every table as Parquet")
    export.add_argument("directory", type=Path)

    commands.add_parser("dq", parents=[home], help="latest quality verdict; exits 1 when it failed")
    dashboard = commands.add_parser(
        "dashboard", parents=[home], help="rebuild the positions dashboard now and print its path"
    )
    dashboard.add_argument("--open", action="store_true", help="open it in the default browser")
    commands.add_parser(
        "status", parents=[home], help="what is running, the last runs by stage, sources' health, the quality verdict"
    )

    airflow = commands.add_parser(
        "airflow",
        parents=[home],
        help="start Airflow for this data folder (scheduler, DAG processor, API server, triggerer); "
        "parley_ingest then runs on $PARLEY_SCHEDULE",
    )
    airflow.add_argument("--port", type=int, default=8080, help="API server and UI port (default 8080)")
    airflow.add_argument(
        "--host", default="127.0.0.1", help="address the UI and API listen on (default 127.0.0.1; 0.0.0.0 for all)"
    )
    airflow.add_argument("--sources", type=Path, help="sources TOML file (default: $PARLEY_SOURCES)")
    airflow.add_argument("--feed", action="append", default=[], metavar="URL", help="poll just this feed (repeatable)")

    sources = commands.add_parser("sources", parents=[home], help="list feed sources and their health")
    sources_commands = sources.add_subparsers(dest="action")
    resume = sources_commands.add_parser("resume", parents=[home], help="resume a paused source")
    resume.add_argument("source_id")

    quarantine = commands.add_parser(
        "quarantine", parents=[home], help="pages held back after a failure: list, release (load anyway) or drop"
    )
    quarantine_commands = quarantine.add_subparsers(dest="action")
    listing = quarantine_commands.add_parser("list", parents=[home], help="list held and failing pages (default)")
    listing.add_argument("--all", action="store_true", help="include released pages")
    for name, purpose in (
        ("release", "load a quarantined page anyway, bypassing the quality gate"),
        ("drop", "stop trying a page until its feed entry changes"),
    ):
        decision = quarantine_commands.add_parser(name, parents=[home], help=purpose)
        decision.add_argument("key", metavar="URL_OR_ARTICLE_ID")
        decision.add_argument("--reason", required=True, help="why (recorded in quarantine_decisions)")
        decision.add_argument("--by", default=None, help="who decides (default: the login name)")
    return parser


def settings_for(args: argparse.Namespace) -> Settings:
    """Apply command-line overrides to the environment's settings."""
    settings = Settings.from_env()
    changes: dict[str, object] = {}
    if getattr(args, "home", None):
        changes["home"] = args.home.resolve()
    if getattr(args, "sources", None):
        changes["sources_file"] = args.sources.resolve()
    if getattr(args, "feed", None):
        changes["feeds"] = tuple(args.feed)
    return settings.with_overrides(**changes) if changes else settings


def cmd_run(args: argparse.Namespace) -> int:
    """Run one ingest through the real DAG and print what it did."""
    from parley.airflow_runner import run_ingest_once
    from parley.console import captured_output, last_error
    from parley.locks import single_run
    from parley.progress import stage_progress
    from parley.report import format_run_report, read_run_report

    settings = settings_for(args)
    log_path = settings.home / "logs" / f"run-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    started = time.time()
    with (
        single_run(settings.home, "parley run"),
        captured_output(log_path) as terminal,
        stage_progress(settings.staging_dir, terminal),
    ):
        try:
            outcome = run_ingest_once(settings)
        except RuntimeError as exc:  # the DAG could not even start
            outcome = None
            failure = str(exc)
    if outcome is None:
        print(f"parley run: {failure} (full log: {log_path})", file=sys.stderr)
        return 1
    report = read_run_report(settings.warehouse_path, outcome.run_id)
    print(
        format_run_report(
            report,
            warehouse=settings.warehouse_path,
            data_docs=settings.data_docs_index,
            dashboard=settings.dashboard_index,
            dashboard_updated=_written_since(settings.dashboard_index.parent / "data" / "runs.js", started),
        )
    )
    if outcome.state != "success":
        why = last_error(log_path.read_text(encoding="utf-8", errors="replace")) or "see the log"
        failed = ", ".join(t for t, why in outcome.failed_tasks.items() if why != "upstream task failed")
        print(f"run {outcome.state}: {failed}: {why}", file=sys.stderr)
        print(f"full log: {log_path}", file=sys.stderr)
        return 1
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    """List sources with their health, or resume a paused one."""
    from parley.locks import warehouse_writer
    from parley.sources_cli import COLUMNS, format_table, source_health_rows
    from warehouse.db import connect
    from warehouse.load import resume_source
    from warehouse.publish import publish

    settings = settings_for(args)
    if getattr(args, "action", None) == "resume":
        if not settings.working_path.exists():
            print(f"parley sources: no warehouse at {settings.working_path}", file=sys.stderr)
            return 2
        with warehouse_writer(
            settings.home, f"resume source {args.source_id}", wait_seconds=settings.lock_wait_seconds
        ):
            with connect(settings.working_path) as con:
                if not resume_source(con, args.source_id):
                    print(f"parley sources: no source {args.source_id!r}", file=sys.stderr)
                    return 2
            publish(settings.working_path, settings.warehouse_path)
        print(f"resumed {args.source_id}: it is polled on the next run")
        return 0
    rows = source_health_rows(settings.warehouse_path)
    if not rows:
        print(f"no sources polled yet in {settings.warehouse_path}")
        return 0
    print(format_table(COLUMNS, rows))
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    """List the pages held back after failures, or release or drop one (the decision recorded)."""
    import getpass

    from parley.quarantine_cli import QuarantineError, decide, format_list, list_rows

    settings = settings_for(args)
    action = getattr(args, "action", None) or "list"
    if action == "list":
        print(format_list(list_rows(settings.warehouse_path, include_closed=getattr(args, "all", False))))
        return 0
    try:
        print(decide(settings, args.key, action, by=args.by or getpass.getuser(), reason=args.reason))
    except QuarantineError as exc:
        print(f"parley quarantine {action}: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Rebuild stored articles and their derived rows with the current code."""
    from parley.progress import item_progress
    from parley.reprocess import Selection, reprocess

    settings = settings_for(args)
    if not settings.working_path.exists():
        print(f"parley reprocess: no warehouse at {settings.working_path}", file=sys.stderr)
        return 2
    now = datetime.now(UTC)
    with item_progress("tagging articles") as on_progress:
        summary = reprocess(
            settings,
            Selection(args.source, args.since, args.until),
            run_id=f"reprocess__{now.isoformat(timespec='seconds')}",
            now=now,
            on_progress=on_progress,
        )
    print(
        f"reprocessed {summary['replaced']} of {summary['selected']} selected articles "
        f"({summary['mentions']} mentions) in {summary['seconds']} s"
    )
    for line in summary["errors"] + [f"{a}: failed a critical expectation" for a in summary["quarantined"]]:
        print(f"  kept the stored version of {line}")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    """Tag one text file with the pipeline's code."""
    import json

    from parley.analysis_cli import format_tagged, tag_file

    if not args.file.is_file():
        print(f"parley tag: no such file {args.file}", file=sys.stderr)
        return 2
    try:
        result = tag_file(args.file)
    except ValueError as exc:
        print(f"parley tag: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_tagged(result))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score against gold files."""
    from parley.analysis_cli import run_eval

    return run_eval(args.kind, args.gold, cv=args.cv, as_json=args.json, model=args.model)


def cmd_train(args: argparse.Namespace) -> int:
    """Rebuild the positions scorer from gold folders."""
    from parley.analysis_cli import run_train

    return run_train(args.gold, folds=args.cv, out=args.out)


def _published(settings: Settings, command: str) -> Path | None:
    if not settings.warehouse_path.exists():
        print(f"parley {command}: no warehouse at {settings.warehouse_path} (run `parley run` first)", file=sys.stderr)
        return None
    return settings.warehouse_path


def cmd_sql(args: argparse.Namespace) -> int:
    """Run a read-only query."""
    import duckdb

    from parley.warehouse_cli import run_sql
    from warehouse.db import ForbiddenStatement

    warehouse = _published(settings_for(args), "sql")
    if warehouse is None:
        return 2
    try:
        run_sql(warehouse, args.query, as_csv=args.csv, parquet=args.parquet)
    except ForbiddenStatement as exc:
        print(f"parley sql: {exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        print(f"parley sql: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Search articles."""
    from parley.warehouse_cli import run_search

    warehouse = _published(settings_for(args), "search")
    if warehouse is None:
        return 2
    run_search(warehouse, args.query, since=args.since, source=args.source, limit=args.limit)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export every table as Parquet."""
    from parley.warehouse_cli import export_tables

    warehouse = _published(settings_for(args), "export")
    if warehouse is None:
        return 2
    for path in export_tables(warehouse, args.directory):
        print(path)
    return 0


def cmd_dq(args: argparse.Namespace) -> int:
    """Print the latest quality verdict; exit 1 when it failed, so monitors can call it."""
    from parley.warehouse_cli import quality_report

    settings = settings_for(args)
    warehouse = _published(settings, "dq")
    if warehouse is None:
        return 2
    text, failed = quality_report(warehouse)
    print(text)
    print(f"\nData Docs: {settings.data_docs_index}")
    return 1 if failed else 0


def _written_since(path: Path, moment: float) -> bool:
    """Tell whether a file was written at or after ``moment`` (a build or refresh rewrites it)."""
    try:
        return path.stat().st_mtime >= moment - 1
    except OSError:
        return False


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Rebuild the dashboard from the published warehouse; print its path (and open it with --open)."""
    from warehouse.dashboard import build_dashboard

    settings = settings_for(args)
    warehouse = _published(settings, "dashboard")
    if warehouse is None:
        return 2
    report = build_dashboard(warehouse, settings.dashboard_index.parent, docs_site=settings.data_docs_index.parent)
    print(f"{report.index} ({report.bytes / 2**20:.1f} MB, built in {report.seconds:.1f} s)")
    if args.open:
        import webbrowser

        if not webbrowser.open(report.index.as_uri()):
            print("parley dashboard: no browser to open it with; open the path above", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print what is running, the last runs, the sources' health and the quality verdict; 1 if it failed."""
    from parley.status_cli import status_report

    settings = settings_for(args)
    text, failed = status_report(settings.home, settings.warehouse_path, settings.airflow_home, settings.schedule)
    print(text)
    return 1 if failed else 0


def cmd_airflow(args: argparse.Namespace) -> int:
    """Run Airflow (scheduler, DAG processor, API server, triggerer) for this data folder until stopped."""
    from parley.airflow_runner import standalone_environment
    from parley.service import PortTakenError, Supervisor, choose_ports, parallelism, running_service

    settings = settings_for(args)
    other = running_service(settings.airflow_home)
    if other:
        print(
            f"parley airflow: already running for {settings.home} (pid {other['pid']}, since {other['since']}, "
            f"port {other['ports']['api']}); stop it first",
            file=sys.stderr,
        )
        return 3
    try:
        ports = choose_ports(args.port, args.host, dict(os.environ))
    except PortTakenError as exc:
        print(f"parley airflow: {exc}", file=sys.stderr)
        return 2
    env = standalone_environment(settings, port=ports.api, host=args.host)
    env.update(ports.environment())
    env.setdefault("AIRFLOW__CORE__PARALLELISM", str(parallelism()))
    print(
        f"parley airflow: Airflow home {settings.airflow_home}; UI and API on {args.host}:{ports.api}; "
        f"log servers on {ports.worker_log} and {ports.trigger_log}; {env['AIRFLOW__CORE__PARALLELISM']} task slots",
        flush=True,
    )
    stop_timeout = float(os.environ.get("PARLEY_STOP_TIMEOUT_SECONDS", "30"))
    return Supervisor(settings, env, ports, args.host, stop_timeout=stop_timeout).run()


COMMANDS = {
    "status": cmd_status,
    "airflow": cmd_airflow,
    "sql": cmd_sql,
    "search": cmd_search,
    "export": cmd_export,
    "dq": cmd_dq,
    "dashboard": cmd_dashboard,
    "run": cmd_run,
    "reprocess": cmd_reprocess,
    "sources": cmd_sources,
    "quarantine": cmd_quarantine,
    "tag": cmd_tag,
    "eval": cmd_eval,
    "train": cmd_train,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``parley`` console script."""
    args = build_parser().parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from parley.locks import LockBusyError
    from parley.settings import SettingsError

    try:
        problem = _input_problem(args)
        if problem:
            print(f"parley {args.command}: {problem}", file=sys.stderr)
            return 2
        return COMMANDS[args.command](args)
    except LockBusyError as exc:  # another writer of this data folder: say who, do not show a traceback
        print(f"parley {args.command}: {exc}", file=sys.stderr)
        return 3
    except SettingsError as exc:
        print(f"parley {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`parley sql … | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(f"parley {args.command}: interrupted", file=sys.stderr)
        return 130


def _input_problem(args: argparse.Namespace) -> str | None:
    """Check the data folder a command uses (and the feeds it polls) before it touches anything."""
    from parley.checks import READERS, WRITERS, home_problem

    action = getattr(args, "action", None)
    command = action if action in {"resume", "release", "drop"} else args.command
    if command not in WRITERS | READERS:
        return None
    settings = settings_for(args)
    if command in {"run", "airflow"}:
        from ingest.sources import SourcesFileError
        from parley.pipeline import configured_sources

        try:
            configured_sources(settings)
        except SourcesFileError as exc:
            return str(exc)
    return home_problem(settings.home, write=command in WRITERS)


if __name__ == "__main__":
    raise SystemExit(main())
