"""`chiso service …`: the Decision 766 service-quality indicators.

The group lives apart from `chiso.cli` because it has its own subject (dossier records, counts,
calendars). `chiso.cli` registers it at import; commands here use the same `Context` (language,
exit codes) as the rest of the CLI.
"""

from __future__ import annotations

import click


@click.group()
def service() -> None:
    """Service quality (Decision 766): generate or import dossier records, compute and score
    the indicators."""


# --- records in: generate a synthetic province, import a province's files ----------------------

from chiso.cli_service_data import generate_command, import_command  # noqa: E402

service.add_command(generate_command)
service.add_command(import_command)


# --- the indicators: check a method, score counts, compute from records ------------------------

from chiso.cli_service_scores import check_command, compute_command, score_command  # noqa: E402

service.add_command(check_command)
service.add_command(score_command)
service.add_command(compute_command)
