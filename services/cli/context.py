"""The settings every ``dsr`` command runs with: read once by the ``main`` group.

``@pass_settings`` hands them to a command; a command invoked on its own (a test's
``CliRunner().invoke(stuck)``) reads them from the environment the same way.
"""

from __future__ import annotations

import click

from services.runtime.settings import Settings

pass_settings = click.make_pass_decorator(Settings, ensure=True)
