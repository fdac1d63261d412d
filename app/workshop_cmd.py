"""`workshop`: start the Streamlit workshop UI on an embedded SQLite database (or a PostgreSQL server given by its
URL), behind an access code or, on a shared server, behind accounts (`workshop accounts add NAME --role ROLE`).

Before the server starts, the database is checked (a damaged one is refused, exit 2, never replaced) and so is the
operator's targets file; the app then gets its configuration through the environment, the access code only as a
hash. When the database holds enabled accounts, people log in with them instead of a code; without accounts the
server may listen only on a loopback address. The server runs app/workshop/server.py: the
app behind a guard on Streamlit's own HTTP endpoints, with every option that protects it given on its command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from assessors.sql_store import SqlStore

APP_SCRIPT = Path(__file__).parent / "workshop" / "server.py"  # main.py behind the guard of guard.py
DB_OPEN_WAIT_S = 2.0  # how long to wait for another program's lock before calling the database locked


MAX_UPLOAD_MB = 100  # an uploaded file (bundle archive, assessment file) larger than this is refused by the server
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def streamlit_command(port: int, host: str) -> list[str]:
    """`streamlit run` on the app, headless and without telemetry (workshops run on closed networks); errors that
    escape the app's own messages show no details in the page.

    Every option that guards the server is given here, so a `.streamlit/config.toml` or `STREAMLIT_*` variable
    where the command runs cannot weaken it: no agent API and no static file serving, XSRF and CORS protection on,
    uploads capped. On a loopback address only requests naming this machine are served, so a web page elsewhere
    cannot reach the workshop through a visitor's browser by pointing its own name at 127.0.0.1 (DNS rebinding)."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--server.enableAgentApi", "false",
        "--server.enableStaticServing", "false",
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--client.showErrorDetails", "none",
        # Streamlit collects garbage over the whole heap after every run: with both parts and a bundle loaded that is
        # ~230 ms of every click; Python's own generational collector still runs
        "--runner.postScriptGC", "false",
    ]  # fmt: skip
    from app.workshop.access import is_loopback

    if is_loopback(host):
        for name in dict.fromkeys((*LOOPBACK_HOSTS, host.strip().strip("[]").lower())):
            command += ["--server.allowedHosts", name]
    return command


_NEED_ACCOUNTS = (
    "Create accounts first (mlops-maturity workshop accounts add NAME --role facilitator --db ...), "
    "or use a loopback --host (127.0.0.1, ::1, localhost)."
)


def _refuse(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _operator_code(env_name: str | None, file: Path | None) -> str | None:
    """The access code the operator gave (None: none given); refused when unset, unreadable or too short."""
    from app.workshop.access import MIN_LENGTH

    if env_name:
        code, where = os.environ.get(env_name, "").strip(), f"environment variable {env_name}"
    elif file is not None:
        try:
            code, where = file.expanduser().read_text(encoding="utf-8").strip(), str(file)
        except (OSError, UnicodeDecodeError) as exc:
            _refuse(f"cannot read the access code from {file}: {getattr(exc, 'strerror', None) or exc}")
    else:
        return None
    if len(code) < MIN_LENGTH:
        _refuse(
            f"the access code in {where} is {'empty' if not code else 'too short'} (at least {MIN_LENGTH} characters)"
        )
    return code


def _check_database(db: Path | str) -> SqlStore:
    """Open the database once (creating or upgrading its schema); its `location` is where it is, as shown to people
    (a server's URL without its password); a database that cannot be used is refused, exit 2, with no traceback."""
    from assessors.sql_open import open_store
    from assessors.store import DatabaseProblem

    try:
        return open_store(db, open_wait_s=DB_OPEN_WAIT_S)
    except DatabaseProblem as exc:
        _refuse(f"{exc}\nThe database is left as it is: repair or move it, or name another database with --db.")


def _check_targets(targets: Path) -> None:
    from app.workshop.targets import TargetsProblem, operator_targets

    try:
        operator_targets(targets)
    except TargetsProblem as exc:
        _refuse(f"the targets file cannot be used: {exc}")


def workshop(
    ctx: typer.Context,
    db: Annotated[
        str,
        typer.Option(
            "--db",
            help="SQLite database file (created when missing), or a PostgreSQL database as "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE (its tables are created when missing; the password may "
            "instead come from PGPASSWORD or ~/.pgpass); shown in the UI without the password.",
        ),
    ] = "workshop.sqlite",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8501,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")] = (
        "127.0.0.1"
    ),
    access_code_env: Annotated[
        str | None,
        typer.Option("--access-code-env", metavar="NAME", help="Take the access code from this environment variable."),
    ] = None,
    access_code_file: Annotated[
        Path | None, typer.Option("--access-code-file", metavar="FILE", help="Take the access code from this file.")
    ] = None,
    no_access_code: Annotated[
        bool,
        typer.Option("--no-access-code", help="Open without an access code (only with a loopback --host)."),
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            metavar="DIR",
            help="Folder for the workshop's evidence bundles (default: beside a SQLite file, as DB.data; needed with a "
            "PostgreSQL database).",
        ),
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option(
            "--targets",
            metavar="FILE",
            help="Targets file the evidence page may run the collectors on (read-only there; its credentials come "
            "from this server's environment or files).",
        ),
    ] = None,
    session_hours: Annotated[
        float,
        typer.Option(
            "--session-hours", min=0.001, help="With accounts: how long a login lasts before it is asked again."
        ),
    ] = 8.0,
) -> None:
    """Start the workshop UI: create or open an assessment and answer it together; every change is saved at once.

    Each browser enters the access code (random and printed here, unless given with --access-code-env or
    --access-code-file) and a name once; a signed cookie then lets its reloads and other tabs in until the person
    leaves, 12 hours pass or the server restarts. When the database holds accounts, each person logs in with their
    own instead (a login lasts --session-hours); on another than a loopback address accounts are required."""
    if ctx.invoked_subcommand is not None:
        return  # `workshop accounts ...`
    from app.workshop import access
    from app.workshop.config import ACCESS_ENV, ACCOUNTS, DATA_ENV, DB_ENV, OPEN, SESSION_ENV, TARGETS_ENV, ServerConfig
    from assessors.pg_url import is_postgres_url, parse, without_password

    if sum((access_code_env is not None, access_code_file is not None, no_access_code)) > 1:
        _refuse("choose one of --access-code-env, --access-code-file and --no-access-code")
    if no_access_code and not access.is_loopback(host):
        _refuse(
            f"--no-access-code is refused with --host {host}: anyone who can reach it could open every assessment. "
            "Use a loopback --host (127.0.0.1, ::1, localhost), or an access code."
        )
    given = _operator_code(access_code_env, access_code_file)
    if is_postgres_url(db):
        if data_dir is None:
            _refuse("a PostgreSQL database needs --data-dir: the folder on this machine for the evidence bundles")
        store = _check_database(db)
        shown, db_shown = store.location, without_password(db)
    else:
        if not access.is_loopback(host) and not Path(db).expanduser().exists():
            _refuse(f"--host {host} is refused: {db} does not exist yet, so it has no accounts. {_NEED_ACCOUNTS}")
        store = _check_database(Path(db).expanduser())  # before resolving: a link to a missing file is refused
        db_shown = shown = str(Path(db).expanduser().resolve())
    accounts = store.has_accounts()
    if not accounts and not access.is_loopback(host):
        _refuse(
            f"--host {host} is refused: the database has no accounts, so anyone who reaches the server could open, "
            f"change and sign every assessment. {_NEED_ACCOUNTS}"
        )
    if accounts and (access_code_env is not None or access_code_file is not None or no_access_code):
        _refuse("the database has accounts: people log in with them, so no access code option applies")
    data_path = data_dir.expanduser().resolve() if data_dir is not None else None
    targets_path = targets.expanduser().resolve() if targets is not None else None
    if targets_path is not None:
        _check_targets(targets_path)
    code = None if no_access_code or accounts else (given or access.new_code())
    code_hash = ACCOUNTS if accounts else OPEN if code is None else access.hash_code(code)
    config = ServerConfig(
        db=db_shown, access=code_hash, session_s=session_hours * 3600, targets=targets_path, data=data_path
    )
    hidden = {
        DB_ENV,
        ACCESS_ENV,
        TARGETS_ENV,
        DATA_ENV,
        SESSION_ENV,
        access_code_env,
    }  # the server sees the code only as its hash
    env = {k: v for k, v in os.environ.items() if k not in hidden} | config.environment()
    if is_postgres_url(db):  # the server gets the URL without the password, which reaches it as libpq's PGPASSWORD
        password = parse(db).password
        if password is not None:
            env["PGPASSWORD"] = password
    # Clients are told apart by their connection's address (app/workshop/throttle.py): a forwarded-for header is
    # believed from no one, not even from this machine, unless the operator names a proxy in FORWARDED_ALLOW_IPS.
    env.setdefault("FORWARDED_ALLOW_IPS", "")

    typer.echo(f"workshop on http://{host}:{port}  (database {shown})", err=True)
    if accounts:
        typer.echo(f"accounts: each person logs in with their own (a login lasts {session_hours:g} h)", err=True)
    elif code is None:
        typer.echo("no access code: anyone using this machine can open the workshop (loopback address only)", err=True)
    elif given is None:
        typer.echo(f"access code: {code}", err=True)
    else:
        typer.echo("access code: the one given with --access-code-env/--access-code-file", err=True)
    if targets_path is not None:
        typer.echo(f"targets file: {targets_path}", err=True)
    command = streamlit_command(port, host)
    if os.name == "posix":
        os.execve(sys.executable, command, env)  # the server replaces this process: signals reach it directly
    raise typer.Exit(subprocess.call(command, env=env))


# --- accounts ------------------------------------------------------------------------------------------------------

DbOption = Annotated[
    str,
    typer.Option("--db", help="The workshop's database: a SQLite file or a postgresql:// URL (as for `workshop`)."),
]
PasswordEnv = Annotated[
    str | None,
    typer.Option(
        "--password-env",
        metavar="NAME",
        help="Read the password from this environment variable (else it is asked for, twice, without echo).",
    ),
]

accounts_app = typer.Typer(
    help="Accounts of a shared workshop server: with any enabled account, people log in by account and role.",
    no_args_is_help=True,
)


def _store(db: str) -> SqlStore:
    from assessors.pg_url import is_postgres_url

    return _check_database(db if is_postgres_url(db) else Path(db).expanduser())


def _password(env_name: str | None) -> str:
    """The new password: from the named environment variable, or typed at a prompt (never a command argument)."""
    if env_name:
        value = os.environ.get(env_name)
        if not value:
            _refuse(f"the environment variable {env_name} is not set or empty")
        return value
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@accounts_app.command("add")
def accounts_add(
    name: Annotated[str, typer.Argument(help="The account's name, as the audit trail will show it.")],
    role: Annotated[
        str, typer.Option("--role", help="facilitator, participant, auditor or viewer.", show_default=False)
    ],
    db: DbOption = "workshop.sqlite",
    password_env: PasswordEnv = None,
) -> None:
    """Create an account (its password is stored only as a bcrypt hash)."""
    from assessors.accounts import AccountProblem, check_name, check_role, hash_password

    try:
        check_name(name)
        check_role(role)
        hashed = hash_password(_password(password_env))
        account = _store(db).add_account(name, role, hashed)
    except AccountProblem as exc:
        _refuse(str(exc))
    typer.echo(f"account {account.name} ({account.role}) created")


@accounts_app.command("list")
def accounts_list(db: DbOption = "workshop.sqlite") -> None:
    """List the accounts: name, role, enabled or disabled, created."""
    for account in _store(db).accounts():
        state = "disabled" if account.disabled else "enabled"
        typer.echo(f"{account.name}\t{account.role}\t{state}\t{account.created_at:%Y-%m-%d %H:%M}")


def _change(db: str, name: str, what: str, change: Callable[[SqlStore], None]) -> None:
    from assessors.accounts import AccountProblem

    try:
        change(_store(db))
    except AccountProblem as exc:
        _refuse(str(exc))
    typer.echo(f"account {name} {what}")


@accounts_app.command("disable")
def accounts_disable(name: str, db: DbOption = "workshop.sqlite") -> None:
    """Disable an account: its sessions are refused at their next action."""
    _change(db, name, "disabled", lambda store: store.set_account_disabled(name, True))


@accounts_app.command("enable")
def accounts_enable(name: str, db: DbOption = "workshop.sqlite") -> None:
    """Enable a disabled account again."""
    _change(db, name, "enabled", lambda store: store.set_account_disabled(name, False))


@accounts_app.command("role")
def accounts_role(
    name: str,
    role: Annotated[str, typer.Option("--role", help="The new role.", show_default=False)],
    db: DbOption = "workshop.sqlite",
) -> None:
    """Give an account another role (its open sessions get it at their next action)."""
    _change(db, name, f"is now {role}", lambda store: store.set_account_role(name, role))


@accounts_app.command("password")
def accounts_password(name: str, db: DbOption = "workshop.sqlite", password_env: PasswordEnv = None) -> None:
    """Set a new password for an account."""
    from assessors.accounts import AccountProblem, hash_password

    try:
        hashed = hash_password(_password(password_env))
    except AccountProblem as exc:
        _refuse(str(exc))
    _change(db, name, "has a new password", lambda store: store.set_account_password(name, hashed))


# `workshop` as a command group (app/cli.py mounts it): serving is its default, `workshop accounts ...` the accounts.
app = typer.Typer(help="Start the workshop UI, or manage its accounts.")
app.callback(invoke_without_command=True)(workshop)
app.add_typer(accounts_app, name="accounts")

if __name__ == "__main__":
    app()
