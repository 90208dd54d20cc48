"""``dsr package open``: the customer-service desk opens an access package with the code the
customer received by SMS."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from services.access_package.builder import package_directory
from services.access_package.opening import PackageRefused, open_package
from services.cli import clients
from services.cli.context import pass_settings
from services.runtime.settings import Settings

console = Console()


@click.group()
def package() -> None:
    """Access packages (rulebook §6): sealed under DSR_DATA_DIR/packages/."""


@package.command("open")
@click.argument("reference")
@click.option("--code", required=True, help="The one-time code sent to the customer by SMS.")
@click.option("--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the decrypted documents (JSON, HTML, PDF for postal).")
@pass_settings
def open_(settings: Settings, reference: str, code: str, output: Path) -> None:
    """Decrypt REFERENCE's package; refuses an expired package or a wrong code."""
    directory = package_directory(settings.data_dir, reference)
    try:
        written = open_package(directory, code, output, clients.CLOCK.now())
    except PackageRefused as refused:
        raise click.ClickException(f"dossier non ouvert : {refused}") from refused
    for path in written:
        console.print(f"wrote {path}")
