"""Option types the commands share."""

from __future__ import annotations

import click


class GivenPath(click.Path):
    """A path given on the command line, refused when empty: ``""`` is the current folder to the
    operating system, so `run "$INBOX"` with the variable unset read the job's working folder, `--out ""`
    wrote the outputs into it and `templates ""` filled it with workbooks."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail(f"{value!r} is empty (a variable left unset in the job?): name the folder or file", param, ctx)
        return super().convert(value, param, ctx)
