"""The `coaching-batch` command: parse options, call the library, map the outcome to an exit code."""

from __future__ import annotations

import atexit
import calendar
import gc
import os
import signal
import sys
import threading
import traceback
from contextlib import contextmanager, suppress
from datetime import date
from enum import IntEnum
from functools import cache
from pathlib import Path

import click

from .click_types import GivenPath
from .errors import CoachingBatchError, as_typed
from .settings import (BLAS_THREADS, CONSOLE_TABLE_NAMES, CONSOLE_TEXT_CHARS, CONSOLE_UNKNOWN_PROGRAMS, DEFAULT_PROGRAM,
                       LOCK_WAIT_SECONDS)
from .ledger_commands import COMMANDS as LEDGER_RECOVERY_COMMANDS  # backup, restore, rebuild, verify
from .notices.command import WAIT_DEFAULT, Seconds, load_config_or_exit, notices_command, send_and_echo  # sending them


class ExitStatus(IntEnum):
    OK = 0  # the run completed, findings or not
    ERRORS_FOUND = 1  # --strict and at least one error finding
    CANNOT_RUN = 2  # no such inbox, unusable options, locked state


# A bare command group (`coaching-batch`, `coaching-batch ledger`) is a request for its help, not a
# usage error; Click 8.2+ raises this for it (earlier versions print the help and exit 0 themselves).
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())

FIRST_AS_OF, LAST_AS_OF = date(1900, 1, 1), date(2199, 12, 31)  # the dates a run may be as of


def _as_of(ctx, param, value: str | None) -> date:
    if value is None:
        return date.today()
    # the form the help names, only: fromisoformat alone also takes 20260105 and 2026-W02-1
    if not (len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isdigit()):
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD")
    outside = f"{value} is not a date a run can be as of ({FIRST_AS_OF} to {LAST_AS_OF})"  # the rules count days and months on from it
    if not FIRST_AS_OF.year <= int(value[:4]) <= LAST_AS_OF.year:
        raise click.BadParameter(outside)
    try:
        as_of = date.fromisoformat(value)
    except ValueError:  # in the form, but no day of the calendar (a 29 February of a year not a leap year)
        raise click.BadParameter(f"{value!r} is no day of the calendar: {_days_in(value)}") from None
    if not FIRST_AS_OF <= as_of <= LAST_AS_OF:
        raise click.BadParameter(outside)
    return as_of


def _days_in(value: str) -> str:
    """Why a date typed YYYY-MM-DD is no day: how many days its month has (``February 2027 has 28 days``)."""
    year, month = int(value[:4]), int(value[5:7])
    if not 1 <= month <= 12:
        return "a year has 12 months"
    days = calendar.mdays[month] + (month == 2 and calendar.isleap(year))
    return f"{calendar.month_name[month]} {year} has {days} days"


class _Commands(click.Group):
    """The command group: Ctrl-C is said in one `Error: interrupted` line, with nothing before it in a
    job's log (Click writes an empty line first, which only a terminal needs: see :func:`main`)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except Exception as exc:
            if _interrupted(exc):
                raise click.exceptions.Abort() from None
            raise


def _interrupted(exc: BaseException) -> bool:
    """Whether Ctrl-C is what raised ``exc``: Python 3.11 raises a KeyboardInterrupt that comes while a
    class is being made (a dataclass, as a module is imported) as the cause of a RuntimeError, which
    was a traceback and exit status 1 (or, in a run, "the run failed unexpectedly")."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="coaching-batch")
def app() -> None:
    """Run a staff coaching program from the Excel workbooks the coordinator keeps."""


def main(argv: list[str] | None = None) -> None:
    """Run the command with its error handling: a usage problem is one `Error:` line and exit 2; a
    bare command group prints its help and exits 0."""
    _freeze_at_exit()
    _blas_threads_kept_few()
    _say_when_stopped()
    _unprintable_shown_escaped()
    with _reader_may_leave():
        try:
            app.main(args=argv, prog_name="coaching-batch", standalone_mode=False)
        except click.exceptions.Abort:
            if sys.stderr.isatty():  # off the line the terminal echoed ^C on
                click.echo(err=True)
            click.echo("Error: interrupted", err=True)
            sys.exit(ExitStatus.CANNOT_RUN)
        except NO_ARGS_IS_HELP as exc:  # the group's help on stdout, as git and pip print theirs
            click.echo(exc.ctx.get_help())
            sys.exit(ExitStatus.OK)
        except click.ClickException as exc:
            click.echo(f"Error: {_with_help_hint(exc, sys.argv[1:] if argv is None else argv)}", err=True)
            sys.exit(ExitStatus.CANNOT_RUN)
        sys.exit(ExitStatus.OK)


class _Refused(click.UsageError):
    """Options a command refuses together, in a line that says what to do."""


def _with_help_hint(exc: click.ClickException, args: list) -> str:
    """The message, and where to look after click's own word on a command line it cannot take (`Missing
    argument 'INBOX'.`, `No such command 'frobnicate'.`): its one line said what was wrong and not what
    the command takes. A value refused (Invalid value for '--as-of': … not a date in the form
    YYYY-MM-DD) already says it."""
    message, ctx = exc.format_message(), getattr(exc, "ctx", None)
    if ctx is None or not isinstance(exc, click.UsageError) or isinstance(exc, _Refused) \
            or (isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter)):
        return message
    message = message if message.endswith(('.', '?)')) else message + '.'
    return f"{message}{_dash_name_hint(exc, args)} See `{ctx.command_path} --help`."


def _dash_name_hint(exc: click.UsageError, args: list) -> str:
    """How to give a folder or file whose name begins with `-` (an inbox named `-inbox`), when click took
    it for options: its line, `No such option '-i'.`, named neither the folder nor what to type."""
    if not isinstance(exc, click.NoSuchOption):
        return ""
    named = next((str(arg) for arg in args if str(arg).startswith(exc.option_name) and os.path.lexists(str(arg))), None)
    if named is None:
        return ""
    kind = "folder" if os.path.isdir(named) else "file"
    return f" The {kind} {named!r} begins with '-', so it was read as options: write it ./{named} (or last on the line, after --)."


def _unprintable_shown_escaped() -> None:
    """A character the console's encoding lacks (a program named with 🎉 on a Latin-1 or cp1252 console,
    Nguyễn in `ledger payments`) is printed escaped, ``\\U0001f389``, as Python's stderr prints it: it
    stopped the command with a traceback and exit status 1, after the run was recorded."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, ValueError):  # not a text file, or closed
            stream.reconfigure(errors="backslashreplace")


@contextmanager
def _reader_may_leave():
    """Every command's output, for a reader that may leave early (`coaching-batch … | head -1`): once
    it has, the rest goes nowhere, and the command still finishes its work (a run recorded, its
    notices sent, the lines on stderr) with its own exit status. A broken pipe used to stop the
    command at its next line, with click's exit status 1."""
    _closed_streams_to_nowhere()
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _ReaderMayLeave(sys.stdout), _ReaderMayLeave(sys.stderr)
    try:
        yield
    finally:
        sys.stdout.flush()  # what is still buffered, while a reader gone is still noticed
        sys.stderr.flush()
        sys.stdout, sys.stderr = streams


def _closed_streams_to_nowhere() -> None:
    """A job started with a standard stream closed (`>&-`, `2>&-`): it goes to the null device, so that
    the command's lines go nowhere instead of ending it with a traceback, and no file the run opens
    takes the stream's place (a stray line would be written into it)."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:  # closed
            nowhere = os.open(os.devnull, os.O_RDWR)
            if nowhere != fd:
                os.dup2(nowhere, fd)
                os.close(nowhere)
        if getattr(sys, name) is None:  # Python found it closed at start-up
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", closefd=False))


class _ReaderMayLeave:
    """A standard stream that, once its reader has left or its file is full, writes to nowhere instead
    of raising BrokenPipeError or OSError (the interpreter's last flush too)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._to_whoever_reads(self._stream.write, text)

    def flush(self) -> None:
        self._to_whoever_reads(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    def _to_whoever_reads(self, call, *args):
        try:
            return call(*args)
        except OSError:  # the reader gone (a broken pipe), or a job's log that takes no more (its disk full)
            nowhere = os.open(os.devnull, os.O_WRONLY)
            os.dup2(nowhere, self._stream.fileno())
            os.close(nowhere)
            return call(*args)  # what was buffered goes nowhere too


@cache  # installed once, however often main() runs in one process
def _say_when_stopped() -> None:
    """A command stopped by SIGTERM (a scheduler's stop or time limit, `kill`) says so on stderr, one
    `Error:` line in the job's log, then ends as the signal ends it (exit status 143, as before: the
    ledger is safe at any point). It ended without a word, so a week's log simply stopped. The
    processes it forks keep the default, and end with it (see forked.end_with_parent)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set it
        return
    signal.signal(signal.SIGTERM, _stopped)
    os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))


def _stopped(signum: int, frame) -> None:
    signal.signal(signum, signal.SIG_DFL)
    try:
        sys.stderr.write(f"Error: stopped by {signal.Signals(signum).name} before it finished\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - nowhere to say it: end all the same
        pass
    os.kill(os.getpid(), signum)


def _blas_threads_kept_few() -> None:
    """numpy's BLAS library starts its own thread for each core when numpy is loaded, which the run
    never uses (it multiplies no matrices): set before numpy is loaded (a command loads it later, if at
    all), it starts none. A setting already in the environment is kept."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", BLAS_THREADS)


@cache  # registered once, however often main() runs in one process
def _freeze_at_exit() -> None:
    """At exit, the heap is frozen first (registered before the others, the last exit handler to run).

    The interpreter's shutdown collects garbage over every object still held, several times over:
    with pandas, pandera and fpdf2 loaded that took a fifth of a second after each command. Frozen,
    those objects are left out of the collections (they are freed all the same, the process ends).
    Every output is complete and closed before then.
    """
    atexit.register(gc.freeze)


@app.command()
@click.argument("inbox", type=GivenPath(path_type=Path))
@click.option("--out", type=GivenPath(path_type=Path), metavar="DIR",
              help="Output folder [default: out/<as-of> beside the inbox; out/<as-of>-dry-run for a dry run].")
@click.option("--as-of", "as_of", callback=_as_of, metavar="YYYY-MM-DD", help="Date the run is as of [default: today].")
@click.option("--program", "program", multiple=True, metavar="NAME|FILE.toml",
              help=f"Program preset (name or title, any case) or a policy TOML file; repeat it to add programs of your own "
                   f"(the first is used where a pair's Program is blank) [default: {DEFAULT_PROGRAM}].")
@click.option("--state", type=GivenPath(path_type=Path), metavar="DIR",
              help="Folder of the ledger [default: state/ beside the inbox].")
@click.option("--dry-run", is_flag=True, help="Write the outputs but record nothing in the ledger.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any error finding exists.")
@click.option("--overwrite", is_flag=True, help="Replace an earlier run's outputs in the output folder.")
@click.option("--archive", is_flag=True, help="After a successful run, move the files read to archive/<as-of>/ beside the inbox.")
@click.option("--recursive", is_flag=True, help="Read the workbooks in INBOX's sub-folders too (not hidden folders, nor an earlier "
                                                "run's output folder or the ledger's folder kept there).")
@click.option("--wait", "lock_wait", type=Seconds(), default=LOCK_WAIT_SECONDS,
              metavar="SECONDS", help="How long to wait for another run using the same ledger." + WAIT_DEFAULT)
@click.option("--verbose", is_flag=True, help="Show a traceback when the run cannot be done.")
@click.option("--certificate-template", type=GivenPath(path_type=Path, dir_okay=False), metavar="FILE",
              help="The certificates' wording: a copy of certificate-template.txt (from `templates DIR`), edited.")
# send the week's notices after the run (see `notices send`)
@click.option("--send-notices", is_flag=True, help="Then send the notices not sent before this week (needs --smtp-config); one not sent is a "
                   "`Not sent:` line on stderr, and the exit status stays the run's.")
@click.option("--smtp-config", type=GivenPath(path_type=Path, dir_okay=False), metavar="FILE", help="SMTP config for --send-notices.")
def run(inbox: Path, out: Path | None, as_of: date, program: tuple[str, ...], state: Path | None, dry_run: bool, strict: bool,
        overwrite: bool, archive: bool, recursive: bool, lock_wait: float, verbose: bool, certificate_template: Path | None,
        send_notices: bool, smtp_config: Path | None) -> None:
    """Read every workbook in INBOX, apply the program's rules and write the outputs.

    Exit status: 0 the run completed (findings or not); 1 with --strict when any error finding exists;
    2 the run could not be done (no such inbox, an unusable option or policy file, the ledger in use by
    another run), said in one `Error:` line on stderr; 143 stopped by SIGTERM.
    """
    from .forked import imports_uncollected

    with imports_uncollected():  # heavy imports only when a run is asked for (see imports_uncollected)
        from .ledger import LEDGER_FILENAME
        from .pipeline import RunOptions, run_batch
        from .recovery import stderr_warnings as recovery_warnings

    if dry_run and archive:
        raise _Refused("--archive cannot be used with --dry-run (a dry run changes nothing)")
    # the SMTP config is checked before the run, so a bad one stops it before anything is done
    if send_notices and smtp_config is None:
        raise _Refused("--send-notices needs --smtp-config FILE")
    if smtp_config is not None and not send_notices:  # else the notices the user meant to send are not sent
        raise _Refused("--smtp-config is used only with --send-notices: add --send-notices to send the notices")
    smtp = load_config_or_exit(smtp_config, dry_run=dry_run) if send_notices else None
    options = RunOptions(inbox=inbox, as_of=as_of, out=out, program=program or (DEFAULT_PROGRAM,), state=state, dry_run=dry_run,
                         strict=strict, overwrite=overwrite, archive=archive, recursive=recursive, lock_wait=lock_wait,
                         certificate_template=certificate_template)
    try:
        with _progress() as progress:
            result, out_dir = run_batch(options, progress=progress)
    except CoachingBatchError as exc:
        _fail(str(exc), verbose)
    except Exception as exc:  # a bug, not bad input: still one line unless --verbose
        if _interrupted(exc):
            raise KeyboardInterrupt from None
        _fail(f"the run failed unexpectedly: {_shortened(repr(exc))}", verbose)
    counts = result.counts
    click.echo(
        f"{_count(counts['pairs'], 'pair')}: {counts['completion_eligible']} completion-eligible, "
        f"{counts['payments']} newly payable (${result.payments['amount'].sum():,.2f}); "
        f"{_count(counts['errors'], 'error')}, {_count(counts['warnings'], 'warning')}, {counts['info']} info"
        + (f"; {counts['resolved']} resolved since the last run" if counts["resolved"] else "")
    )
    _echo_programs(result)
    _echo_tables_missing(result)
    _echo_default_program(result, options.program[0])
    _echo_policy_files_not_given(result, options)
    for line in recovery_warnings(result):  # a state folder on a network or sync file system
        click.echo(line, err=True)
    if dry_run and not (ledger := options.state_dir / LEDGER_FILENAME).exists():  # a first week, or a mistyped --state
        click.echo(f"No ledger at {ledger}: the preview counts nothing as paid before (as a first week); "
                   "if the ledger is elsewhere, give its folder with --state")
    for line in result.stopped_runs:  # what this run found a killed run had delivered, and did about it
        click.echo(line)
    click.echo(f"Outputs written to {out_dir}" + (" (dry run: nothing recorded in the ledger)" if dry_run else ""))
    if result.not_archived:  # the run completed all the same: its exit status is the run's
        click.echo(result.not_archived, err=True)
    if smtp is not None:  # sent once the outputs are written and the run recorded; a failure changes neither
        # recorded in the ledger its run.json names (a dry run's preview of the first week may have none yet)
        sent = send_and_echo(out_dir, smtp, state_dir=None, dry_run=dry_run, lock_wait=lock_wait, cannot="Not sent")
        if sent != ExitStatus.OK and not dry_run:  # the run completed all the same: its exit status is the run's
            click.echo(f"Not sent: some of this run's notices (the run itself completed); send them with "
                       f"`coaching-batch notices send {as_typed(out_dir)} --smtp-config {as_typed(smtp_config)}`", err=True)
    sys.exit(options.exit_status(result))


def _echo_programs(result) -> None:
    """One line per program when the inbox holds more than one; of the Program values that are no
    program, the most frequent few, then one line for the rest (each is a CELL-ENUM in the reports)."""
    pairs = result.pairs
    if len(pairs) == 0 or pairs["program"].nunique() < 2:
        return
    counts = pairs["program"].value_counts(sort=False)
    known = sorted(program for program in counts.index if program in result.programs)
    unknown = sorted((p for p in counts.index if p not in result.programs), key=lambda p: (-counts[p], str(p)))
    named = unknown if len(unknown) <= CONSOLE_UNKNOWN_PROGRAMS else unknown[: CONSOLE_UNKNOWN_PROGRAMS - 1]
    rest = unknown[len(named):]
    width = max(len(_program_label(p)) for p in (*known, *named))
    for program in known:
        group = pairs[pairs["program"] == program]
        paid = result.payments[result.payments["program"] == program] if "program" in result.payments else result.payments.iloc[0:0]
        line = f"  {_program_label(program).ljust(width)}  {_count(len(group), 'pair')}"
        line += f", {int(group['completion_eligible'].sum())} completion-eligible"
        if result.programs[program].payment is not None:
            line += f", {len(paid)} newly payable (${paid['amount'].sum():,.2f})"
        click.echo(line)
    for program in named:
        click.echo(f"  {_program_label(program).ljust(width)}  {_count(int(counts[program]), 'pair')} (not a known program: not judged)")
    if rest:
        click.echo(f"  and {len(rest)} other values not a known program  "
                   f"{_count(int(counts[rest].sum()), 'pair')} (not judged; each is a CELL-ENUM)")


def _echo_tables_missing(result) -> None:
    """One line per table of which the inbox held no sheet (each a TABLE-MISSING in the Exceptions): only
    counted among the errors or warnings, a roster or a Milestones workbook left out of the inbox went unsaid."""
    for found in result.findings:
        if found.rule != "TABLE-MISSING":
            continue
        line = f"Missing: no {CONSOLE_TABLE_NAMES.get(found.topic, found.topic)} table was found in the inbox"
        if found.severity == "warning":  # a table some pairs' rules read: they are judged without its rows
            needing = _program_label(found.program) if found.program else "some"
            line += f", which {needing} pairs need: each is judged as having none of its rows"
        click.echo(f"{line}; see TABLE-MISSING in the Exceptions")


def _program_label(program: object) -> str:
    return _one_line(program, CONSOLE_TEXT_CHARS)


def _echo_default_program(result, given: str) -> None:
    """The program a blank Program cell means: the first --program, which a policy file given alone
    becomes (its pairs and everyone else's judged by it), so it is said every run."""
    from .policy import is_policy_file

    origin = f", from {given}" if is_policy_file(given) else ""
    click.echo(f"Default program (for a blank Program cell): {result.policy.name}{origin}")


def _echo_policy_files_not_given(result, options) -> None:
    """A policy file left in the inbox (to be used, its coordinator may think) that no --program names:
    its numbers apply to no pair, which the Inputs sheet alone would say only to one who looks."""
    from .inbox import POLICY_FILE_SKIPPED
    from .policy import is_policy_file

    given = {Path(spec).resolve() for spec in options.program if is_policy_file(spec)}
    for entry in result.inputs:
        if entry.note == POLICY_FILE_SKIPPED and (options.inbox / entry.path).resolve() not in given:
            click.echo(f"Not used: {entry.path} in the inbox is a policy file; a run applies one only when given with "
                       f"--program (give --program {as_typed(options.inbox / entry.path)} to use it)", err=True)


def _count(number: int, noun: str) -> str:
    """``1 pair``, ``2 pairs``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


@app.command("templates")
@click.argument("directory", metavar="DIR", type=GivenPath(path_type=Path))
@click.option("--force", is_flag=True, help="Replace template workbooks already in DIR (a certificate-template.txt there is kept).")
def templates_command(directory: Path, force: bool) -> None:
    """Write blank input workbooks, one per table, and the certificate template into DIR (created if missing).

    A workbook already in DIR with a template's name is left alone and nothing is written,
    unless --force is given; even then an edited certificate-template.txt is kept.
    """
    from .templates import write_templates

    try:
        written, replaced, kept = write_templates(directory, force=force)
    except CoachingBatchError as exc:
        raise _Refused(str(exc)) from None
    for path in written:
        click.echo(f"Wrote {path}")
    for path in replaced:
        click.echo(f"Replaced {path} with a blank template (--force)")
    for path in kept:
        click.echo(f"Kept {path}: the certificates' wording already there is not replaced "
                   "(delete it and run templates again for the default wording)")


app.add_command(notices_command)  # `notices send OUTDIR`


@app.group(invoke_without_command=True)
@click.pass_context
def programs(ctx: click.Context) -> None:
    """List the program presets with their titles (`programs show NAME` prints one)."""
    if ctx.invoked_subcommand is None:
        from .policy import load_policy, preset_names

        try:
            presets = [load_policy(name) for name in preset_names()]
        except CoachingBatchError as exc:
            _fail(str(exc), False)
        width = max(len(p.name) for p in presets)
        for preset in presets:
            click.echo(f"{preset.name.ljust(width)}  {preset.title}")


@programs.command("show")
@click.argument("name")
def programs_show(name: str) -> None:
    """Print a preset's policy TOML (copy it to a file, edit, and pass it with --program).

    NAME is a preset's name or title (any case), or a policy file to check and print. Every setting
    in force is shown: those the file leaves out as comment lines marked "# default".
    """
    from .policy import Programs, is_policy_file, load_policy, preset_text, with_defaults

    try:
        if is_policy_file(name):
            policy = Programs.load([name]).default  # checked beside the presets: a problem is one Error: line
            click.echo(with_defaults(Path(name).read_text(encoding="utf-8-sig"), policy, name), nl=False)
            return
        policy = load_policy(name)  # by name or title, as --program takes it
        click.echo(with_defaults(preset_text(policy.name), policy, policy.name), nl=False)
    except CoachingBatchError as exc:
        _fail(str(exc), False)


STATE_OPTION = click.option("--state", type=GivenPath(path_type=Path), default=Path("state"), show_default=True,
                            metavar="DIR", help="Folder of the ledger (the run's default is state/ beside the inbox).")


def _since(ctx, param, value: str | None) -> date | None:
    return None if value is None else _as_of(ctx, param, value)


@app.group(short_help="Runs, payments, export, void; backup, restore, rebuild, verify.")
def ledger() -> None:
    """The ledger: runs and payments; export, void; backup, restore, rebuild, verify.

    List the runs and the payments issued, export the payments to a workbook, void a payment; back
    the ledger up, restore a backup, rebuild a lost ledger from the delivered payment sheets, verify
    it against them.
    """


@ledger.command("runs")
@STATE_OPTION
def ledger_runs(state: Path) -> None:
    """List every run recorded, oldest first."""
    import json

    from .ledger import RUN_PROGRAMS

    with _open_ledger(state) as book:
        runs = book.runs()
    going = _a_run_going(state) if (runs["status"] == "writing").any() else False
    rows = []
    for run in runs.to_dict("records"):
        counts = json.loads(run["counts"] or "{}")
        status = "interrupted" if run["status"] == "writing" and not going else run["status"]  # as the next run records it
        programs = counts.get(RUN_PROGRAMS) or [run["program"]]  # a run recorded before they were kept: its default
        rows.append([str(run["run_id"]), run["as_of"], ", ".join(programs), status,
                     _whole(run["exit_status"]), _whole(run["files"]),
                     str(counts.get("pairs", "")), "" if run["status"] == "writing" else str(run["paid"]),
                     str(counts.get("errors", "")),
                     run["out_dir"] or ""])
    _print_rows(["Run", "As of", "Program", "Status", "Exit", "Inputs", "Pairs", "Paid", "Errors", "Outputs"], rows)


def _whole(value: object) -> str:
    """A count or exit status as a whole number; blank when the ledger does not know it (a run killed,
    or recovered or rebuilt from its payment sheet): None, or NaN once a column mixes them with numbers."""
    return "" if value is None or value != value else str(int(value))


def _a_run_going(state: Path) -> bool:
    """Whether a run holds the state folder now; when that cannot be told (a read-only folder), True."""
    from .ledger import state_lock

    try:
        with state_lock(state, 0):
            return False
    except CoachingBatchError:  # StateLocked, or a folder where the lock cannot be made
        return True


def _payment_filters(command):
    for option in reversed([
        click.option("--from", "since", callback=_since, metavar="YYYY-MM-DD", help="Issued on or after this date."),
        click.option("--to", "until", callback=_since, metavar="YYYY-MM-DD", help="Issued on or before this date."),
        click.option("--coach", "coach_id", metavar="ID", help="Only this coach's payments."),
        STATE_OPTION,
    ]):
        command = option(command)
    return command


def _issued_between(since: date | None, until: date | None) -> None:
    """Refuse a --from after --to: no payment is issued in it, and "(none)" read as a ledger with none."""
    if since and until and since > until:
        raise _Refused(f"--from {since} is after --to {until}: give the earlier date with --from")


# a run killed after recording its payments as pending: its payment sheet may have been delivered
PENDING_NOTE = ("pending: their run has not finished, or was stopped before it finished (`coaching-batch ledger verify` "
                "says whether its payment sheet was delivered; the next run records them as issued or pays them)")


@ledger.command("payments")
@_payment_filters
def ledger_payments(since: date | None, until: date | None, coach_id: str | None, state: Path) -> None:
    """List the payments issued (and voided), by the date of the run that issued them; and those
    pending, of a run not finished or stopped before it finished."""
    _issued_between(since, until)
    with _open_ledger(state) as book:
        payments = book.payments(since=since, until=until, coach_id=coach_id, include_pending=True)
    rows = [[p["payment_id"], p["status"], p["issued_on"], p["coach_id"], _one_line(_text(p["coach_name"]), CONSOLE_TEXT_CHARS),
             p["candidate_id"], _one_line(_text(p["candidate_name"]), CONSOLE_TEXT_CHARS), f"{p['amount']:,.2f}",
             _text(p["void_reason"])]
            for p in payments.to_dict("records")]
    _print_rows(["Payment ID", "Status", "Issued On", "Coach ID", "Coach", "Candidate ID", "Candidate", "Amount",
                 "Void Reason"], rows)
    issued = payments[payments["status"] == "issued"]
    pending = payments[payments["status"] == "pending"]
    click.echo(f"{len(issued)} issued, total ${issued['amount'].sum():,.2f}; "
               f"{len(payments) - len(issued) - len(pending)} voided" + (f"; {len(pending)} {PENDING_NOTE}" if len(pending) else ""))


@ledger.command("export")
@click.argument("file", type=GivenPath(path_type=Path, dir_okay=False))
@_payment_filters
def ledger_export(file: Path, since: date | None, until: date | None, coach_id: str | None, state: Path) -> None:
    """Write the ledger's payments to the workbook FILE (.xlsx)."""
    from xlsxwriter.exceptions import FileCreateError  # xlsxwriter's wrapping of an OSError (a full disk)
    from .reports.ledger_export import write_ledger_payments

    if file.suffix.lower() != ".xlsx":
        raise _Refused(f"{file} should end in .xlsx")
    _issued_between(since, until)
    with _open_ledger(state) as book:
        payments = book.payments(since=since, until=until, coach_id=coach_id)
    try:
        write_ledger_payments(payments, file, since=since, until=until, coach_id=coach_id, as_of=date.today())
    except (OSError, FileCreateError) as exc:  # no such folder, a file where the folder should be, no room
        cause = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
        if not file.parent.exists():
            reason = f"there is no folder {file.parent}"
        elif not file.parent.is_dir():
            reason = f"{file.parent} is a file, not a folder"
        else:
            reason = getattr(cause, "strerror", None) or str(cause)
        _fail(f"cannot write {file}: {reason}", False)
    click.echo(f"{len(payments)} payments written to {file}")


@ledger.command("void")
@click.argument("payment_id")
@click.option("--reason", required=True, help="Why finance voided it (kept in the ledger).")
@click.option("--on", "on", callback=_as_of, metavar="YYYY-MM-DD", help="Date voided [default: today].")
@STATE_OPTION
def ledger_void(payment_id: str, reason: str, on: date, state: Path) -> None:
    """Mark an issued payment voided by finance: the next run pays the stipend again if still payable."""
    from .ledger import ledger_path, state_lock

    not_done = f"payment {payment_id.strip().upper()} was not voided"
    if not ledger_path(state).is_file():
        _open_ledger(state)  # says there is no ledger there, exit 2
    try:
        with state_lock(state, LOCK_WAIT_SECONDS), _open_ledger(state, writable=True, not_done=not_done) as book:
            book.void(payment_id, reason, on)
    except CoachingBatchError as exc:
        _fail(str(exc), False)
    click.echo(f"Payment {payment_id.strip().upper()} voided: {reason}")


# backup, restore, rebuild, verify (coaching_batch/ledger_commands.py)
for _command in LEDGER_RECOVERY_COMMANDS:
    ledger.add_command(_command)


def _open_ledger(state: Path, writable: bool = False, not_done: str = "it cannot be read"):
    """The state folder's ledger, opened for a ledger command; none there, or damaged (``not_done``: what
    the command could not do, as it pays nothing), is one Error: line (exit 2)."""
    from .ledger import Ledger, LedgerDamaged, ledger_path

    try:
        book = Ledger.open_existing(state, writable=writable)
    except LedgerDamaged as exc:
        _fail(exc.saying(not_done), False)
    except CoachingBatchError as exc:
        _fail(str(exc), False)
    if book is None:
        _fail(f"no ledger at {ledger_path(state)} (a run records one; use --state to point at its folder)", False)
    return book


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)  # None and NaN print as blank


def _one_line(value: object, limit: int | None = None) -> str:
    """Text from a workbook as plain text on the console: one holding a control or formatting
    character (an escape sequence would act on the terminal, a right-to-left override turn the rest
    of the line around) is shown quoted, as its finding quotes it; cut to ``limit`` characters."""
    text = str(value)
    text = text if text.isprintable() else repr(text)
    return _shortened(text, limit) if limit else text


def _print_rows(header: list[str], rows: list[list[str]]) -> None:
    """A plain, aligned table on stdout (readable in a terminal, easy to grep)."""
    if not rows:
        click.echo("(none)")
        return
    rows = [[_one_line(value) for value in row] for row in rows]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())


def _shortened(text: str, limit: int = 300) -> str:
    """A message kept to one readable line: an exception may quote a whole output it was writing."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _fail(message: str, verbose: bool) -> None:
    if verbose:
        traceback.print_exc()
    click.echo(f"Error: {message}", err=True)
    sys.exit(ExitStatus.CANNOT_RUN)


class _progress:
    """A rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __enter__(self):
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                             console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = None
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        if self._task is None:
            self._task = self._bar.add_task(stage, total=total)
        self._bar.update(self._task, description=stage, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if sys.stderr.isatty():
            self._bar.stop()
