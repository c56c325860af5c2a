"""Weekly notices: written with every run as .eml files, sent through a real SMTP server started on
localhost (aiosmtpd), once per recipient and week; refusals, a server that is down, STARTTLS, the
password, people without an address, nothing confidential."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import email.policy
import shutil
import socket
import textwrap
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from coaching_batch.cli import main
from coaching_batch.findings import finding
from coaching_batch.notices.address import email_address
from coaching_batch.notices.build import build_notices
from coaching_batch.notices.config import PASSWORD_VARIABLE
from coaching_batch.notices import eml
from coaching_batch.notices.eml import notice_text
from coaching_batch.pipeline import RunOptions, run_batch
from test_end_to_end import with_reader_gone
from workbooks import (assignment_rows, candidate_log_rows, coach_log_rows, recommendation_rows, roster_rows,
                       table_rows, write_workbook)

AS_OF = dt.date(2026, 11, 20)
SECRET = "Zq7-CONFIDENTIAL-NOTICE"
CORA, CAL, SUE, NED, IDA, RON = "100", "200", "300", "101", "201", "102"  # coach, candidate, supervisor …
COORDINATOR = "coordinator@example.org"


def small_inbox(root: Path) -> Path:
    """Two ITSS pairs: Cora coaches Cal (supervisor Sue); Ned (no email) coaches Ida (an email that is not
    one). A log entry after the as-of date is the coach's to fix; a reps pair of Ron's gets feedback."""
    inbox = root / "inbox"
    inbox.mkdir()
    people = [
        {"employee_id": CORA, "name": "Cora Coach", "email": "cora@example.org", "grade": 25, "hire_date": dt.date(2015, 1, 5)},
        {"employee_id": CAL, "name": "Cal Candidate", "email": "Cal Candidate <cal@example.org>", "grade": 20,
         "supervisor_id": SUE},
        {"employee_id": SUE, "name": "Sue Supervisor", "email": "sue@example.org", "grade": 27},
        {"employee_id": NED, "name": "Ned Noemail", "grade": 25, "hire_date": dt.date(2015, 1, 5)},
        {"employee_id": IDA, "name": "Ida Île", "email": "ida at example Bcc: x@example.org", "grade": 20},
        {"employee_id": RON, "name": "Ron Reps", "email": "ron@example.org", "grade": 25},
    ]
    write_workbook(inbox / "Roster.xlsx", {"Roster": roster_rows(people)})
    write_workbook(inbox / "Assignments.xlsx", {"Assignments": assignment_rows([
        {"candidate_id": CAL, "coach_id": CORA, "assigned_date": dt.date(2026, 9, 1),
         "planning_meeting_date": dt.date(2026, 9, 8), "target_grade": 23, "goal_1": f"{SECRET} goal"},
        {"candidate_id": IDA, "coach_id": NED, "assigned_date": dt.date(2026, 9, 1),
         "planning_meeting_date": dt.date(2026, 9, 8), "target_grade": 23},
        {"program": "Reps Coaching", "candidate_id": SUE, "coach_id": RON, "assigned_date": dt.date(2026, 9, 1),
         "planning_meeting_date": dt.date(2026, 9, 8)},
    ])})
    write_workbook(inbox / "Coach Log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": CAL, "coach_id": CORA, "date": dt.date(2026, 10, 1), "contact_type": "In Person", "duration": 2.5},
        {"candidate_id": IDA, "coach_id": NED, "date": dt.date(2026, 10, 1), "contact_type": "Phone", "duration": 1},
        {"candidate_id": SUE, "coach_id": RON, "date": dt.date(2026, 10, 1), "contact_type": "Phone", "duration": 1},
    ])})
    write_workbook(inbox / "Candidate Log.xlsx", {"Log": candidate_log_rows([
        {"candidate_id": CAL, "coach_id": CORA, "date": dt.date(2026, 10, 2), "duration": 6},
        {"candidate_id": CAL, "coach_id": CORA, "date": dt.date(2026, 12, 2), "duration": 1},  # after as-of
        {"candidate_id": IDA, "coach_id": NED, "date": dt.date(2026, 10, 2), "duration": 3},
    ])})
    write_workbook(inbox / "Recommendations.xlsx", {"Recommendations": recommendation_rows([
        {"prospective_coach_id": CORA, "reference_name": f"{SECRET} reference", "relationship": "Supervisor",
         "overall": "Recommended"},
    ])})
    write_workbook(inbox / "Feedback.xlsx", {"Feedback": table_rows("feedback", [
        {"employee_id": RON, "role": "Coach", "coach_id": RON, "candidate_id": SUE, "feedback_date": dt.date(2026, 10, 5),
         "rating": 4, "comments": f"{SECRET} comment"},
    ])})
    return inbox


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """One real run of the small inbox: its result and its output folder."""
    root = tmp_path_factory.mktemp("notices")
    result, out = run_batch(RunOptions(inbox=small_inbox(root), as_of=AS_OF, out=root / "out", state=root / "state",
                                       program=("itss-coaching", "reps-coaching")))
    shutil.copytree(root / "state", root / "state as run", ignore=shutil.ignore_patterns("*.lock"))  # no notice sent yet
    return result, out


@pytest.fixture
def outputs(week, tmp_path):
    """A copy of the run's outputs, and beside it of its ledger (``state``), for one test to send from."""
    shutil.copytree(week[1].parent / "state as run", tmp_path / "state")
    return Path(shutil.copytree(week[1], tmp_path / "out"))


class Recorder:
    """An aiosmtpd handler that keeps every message it accepts and refuses the addresses in ``refuse``."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-from-env")

    def to(self) -> list[str]:
        return sorted(address for rcpts, _ in self.received for address in rcpts)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), authenticator=recorder.authenticate,
                            auth_require_tls=False)
    controller.start()
    yield recorder, controller.port
    controller.stop()


@pytest.fixture
def smtp(server):
    recorder, port = server
    recorder.received.clear()
    recorder.refuse.clear()
    recorder.logins.clear()
    return recorder, port


def smtp_config(folder: Path, port: int, **extra) -> Path:
    values = {"host": "127.0.0.1", "port": port, "from": "coaching@example.org", "starttls": False,
              "coordinator": COORDINATOR, **extra}
    lines = [f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, int) else f'{value!r}'}"
             for key, value in values.items()]
    path = folder / "smtp.toml"
    path.write_text("\n".join(line.replace("'", '"') for line in lines) + "\n")
    return path


def command(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return stopped.value.code, captured.out, captured.err


def send(capsys, outputs: Path, config: Path, *extra) -> tuple[int, str, str]:
    return command(capsys, "notices", "send", outputs, "--smtp-config", config, "--state", outputs.parent / "state", *extra)


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def received_by(recorder: Recorder, address: str) -> list:
    return [message for rcpts, message in recorder.received if address in rcpts]


# --- the notices every run writes --------------------------------------------------------------------


def test_every_run_writes_one_notice_per_person_who_must_act_and_one_for_the_coordinator(week):
    _, out = week
    files = sorted(p.name for p in (out / "notices").iterdir())
    assert "coordinator.eml" in files
    assert f"{CORA}-cora-coach.eml" in files and f"{NED}-ned-noemail.eml" in files
    assert all(name.isascii() and not set(name) & set('<>:"/\\|?* ') for name in files)  # safe on Windows too
    cora = email.message_from_bytes((out / "notices" / f"{CORA}-cora-coach.eml").read_bytes(), policy=email.policy.default)
    assert cora["To"].addresses[0].addr_spec == "cora@example.org" and cora["X-Unsent"] == "1"
    coordinator = email.message_from_bytes((out / "notices" / "coordinator.eml").read_bytes(), policy=email.policy.default)
    assert coordinator["To"] is None  # filled in from the SMTP config when it is sent


def test_a_coach_gets_their_findings_with_what_to_do_and_their_progress(week):
    result, out = week
    text = body(email.message_from_bytes((out / "notices" / f"{CORA}-cora-coach.eml").read_bytes(), policy=email.policy.default))
    assert "after the as-of date" in text and "cell" in text  # LOG-DATE-FUTURE, the coach's to fix
    assert "What to do: Correct the date" in text
    assert "you are the coach of Cal Candidate (200)" in " ".join(text.split())  # folded at 72 characters
    assert "Your contact hours so far: 2.5; still needed: 9.5" in text  # ITSS: 12 contact hours
    assert "The candidate's hours so far: 6; still needed: 34" in text
    assert "Deadline: 8 March 2027" in text
    others = {f.rule for f in result.findings if f.actor != "coach"}
    assert not any(rule in text for rule in others - {f.rule for f in result.findings if f.actor == "coach"})


def test_a_program_without_a_minimum_shows_no_hours_still_needed(week):
    result, _ = week
    for_ron = finding("FEEDBACK-MISSING", "no feedback form from the coachee", candidate_id=SUE, coach_id=RON,
                      program="reps-coaching")
    ron = next(n for n in build_notices(replace(result, findings=[*result.findings, for_ron])) if n.key == RON)
    assert [(p.role, p.hours, p.hours_needed) for p in ron.progress] == [("coach", 1.0, None)]
    assert "still needed" not in notice_text(ron, AS_OF) and "Your contact hours so far: 1" in notice_text(ron, AS_OF)


def test_a_notices_file_names_latin_letters_that_are_not_accented_ones_by_their_plain_letters(week):
    """Đ, Æ, Œ, Ø, Ł, Þ and ß have no plain letter inside them, so the folding to ASCII dropped them:
    Đặng Văn Đức's notice was "…-ang-van-uc.eml", and a Vietnamese name often starts with Đ."""
    result, _ = week
    people = result.people.copy()
    people.loc[people["employee_id"] == CORA, "name"] = "Đặng Ægir Œuvre Łukasz Øst Þór Weiß"
    cora = next(n for n in build_notices(replace(result, people=people)) if n.key == CORA)
    assert cora.file == f"{CORA}-dang-aegir-oeuvre-lukasz-ost-thor-weiss.eml"


def test_a_supervisor_finding_goes_to_the_candidates_supervisor_and_unknown_people_to_the_coordinator(week):
    result, _ = week
    extra = [
        finding("PAIR-AT-RISK", "the supervisor must sign", actor="supervisor", candidate_id=CAL, coach_id=CORA),
        finding("PAIR-AT-RISK", "nobody's supervisor", actor="supervisor", candidate_id=SUE, coach_id=RON),
        finding("PAIR-AT-RISK", "a coach not on the roster", candidate_id=CAL, coach_id="999"),
    ]
    notices = {n.key: n for n in build_notices(replace(result, findings=[*result.findings, *extra]))}
    assert [item.message for item, _ in notices[SUE].findings] == ["the supervisor must sign"]
    assert notices[SUE].roles == {"supervisor"} and notices[SUE].progress == []
    coordinator = {item.message: note for item, note in notices["coordinator"].findings}
    assert "no supervisor on file" in coordinator["nobody's supervisor"]
    assert "not on the roster" in coordinator["a coach not on the roster"]


def test_a_finding_with_no_one_to_send_it_to_names_the_person_in_the_programs_own_word(week):
    """"for the coachee: no candidate ID on the finding" mixed two words for one person."""
    result, _ = week
    orphan = finding("FEEDBACK-MISSING", "no ID to send it to", actor="candidate", candidate_id="", coach_id=RON,
                     program="reps-coaching")
    notices = {n.key: n for n in build_notices(replace(result, findings=[*result.findings, orphan]))}
    coordinator = {item.message: note for item, note in notices["coordinator"].findings}
    assert coordinator["no ID to send it to"] == "for the coachee: no coachee ID on the finding"


def test_a_person_without_a_usable_address_is_passed_on_in_the_coordinators_notice(week):
    _, out = week
    text = body(email.message_from_bytes((out / "notices" / "coordinator.eml").read_bytes(), policy=email.policy.default))
    assert f"No email address on file for Ned Noemail ({NED}, coach): please pass this on." in text
    assert (f"The email address on file for Ida Île ({IDA}, candidate), 'ida at example Bcc: x@example.org', is not an "
            "email address: please pass this on.") in " ".join(text.split())
    assert "notices/101-ned-noemail.eml" in text and "Dear Ned Noemail," in text
    ida = next((out / "notices").glob(f"{IDA}-*.eml"))
    assert ida.name == f"{IDA}-ida-ile.eml"
    assert email.message_from_bytes(ida.read_bytes(), policy=email.policy.default)["To"] is None


@pytest.mark.parametrize("typed, address", [
    ("jo@example.org", "jo@example.org"), (" Jo Smith <jo@example.org> ", "jo@example.org"),
    ("jo at example.org", None), ("jo@example", None), ("jo@example.org; al@example.org", None),
    ("jo@example.org Bcc: x@example.org", None), ("", None), (None, None), (float("nan"), None), (12345, None),
])
def test_an_email_cell_is_one_plain_address_or_none(typed, address):
    assert email_address(typed) == address


LONG = "Candidate Log - Alexander Parker - 121903 part 1.xlsx, sheet 'Log', cell D38, where the hours are"


@pytest.mark.parametrize("line", [
    f"1. Error: {LONG}", f"   Where: {LONG}", f"12. Warning:   {LONG}  spaced   out   ", f"   What to do: {'x' * 90} {LONG}",
    f"{'word ' * 15}{'y' * 100}", f"{'z' * 80} a b", f"9602. {'w' * 74} tail", " " * 80 + LONG,
    f"1. Error: {'a' * 66} {'b' * 73}", f"1. Error: {'a' * 66}  {'b' * 74}",  # lines of exactly 76 characters, and 77
    f"1. Error: {'a' * 66} {'b' * 70} cc", f"1. Error: {'a' * 60}     {'b' * 20}",
    f"   Where: {LONG}\u00a0\u00a0 {LONG}", f"   Where: {LONG}\t{LONG}",  # other whitespace: textwrap's own rules
])
def test_a_long_line_folds_at_spaces_as_textwrap_folds_it_under_its_text(line):
    text = line.lstrip(" ")
    indent = " " * (len(line) - len(text))
    number = text.split(" ", 1)[0]
    hang = indent + (" " * (len(number) + 1) if number[:-1].isdigit() and number.endswith(".") else "")
    assert eml._folded(line) == "\n".join(textwrap.wrap(text, eml.LINE_WIDTH, initial_indent=indent, subsequent_indent=hang,
                                                        break_long_words=False, break_on_hyphens=False))

def notice_texts(out: Path) -> dict[str, str]:
    """Each notice's body, by file name, its folded lines joined (a file name folds at its spaces)."""
    return {path.name: " ".join(body(eml.read_notice(path)).split()) for path in (out / "notices").glob("*.eml")}


def test_a_coach_whose_stipend_waits_only_for_their_signed_request_for_payment_is_asked_to_sign_it(tmp_path):
    """The run pre-fills the coach's Request for Payment in payment-requests/; the coach's notice and
    the coordinator's say so, with the pair, the amount and the form's file (they said nothing: the
    pair has no finding). The paid pair's coach is not asked, nor is anyone once the date is in."""
    from test_documents import completed_pairs_inbox  # 200 with coach 100 paid, 201 with coach 101 waiting

    inbox = completed_pairs_inbox(tmp_path, {"101": "Linda Marsh", "201": "Ryan Patel"})
    _, out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",), out=tmp_path / "week 1",
                                  state=tmp_path / "state"))
    [form] = (out / "payment-requests").glob("*.pdf")
    texts = notice_texts(out)
    linda = texts["101-linda-marsh.eml"]
    assert ("ITSS Technical Advancement Skills Coaching: your stipend of $300.00 for coaching Ryan Patel (201) waits only "
            "for your signed Coaching Request for Payment.") in linda
    assert f"Form, filled in for you: payment-requests/{form.name}" in linda
    assert "What to do: Sign and date the Coaching Request for Payment and return it, with the Coaching Log" in linda
    assert eml.read_notice(out / "notices" / "101-linda-marsh.eml")["Subject"].startswith("Coaching program: 1 thing to do")
    coordinator = texts["coordinator.eml"]
    assert "REQUESTS FOR PAYMENT WAITING FOR THE COACH'S SIGNATURE (1)" in coordinator
    assert "$300.00 for Linda Marsh (101), coach of Ryan Patel (201)" in coordinator
    assert f"Form: payment-requests/{form.name}" in coordinator
    assert not any("Request for Payment" in text for name, text in texts.items() if name.startswith("100-"))  # paid

    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows(
        [{"candidate_id": candidate, "coach_id": coach, "assigned_date": dt.date(2026, 5, 20),
          "planning_meeting_date": dt.date(2026, 6, 1), "goals_attained": "Yes", "status": "Completed",
          "completion_date": dt.date(2026, 10, 1), "payment_request_date": dt.date(2026, 10, 1)}
         for candidate, coach in (("200", "100"), ("201", "101"))])})
    result, out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF + dt.timedelta(days=7), program=("itss-coaching",),
                                       out=tmp_path / "week 2", state=tmp_path / "state"))
    assert list(result.payments["candidate_id"]) == ["201"]  # the signed form came in: paid
    assert not any("Request for Payment" in text for text in notice_texts(out).values())


def test_a_candidate_short_of_hours_past_the_deadline_is_told_what_is_still_possible(tmp_path):
    """A pair marked Completed in June with 10 h in the candidate log, its deadline (2 August) long past by
    the November run: the candidate's notice no longer asks to document the minimum hours before
    completion (it cannot be done); it says the deadline has passed and to check the log with the coordinator."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "Roster.xlsx", {"Roster": roster_rows([
        {"employee_id": CORA, "name": "Cora Coach", "email": "cora@example.org", "grade": 25, "hire_date": dt.date(2015, 1, 5)},
        {"employee_id": CAL, "name": "Cal Candidate", "email": "cal@example.org", "grade": 20}])})
    write_workbook(inbox / "Assignments.xlsx", {"Assignments": assignment_rows([
        {"candidate_id": CAL, "coach_id": CORA, "assigned_date": dt.date(2026, 1, 20),
         "planning_meeting_date": dt.date(2026, 2, 2), "target_grade": 23, "goals_attained": "Yes",
         "status": "Completed", "completion_date": dt.date(2026, 6, 15)}])})
    write_workbook(inbox / "Candidate Log.xlsx", {"Log": candidate_log_rows([
        {"candidate_id": CAL, "coach_id": CORA, "date": dt.date(2026, 3, day), "duration": 2.0, "description": f"study {day}"}
        for day in range(2, 7)])})
    _, out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, out=tmp_path / "out", dry_run=True))
    cal = notice_texts(out)[f"{CAL}-cal-candidate.eml"]
    assert "Marked Completed but the candidate log counts 10.00 h of the 40 h needed" in cal
    assert "document the minimum hours before completion" not in cal
    assert ("What to do: The deadline (2026-08-02) has passed: no hours after it count. Check the candidate log with "
            "the coordinator for sessions held by then that are not in it; if none is missing, the minimum was not "
            "met and the pair cannot be completed with these hours.") in cal


def test_a_program_that_pays_nothing_asks_nobody_to_sign_a_request_for_payment(tmp_path):
    from test_documents import completed_pairs_inbox

    _, out = run_batch(RunOptions(inbox=completed_pairs_inbox(tmp_path, {}), as_of=AS_OF, program=("reps-coaching",),
                                  dry_run=True))
    assert not list((out / "payment-requests").glob("*.pdf"))
    assert not any("Request for Payment" in text for text in notice_texts(out).values())


def test_nothing_confidential_is_in_any_notice(week):
    _, out = week
    for path in (out / "notices").iterdir():
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert SECRET not in path.read_text(encoding="utf-8", errors="replace") and SECRET not in body(message), path.name


def test_run_json_records_the_ledger_folder_the_notices_are_recorded_in(week):
    _, out = week
    assert json.loads((out / "run.json").read_text())["state_dir"] == str((out.parent / "state").resolve())


# --- sending ----------------------------------------------------------------------------------------


def test_send_delivers_one_message_per_recipient_and_the_coordinators_to_the_config_address(capsys, outputs, smtp):
    recorder, port = smtp
    status, stdout, stderr = send(capsys, outputs, smtp_config(outputs.parent, port))
    assert status == 0, stderr
    expected = ["cal@example.org", COORDINATOR, "cora@example.org"]  # sorted; Ned and Ida have no usable address
    assert recorder.to() == expected and len(recorder.received) == 3
    cal = received_by(recorder, "cal@example.org")[0]
    assert "is not enrolled" in body(cal) and "Your hours so far: 6; still needed: 34" in body(cal)
    assert "after the as-of date" not in body(cal)  # the coach's finding, not the candidate's
    cora = received_by(recorder, "cora@example.org")[0]
    assert cora["From"] == "coaching@example.org" and cora["X-Unsent"] is None and cora["Message-ID"]
    assert "Your contact hours so far: 2.5; still needed: 9.5" in body(cora)
    coordinator = received_by(recorder, COORDINATOR)[0]
    assert coordinator["To"].addresses[0].addr_spec == COORDINATOR and "please pass this on" in body(coordinator)
    assert "No address: 101-ned-noemail.eml" in stdout and f"{len(expected)} sent, 0 not sent" in stdout


def test_sending_the_same_week_again_sends_nothing_twice(capsys, outputs, smtp):
    recorder, port = smtp
    config = smtp_config(outputs.parent, port)
    assert send(capsys, outputs, config)[0] == 0
    first = len(recorder.received)
    status, stdout, _ = send(capsys, outputs, config)
    assert status == 0 and len(recorder.received) == first
    assert f"0 sent, 0 not sent, {first} already sent this week" in stdout


def test_a_refused_recipient_is_reported_the_rest_delivered_and_it_goes_out_on_the_next_send(capsys, outputs, smtp):
    recorder, port = smtp
    config = smtp_config(outputs.parent, port)
    recorder.refuse.add("cora@example.org")
    status, _, stderr = send(capsys, outputs, config)
    assert status == 1
    assert stderr.splitlines() == [f"Not sent: the notice to cora@example.org ({CORA}-cora-coach.eml): the server refused "
                                   "the recipient: 550 5.1.1 Mailbox unavailable; it goes out on the next send"]
    assert "cora@example.org" not in recorder.to() and COORDINATOR in recorder.to()
    delivered = len(recorder.received)
    recorder.refuse.clear()
    status, stdout, _ = send(capsys, outputs, config)
    assert status == 0 and "1 sent" in stdout
    assert recorder.to().count("cora@example.org") == 1 and len(recorder.received) == delivered + 1


def test_a_server_that_is_down_is_one_line_per_message_and_exit_2(capsys, outputs, smtp):
    recorder, _ = smtp
    status, stdout, stderr = send(capsys, outputs, smtp_config(outputs.parent, free_port()))
    assert status == 2
    lines = stderr.splitlines()
    assert len(lines) == len([p for p in (outputs / "notices").iterdir()]) - 2  # all but Ned's and Ida's (no address)
    assert all(line.startswith("Not sent: the notice to ") and "cannot reach the mail server 127.0.0.1:" in line for line in lines)
    assert recorder.received == []


def test_starttls_asked_of_a_server_without_it_sends_nothing_in_clear_text(capsys, outputs, smtp, monkeypatch):
    recorder, port = smtp
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret-from-env")  # so the only problem is the missing STARTTLS
    status, _, stderr = send(capsys, outputs, smtp_config(outputs.parent, port, starttls=True, username="coaching"))
    assert status == 2
    assert stderr.splitlines() == [f"Error: the mail server 127.0.0.1:{port} does not offer STARTTLS and the SMTP config "
                                   "asks for it (starttls = true): nothing was sent"]
    assert recorder.received == [] and recorder.logins == []


def test_the_password_comes_from_the_environment(capsys, outputs, smtp, monkeypatch):
    recorder, port = smtp
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret-from-env")
    status, _, stderr = send(capsys, outputs, smtp_config(outputs.parent, port, username="coaching"))
    assert status == 0, stderr
    assert recorder.logins and set(recorder.logins) == {(b"coaching", b"s3cret-from-env")}


def test_a_username_without_the_password_variable_stops_before_sending(capsys, outputs, smtp, monkeypatch):
    recorder, port = smtp
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    status, _, stderr = send(capsys, outputs, smtp_config(outputs.parent, port, username="coaching"))
    assert status == 2 and PASSWORD_VARIABLE in stderr and len(stderr.splitlines()) == 1
    assert recorder.received == []


def test_a_dry_run_lists_the_notices_without_the_password_variable(capsys, outputs, smtp, monkeypatch):
    """The coordinator previews the week's notices at a desk where only the scheduled job has the password."""
    recorder, port = smtp
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    status, stdout, stderr = send(capsys, outputs, smtp_config(outputs.parent, port, username="coaching"), "--dry-run")
    assert status == 0 and stderr == ""
    assert "Would send" in stdout and "dry run: nothing sent or recorded" in stdout
    assert recorder.received == [] and recorder.logins == []


def test_a_password_in_the_config_file_is_refused(capsys, outputs, smtp):
    recorder, port = smtp
    status, _, stderr = send(capsys, outputs, smtp_config(outputs.parent, port, username="coaching", password="hunter2"))
    assert status == 2
    assert stderr.splitlines() == [f"Error: {outputs.parent / 'smtp.toml'}: a password in the SMTP config file is refused; "
                                   f"set the environment variable {PASSWORD_VARIABLE} instead"]
    assert recorder.received == []


def test_a_dry_run_lists_what_would_be_sent_and_sends_and_records_nothing(capsys, outputs, smtp):
    recorder, port = smtp
    config = smtp_config(outputs.parent, port)
    status, stdout, _ = send(capsys, outputs, config, "--dry-run")
    assert status == 0 and "Would send: cora@example.org" in stdout and recorder.received == []
    assert send(capsys, outputs, config)[0] == 0
    assert "cora@example.org" in recorder.to()  # nothing was recorded as sent by the dry run


def test_send_finds_the_ledger_from_the_run_recorded_in_the_output_folder(capsys, week, smtp, tmp_path):
    recorder, port = smtp
    _, out = week
    config = smtp_config(tmp_path, port)
    status, _, stderr = command(capsys, "notices", "send", out, "--smtp-config", config)
    assert status == 0, stderr
    assert (out.parent / "state" / "ledger.sqlite").is_file()
    assert "already sent this week" in command(capsys, "notices", "send", out, "--smtp-config", config)[1]


def test_a_folder_without_a_ledger_is_refused_not_taken_for_a_week_with_nothing_sent(capsys, outputs, smtp, tmp_path):
    """`--state` mistyped: a new ledger there would remember nothing, and every notice would go out again."""
    recorder, port = smtp
    config = smtp_config(tmp_path, port)
    assert send(capsys, outputs, config)[0] == 0
    delivered = len(recorder.received)
    for dry_run in ((), ("--dry-run",)):
        status, stdout, stderr = command(capsys, "notices", "send", outputs, "--smtp-config", config,
                                         "--state", tmp_path / "stat", *dry_run)
        assert status == 2 and stdout == ""
        assert stderr == (f"Error: no ledger at {tmp_path / 'stat' / 'ledger.sqlite'} (a run records one; use --state "
                          "to point at its folder): nothing was sent\n")
    assert len(recorder.received) == delivered and not (tmp_path / "stat").exists()


def test_a_dry_runs_notices_are_never_sent_so_the_real_runs_of_that_date_go_out(capsys, smtp, tmp_path):
    """Sent and recorded as the week's, a preview's notices stopped the real run's (fixed inbox, other
    findings) as "already sent this week"."""
    recorder, port = smtp
    config = smtp_config(tmp_path, port)
    inbox, programs = small_inbox(tmp_path), ("itss-coaching", "reps-coaching")
    run_batch(RunOptions(inbox=inbox, as_of=AS_OF - dt.timedelta(days=7), program=programs))  # the ledger is there
    _, preview = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, dry_run=True, program=programs))
    status, stdout, stderr = command(capsys, "notices", "send", preview, "--smtp-config", config)
    assert status == 2 and stdout == "" and recorder.received == []
    assert stderr == (f"Error: {preview} holds a dry run's outputs: its notices are a preview and are never sent; "
                      "send the notices of the week's real run\n")
    status, stdout, _ = command(capsys, "notices", "send", preview, "--smtp-config", config, "--dry-run")
    assert status == 0 and "Would send: cora@example.org" in stdout  # what the real run's would be, listed
    _, real = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=programs))
    assert command(capsys, "notices", "send", real, "--smtp-config", config)[0] == 0
    assert recorder.to() == ["cal@example.org", COORDINATOR, "cora@example.org"]


def test_run_with_send_notices_writes_records_and_sends_in_one_step(capsys, tmp_path, smtp):
    recorder, port = smtp
    inbox = small_inbox(tmp_path)
    config = smtp_config(tmp_path, port)
    status, stdout, stderr = command(capsys, "run", inbox, "--as-of", AS_OF.isoformat(), "--out", tmp_path / "out",
                                     "--send-notices", "--smtp-config", config)
    assert status == 0, stderr
    assert "Outputs written to" in stdout and "cora@example.org" in recorder.to() and COORDINATOR in recorder.to()
    # a server that is down afterwards changes none of the run's outputs, and says so in its exit status
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    status, _, stderr = command(capsys, "notices", "send", tmp_path / "out", "--smtp-config", smtp_config(tmp_path, free_port()))
    assert status == 0  # everything was sent already: nothing to send, nothing fails
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()} == before


def test_the_command_that_sends_what_was_not_sent_can_be_pasted_with_spaces_in_its_paths(capsys, tmp_path):
    """An output folder under "Coaching 2026" (or C:\\Coaching Out): the command on the last `Not sent:`
    line, pasted into a shell, named two folders that do not exist."""
    import shlex

    inbox, out = small_inbox(tmp_path), tmp_path / "Coaching 2026" / "week out"
    down = smtp_config(tmp_path, free_port())
    status, _, stderr = command(capsys, "run", inbox, "--as-of", AS_OF.isoformat(), "--out", out,
                                "--send-notices", "--smtp-config", down)
    assert status == 0
    pasted = stderr.splitlines()[-1].split("send them with `", 1)[1].rstrip("`")
    assert shlex.split(pasted) == ["coaching-batch", "notices", "send", str(out), "--smtp-config", str(down)]


def test_a_run_whose_notices_are_not_all_sent_exits_as_the_run_completed_and_says_how_to_send_them(capsys, tmp_path, smtp):
    """SPEC §7: the run completed (outputs written, stipends recorded), so it exits 0 (1 with --strict and
    an error finding), not 2 as a run that could not be done; each notice not sent is a line on stderr."""
    recorder, port = smtp
    inbox, out, down = small_inbox(tmp_path), tmp_path / "out", smtp_config(tmp_path, free_port())
    status, stdout, stderr = command(capsys, "run", inbox, "--as-of", AS_OF.isoformat(), "--out", out,
                                     "--send-notices", "--smtp-config", down)
    assert status == 0 and "Outputs written to" in stdout and (out / "payments.xlsx").is_file()
    lines = stderr.splitlines()
    assert len(lines) == 4 and all(line.startswith("Not sent: ") for line in lines)
    assert lines[-1].endswith(f"send them with `coaching-batch notices send {out} --smtp-config {down}`")
    status, _, _ = command(capsys, "notices", "send", out, "--smtp-config", smtp_config(tmp_path, port))
    assert status == 0 and recorder.to() == ["cal@example.org", COORDINATOR, "cora@example.org"]

    recorder.received.clear()
    recorder.refuse.add("cora@example.org")
    status, _, stderr = command(capsys, "run", inbox, "--as-of", (AS_OF + dt.timedelta(days=7)).isoformat(),
                                "--out", tmp_path / "next", "--send-notices", "--smtp-config", smtp_config(tmp_path, port))
    assert status == 0 and "Not sent: the notice to cora@example.org" in stderr
    assert json.loads((tmp_path / "next" / "run.json").read_text())["counts"]["errors"] > 0
    status, _, _ = command(capsys, "run", inbox, "--as-of", (AS_OF + dt.timedelta(days=14)).isoformat(), "--strict",
                           "--out", tmp_path / "after", "--send-notices", "--smtp-config", smtp_config(tmp_path, port))
    assert status == 1  # --strict and error findings: 1, as without --send-notices


def test_a_reader_that_leaves_early_leaves_every_notice_sent_and_the_exit_status_the_sends(outputs, smtp, tmp_path):
    """`run --send-notices … | head -1`, `notices send … | head -1`: the reader gone, the notices are
    still sent, a notice not sent is still its line on stderr, and the exit status is the send's."""
    recorder, port = smtp
    config = smtp_config(tmp_path, port)
    root = tmp_path / "weekly"  # a folder of its own: no delivered payment sheet beside it
    root.mkdir()
    run = with_reader_gone("run", small_inbox(root), "--as-of", AS_OF.isoformat(), "--send-notices", "--smtp-config", config)
    assert (run.returncode, run.stderr) == (0, ""), run.stderr
    assert recorder.to() == ["cal@example.org", COORDINATOR, "cora@example.org"]
    state = ("--state", outputs.parent / "state")
    dry = with_reader_gone("notices", "send", outputs, "--smtp-config", config, "--dry-run", *state)
    assert (dry.returncode, dry.stderr) == (0, "")
    down = with_reader_gone("notices", "send", outputs, "--smtp-config", smtp_config(tmp_path, free_port()), *state)
    assert down.returncode == 2 and down.stderr.count("Not sent: ") == 3


def test_a_coachee_who_keeps_no_log_of_their_own_is_shown_the_hours_with_the_coach():
    """A reps coachee (no candidate minimum, no candidate log) was told "Your hours so far: 0" while
    the coach's notice showed 19.5: the meetings logged with the coach are the coachee's hours."""
    from coaching_batch.notices import build

    pairs = pd.DataFrame([{"program": "reps-coaching", "status": "Active", "candidate_id": "200", "candidate_name": "Amara",
                           "coach_id": "100", "coach_name": "Pedro", "candidate_hours": 0.0, "candidate_hours_needed": None,
                           "coach_contact_hours": 19.5, "coach_contact_hours_needed": None, "deadline": pd.NaT}])
    coachee = build.Notice("200", "Amara", "200-amara.eml", roles={"candidate"})
    [progress] = build._progress(coachee, build._pairs_by_person(pairs), {}, {"reps-coaching": "Reps Coaching"}, {}, {}, {}, AS_OF)
    assert progress.with_coach and progress.hours == 19.5
    assert "  Hours logged with your coach so far: 19.5" in eml._progress_lines(progress)


def test_a_pair_of_a_mistyped_program_is_shown_as_not_judged_not_with_no_hours():
    """A coach whose pair's Program cell was mistyped (Reps Coachng) was told "Your contact hours so
    far: 0" for the meetings they had logged: the run judged none of them, so it says so instead."""
    from coaching_batch.notices import build

    pairs = pd.DataFrame([{"program": "Reps Coachng", "status": "Active", "candidate_id": "200", "candidate_name": "Ivy",
                           "coach_id": "100", "coach_name": "Carol", "candidate_hours": 0.0, "candidate_hours_needed": None,
                           "coach_contact_hours": 0.0, "coach_contact_hours_needed": None, "deadline": pd.NaT,
                           "not_judged": "program 'Reps Coachng' is not a known program"}])
    coach = build.Notice("100", "Carol", "100-carol.eml", roles={"coach"})
    [progress] = build._progress(coach, build._pairs_by_person(pairs), {}, {}, {}, {}, {}, AS_OF)
    assert eml._progress_lines(progress) == [
        "Reps Coachng: you are the coach of Ivy (200)",
        "  Not judged this week (program 'Reps Coachng' is not a known program): no hours are counted for it"]


def test_a_mentor_is_written_to_as_mentor_of_a_mentee():
    """The notice speaks the pair's program's words ([words] in its policy): a mentor of the mentoring
    preset is "the mentor of" a mentee, and a finding is "About: mentee …, mentor …"."""
    from coaching_batch.notices import build
    from coaching_batch.policy import load_policy

    words = {"support-mentoring": load_policy("support-mentoring").words}
    pairs = pd.DataFrame([{"program": "support-mentoring", "status": "Active", "candidate_id": "200", "candidate_name": "Nora",
                           "coach_id": "100", "coach_name": "Irene", "candidate_hours": 0.0, "candidate_hours_needed": None,
                           "coach_contact_hours": 8.5, "coach_contact_hours_needed": None, "deadline": pd.NaT}])
    by_person = build._pairs_by_person(pairs)
    mentor = build.Notice("100", "Irene", "100-irene.eml", roles={"coach"}, words=words)
    mentee = build.Notice("200", "Nora", "200-nora.eml", roles={"candidate"}, words=words)
    [as_mentor] = build._progress(mentor, by_person, {}, {"support-mentoring": "Mentoring"}, words, {}, {}, AS_OF)
    [as_mentee] = build._progress(mentee, by_person, {}, {"support-mentoring": "Mentoring"}, words, {}, {}, AS_OF)
    assert eml._progress_lines(as_mentor)[0] == "Mentoring: you are the mentor of Nora (200)"
    assert eml._progress_lines(as_mentee)[:2] == ["Mentoring: your mentor is Irene (100)", "  Hours logged with your mentor so far: 8.5"]
    mentor.findings = [(finding("LOG-MONTH-MISSING", "No meeting logged in 2026-08", candidate_id="200", coach_id="100",
                                program="support-mentoring"), "")]
    assert "About: mentee 200, mentor 100, support-mentoring" in eml.notice_text(mentor, AS_OF)


def test_a_mentors_notice_comes_from_the_mentoring_program_and_is_passed_on_as_a_mentors(tmp_path):
    """A mentor without an email address: the coordinator passes on "(100, mentor)", and the notice
    comes from "the mentoring program"; they said "coach" and "coaching program"."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows([
        {"employee_id": "100", "name": "Morgan Mentor", "grade": 20, "hire_date": "2015-03-01",
         "position_start_date": "2020-03-01", "supervisor_id": "9000", "employment_status": "Permanent"},
        {"employee_id": "200", "name": "Mia Mentee", "grade": 15, "hire_date": "2024-05-01", "supervisor_id": "9000",
         "employment_status": "Permanent", "evaluation_status": "Standard", "email": "mia@example.org"},
        {"employee_id": "9000", "name": "Sam Supervisor", "grade": 30, "hire_date": "2005-01-01"}])})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"program": "support-mentoring", "candidate_id": "200", "coach_id": "100", "assigned_date": "2026-01-05",
         "agreement_date": "2026-01-15", "status": "Active"}])})
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": f"2026-{month:02d}-20", "contact_type": "In Person",
         "duration": 1, "description": f"meeting {month}"} for month in range(2, 11) if month != 8])})
    run_batch(RunOptions(inbox=inbox, as_of=AS_OF, out=tmp_path / "out", dry_run=True))
    mentor = eml.read_notice(tmp_path / "out" / "notices" / "100-morgan-mentor.eml")
    assert mentor["Subject"].startswith("Mentoring program: 1 thing to do")
    assert "This is your weekly notice from the mentoring program" in body(mentor)
    coordinator = body(eml.read_notice(tmp_path / "out" / "notices" / "coordinator.eml"))
    assert "No email address on file for Morgan Mentor (100, mentor): please pass this on." in " ".join(coordinator.split())


@pytest.mark.parametrize("program, label", [("itss-coaching", "Deadline"), ("support-mentoring", "Relationship ends"),
                                            ("reps-coaching", "Commitment ends")])
def test_a_pairs_end_date_is_called_what_its_program_calls_it(program, label):
    """A mentoring relationship of up to 12 months has no deadline: its mentor was told "Deadline:"
    for the day the relationship ends."""
    from coaching_batch.notices import build
    from coaching_batch.policy import load_policy

    pairs = pd.DataFrame([{"program": program, "status": "Active", "candidate_id": "200", "candidate_name": "Nora",
                           "coach_id": "100", "coach_name": "Irene", "candidate_hours": 0.0, "candidate_hours_needed": None,
                           "coach_contact_hours": 8.5, "coach_contact_hours_needed": None, "deadline": pd.Timestamp("2026-09-15")}])
    coach = build.Notice("100", "Irene", "100-irene.eml", roles={"coach"})
    [progress] = build._progress(coach, build._pairs_by_person(pairs), {}, {}, {}, {program: load_policy(program).period_end_label}, {}, AS_OF)
    assert eml._progress_lines(progress)[-1] == f"  {label}: 15 September 2026"


@pytest.mark.parametrize("program, ends_on, label", [
    ("support-mentoring", "2026-09-14", "Relationship ended"), ("reps-coaching", "2026-09-14", "Commitment ended"),
    ("itss-coaching", "2026-09-14", "Deadline"), ("support-mentoring", "2026-09-15", "Relationship ends")])
def test_an_end_date_before_the_as_of_date_is_said_to_have_passed(program, ends_on, label):
    """A mentor whose relationship ended in January, still Active, was told in March "Relationship
    ends: 31 January": the end is in the past; on the as-of date itself it is reached, not passed."""
    from coaching_batch.notices import build
    from coaching_batch.policy import load_policy

    pairs = pd.DataFrame([{"program": program, "status": "Active", "candidate_id": "200", "candidate_name": "Nora",
                           "coach_id": "100", "coach_name": "Irene", "candidate_hours": 0.0, "candidate_hours_needed": None,
                           "coach_contact_hours": 8.5, "coach_contact_hours_needed": None, "deadline": pd.Timestamp(ends_on)}])
    coach = build.Notice("100", "Irene", "100-irene.eml", roles={"coach"})
    policy = load_policy(program)
    [progress] = build._progress(coach, build._pairs_by_person(pairs), {}, {}, {}, {program: policy.period_end_label},
                                 {program: policy.period_ended_label}, dt.date(2026, 9, 15))
    assert eml._progress_lines(progress)[-1] == f"  {label}: {pd.Timestamp(ends_on):%-d %B %Y}"


def test_a_notice_file_is_never_named_as_a_windows_device():
    """The notices folder is copied to the coordinator's Windows machine, where ``nul.eml`` or
    ``AUX.eml`` cannot be made: an employee ID such as NUL whose name leaves no ASCII letters gets
    ``-person`` after it."""
    from coaching_batch.notices import build

    notices = [build.Notice("NUL", "王伟", ""), build.Notice("aux", "🙂", ""), build.Notice("COM1", "Ann", ""),
               build.Notice("lpt9", "", "")]
    build._name_files(notices)
    assert [n.file for n in notices] == ["nul-person.eml", "aux-person.eml", "com1-ann.eml", "lpt9-person.eml"]


def test_control_characters_of_a_roster_cell_reach_no_header_or_line_of_a_notice():
    """A name pasted with a NUL or an escape character in it (Excel keeps them) is written without
    them: a NUL in a header or body is refused by mail servers, an ESC acts on a terminal."""
    from coaching_batch.notices import build

    notice = build.Notice("1\x0700", "Nul\x00Char Esc\x1b[31m", "100-nul-char.eml", address="nc@example.org", roles={"coach"})
    notice.findings = [(finding("PAIR-INACTIVE", "No coach-log entry about Be\x07ll", candidate_id="200", coach_id="100",
                                program="itss-coaching"), "")]
    raw = eml.notice_message(notice, AS_OF).as_bytes(policy=eml.FILE_POLICY)
    assert not any(byte < 0x20 and byte not in b"\t\r\n" or byte == 0x7F for byte in raw)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"].addresses[0].display_name == "NulChar Esc[31m" and message[eml.NOTICE_HEADER] == "employee 100"
    assert "Dear NulChar Esc[31m," in body(message) and "about Bell" in body(message)


@pytest.mark.parametrize("given", [os.devnull, "missing"], ids=["a device", "nothing there"])
def test_an_outdir_that_is_no_folder_is_said_so(capsys, tmp_path, given):
    """`notices send /dev/null` said 'cannot read /dev/null/run.json: [Errno 20] Not a directory', and a
    folder that is not there that it 'holds no run's outputs'."""
    out_dir = given if given == os.devnull else str(tmp_path / given)
    status, _, stderr = command(capsys, "notices", "send", out_dir, "--smtp-config", smtp_config(tmp_path, 25))
    assert status == 2
    assert stderr == (f"Error: {out_dir} is not a folder: name the output folder of a run\n" if given == os.devnull
                      else f"Error: no such folder: {out_dir}; name the output folder of a run\n")


def test_a_notice_of_thousands_of_findings_lists_the_first_hundred_errors_first_and_counts_the_rest():
    """5,000 Duration cells typed TBD on one sheet made a notice of 5,000 items (2 MB): a notice lists
    100, the errors before the warnings, then says how many more and where they all are; its
    subject and heading still count every one."""
    from coaching_batch.notices import build

    def items(rule, count):
        return [(finding(rule, f"{rule} at E{row}", file="Log.xlsx", sheet="Log", cell=f"E{row}", candidate_id="200",
                         coach_id="100", program="itss-coaching"), "") for row in range(2, 2 + count)]

    warnings, errors = items("LOG-DURATION-IMPLAUSIBLE", 4_950), items("CELL-TYPE", 50)
    coach = build.Notice("100", "Cora Coach", "100-cora-coach.eml", address="cora@example.org", roles={"coach"})
    coach.findings = warnings + errors
    message = eml.notice_message(coach, AS_OF)
    text = body(message)
    assert "5000 things to do" in message["Subject"] and "WHAT NEEDS YOUR ATTENTION (5000)" in text
    numbered = [line for line in text.splitlines() if line.split(". ", 1)[0].isdigit()]
    assert len(numbered) == 100
    assert numbered[0] == "1. Error: CELL-TYPE at E2" and numbered[49] == "50. Error: CELL-TYPE at E51"
    assert numbered[50] == "51. Warning: LOG-DURATION-IMPLAUSIBLE at E2"
    assert (" ".join(text.split("\n\n")[-2].split()) ==
            "... and 4,900 more not listed here (4,900 warnings): please ask the program coordinator for the full list.")
    coordinator = build.Notice(build.COORDINATOR, "Coaching Coordinator", build.COORDINATOR_FILE, roles={build.COORDINATOR})
    coordinator.findings = errors * 3
    assert body(eml.notice_message(coordinator, AS_OF)).endswith(
        "\n\n... and 50 more not listed here (50 errors).\n\nEvery finding of the run, with its status, is in exceptions.xlsx.\n")
    coach.findings = errors * 2
    assert "more not listed" not in body(eml.notice_message(coach, AS_OF))


def reps_inbox(root: Path, *, feedback: bool) -> Path:
    """Ron coaches Sue in reps coaching since 2025: a feedback round is due and no form of the pair's
    is in the inbox (with ``feedback``, a Feedback workbook holding another pair's form only)."""
    inbox = root / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "Roster.xlsx", {"Roster": roster_rows([
        {"employee_id": RON, "name": "Ron Reps", "email": "ron@example.org", "grade": 25},
        {"employee_id": SUE, "name": "Sue Supervisor", "email": "sue@example.org", "grade": 27}])})
    write_workbook(inbox / "Assignments.xlsx", {"Assignments": assignment_rows([
        {"program": "Reps Coaching", "candidate_id": SUE, "coach_id": RON, "assigned_date": dt.date(2025, 9, 1),
         "planning_meeting_date": dt.date(2025, 9, 8)}])})
    write_workbook(inbox / "Coach Log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": SUE, "coach_id": RON, "date": dt.date(2026, 6, 1), "contact_type": "Phone", "duration": 1}])})
    if feedback:
        write_workbook(inbox / "Feedback.xlsx", {"Feedback": table_rows("feedback", [
            {"employee_id": CORA, "role": "Coach", "coach_id": CORA, "candidate_id": CAL,
             "feedback_date": dt.date(2026, 10, 5), "rating": 4}])})
    return inbox


def test_a_table_missing_from_the_inbox_asks_no_coach_or_coachee_for_its_rows(tmp_path):
    """With no feedback workbook in the inbox, the coordinator is told once (TABLE-MISSING) and the
    pair's FEEDBACK-MISSING stays in the Exceptions, but the coach's and coachee's notices do not ask for
    forms they may well have sent (they did); with the workbook in and no form of theirs, they are asked."""
    result, out = run_batch(RunOptions(inbox=reps_inbox(tmp_path, feedback=False), as_of=AS_OF, out=tmp_path / "out",
                                       program=("reps-coaching",), dry_run=True))
    rules = [f.rule for f in result.findings]
    assert rules.count("FEEDBACK-MISSING") == 2 and "TABLE-MISSING" in rules
    texts = notice_texts(out)
    assert "No feedback table was read from the inbox" in texts["coordinator.eml"]
    for name in (f"{RON}-ron-reps.eml", f"{SUE}-sue-supervisor.eml"):
        assert "No feedback from" not in texts.get(name, ""), name

    with_table = tmp_path / "with the feedback workbook"
    with_table.mkdir()
    result, out = run_batch(RunOptions(inbox=reps_inbox(with_table, feedback=True), as_of=AS_OF,
                                       out=with_table / "out", program=("reps-coaching",), dry_run=True))
    assert "TABLE-MISSING" not in {f.rule for f in result.findings}
    texts = notice_texts(out)
    assert "No feedback from the coach dated in the 12 months" in texts[f"{RON}-ron-reps.eml"]
    assert "No feedback from the coachee dated in the 12 months" in texts[f"{SUE}-sue-supervisor.eml"]
