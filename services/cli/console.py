"""``dsr console``: serve the back-office web console; ``dsr console user add``: its staff."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from services.bootstrap import console as console_deps
from services.cli.context import pass_settings
from services.console.roles import Role
from services.runtime.settings import Settings

out = Console()


@click.group(invoke_without_command=True)
@click.option("--demo", is_flag=True,
              help="Fresh demo data under DSR_DATA_DIR/console-demo, one user per role, "
                   "every worker in-process (the embedded default).")
@click.pass_context
def console(ctx: click.Context, demo: bool) -> None:
    """Serve the console on DSR_CONSOLE_HOST:DSR_CONSOLE_PORT until Ctrl-C."""
    if ctx.invoked_subcommand is not None:
        return
    settings = ctx.ensure_object(Settings)
    if demo:
        from services.runtime.logging import configure_logging

        settings = _demo_settings(settings)
        configure_logging(settings.log_level, settings.log_json)
    serve(settings, demo)


def _demo_settings(settings: Settings) -> Settings:
    import shutil

    demo_dir = settings.data_dir / "console-demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    quiet = {} if "log_level" in settings.model_fields_set else {"log_level": "WARNING"}
    return settings.model_copy(update={"data_dir": demo_dir, "amqp_url": None,
                                       "database_url": None, **quiet})


def serve(settings: Settings, demo: bool) -> None:
    import uvicorn

    from services.console.app import create_app

    smsc = None
    if demo:
        from services.cli.demo import smsc_simulator

        smsc = smsc_simulator(out)
        if smsc is not None:  # gives up quickly: the demo shows a dead SMS at once
            settings = settings.model_copy(update={
                "smsc_host": "127.0.0.1", "smsc_port": smsc.port, "smsc_tps": 200.0,
                "smsc_receipts": False, "delivery_max_retries": 1,
                "delivery_min_backoff_ms": 50, "delivery_max_backoff_ms": 100})
    deps, app = console_deps(settings)
    if demo:
        from services.cli import console_demo as demo_data
        from services.console.ports import EmbeddedPublisher

        assert isinstance(deps.publisher, EmbeddedPublisher)
        out.print("filling the demo: a population and a few dozen requests …")
        demo_data.fill(app, deps.publisher)
        if smsc is not None:
            demo_data.undelivered(app, deps.publisher, smsc)
        demo_data.staff_users(deps.staff, app)
    scheme = "https" if settings.console_tls else "http"
    out.print(f"[bold]console[/] on {scheme}://{settings.console_host}:{settings.console_port}/")
    if demo:
        for username, _name, role, _lang in demo_data.DEMO_USERS:
            out.print(f"  sign in as [bold]{username}[/] ({role.value}), password "
                      f"[bold]{demo_data.DEMO_PASSWORD}[/]")
    try:
        uvicorn.run(create_app(deps), host=settings.console_host, port=settings.console_port,
                    log_level=settings.log_level.lower(),
                    ssl_certfile=settings.console_tls_cert_file,
                    ssl_keyfile=settings.console_tls_key_file)
    finally:
        deps.close()
        app.dispose()
        if smsc is not None:
            smsc.stop()


@console.group()
def user() -> None:
    """The console's staff users."""


@user.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name, shown in the console.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="agent: reads requests, attaches documents, the call list; reviewer: "
                   "identity and fulfilment decisions, restriction lifts; operator: dead "
                   "letters; mailroom: confirms the letters posted; dpo: all, plus the "
                   "dashboard and the register.")
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the password from this file; default: asked twice, not echoed.")
@pass_settings
def add(settings: Settings, username: str, full_name: str, role: str, language: str,
        password_file: Path | None) -> None:
    """Add a staff user who signs in to the console."""
    from services.bootstrap import staff_engine
    from services.console.repository import UserExists, add_user
    from services.runtime.clock import SystemClock

    password = (password_file.read_text().strip() if password_file else
                click.prompt("password", hide_input=True, confirmation_prompt=True))
    engine = staff_engine(settings)
    try:
        add_user(engine, username, full_name, Role(role), language, password,
                 SystemClock().now())
    except (UserExists, ValueError) as refused:
        raise click.ClickException(str(refused)) from refused
    finally:
        engine.dispose()
    out.print(f"added [bold]{username}[/] ({role}, {language})")
