"""Programs on real workbooks and at the command line: values left blank in the roster, several
programs summed up in the run's output, and the README's stipend schedule as written."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbooks import assignment_rows, coach_log_rows, roster_rows, run_command, write_workbook

from coaching_batch.errors import UsageError
from coaching_batch.policy import policy_from_toml, preset_text, with_defaults

COMMAND = Path(sys.executable).parent / "coaching-batch"
README = Path(__file__).resolve().parent.parent / "README.md"
AS_OF = "2026-11-20"


def run(*args: str) -> subprocess.CompletedProcess:
    return run_command(*args)


def person(employee_id: str, name: str, **extra) -> dict:
    return {"employee_id": employee_id, "name": name, "grade": 20, "hire_date": dt.date(2012, 1, 9),
            "position_start_date": dt.date(2019, 1, 7), "employment_status": "Permanent", **extra}


def mentoring_inbox(root: Path, mentee: dict) -> Path:
    """One mentoring pair on real workbooks, the mentee's roster row as given, one meeting a month."""
    inbox = root / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Staff": roster_rows([person("100", "Maya Mentor"), person("200", "Milo Mentee", **mentee)])})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"program": "Supporting Services Mentoring", "candidate_id": "200", "coach_id": "100",
         "agreement_date": dt.date(2026, 9, 1), "status": "Active"}])})
    write_workbook(inbox / "mentor log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, month, 3), "contact_type": "In Person",
         "duration": 1.5, "description": f"meeting {month}"} for month in (9, 10, 11)])})
    return inbox


@pytest.mark.parametrize("blank", ["supervisor_id", "employment_status", "evaluation_status"])
def test_a_mentee_with_a_blank_roster_column_is_judged_without_a_crash(tmp_path, blank):
    mentee = {"supervisor_id": "9000", "employment_status": "Permanent", "evaluation_status": "Standard", blank: None}
    inbox = mentoring_inbox(tmp_path, mentee)
    completed = run("run", str(inbox), "--as-of", AS_OF, "--out", str(tmp_path / "out"), "--dry-run")
    assert completed.returncode == 0, completed.stderr
    report = json.loads((tmp_path / "out" / "run.json").read_text())
    (pair,) = report["pairs"]
    assert pair["program"] == "support-mentoring" and pair["coach_contact_hours"] == 4.5
    rules = [f["rule"] for f in report["exceptions"]]
    # A blank employment status is "not recorded" (not eligible); a blank supervisor or evaluation is fine.
    assert rules == (["MENTEE-NOT-ELIGIBLE"] if blank == "employment_status" else [])


def test_a_program_name_the_console_cannot_print_is_shown_escaped_not_a_traceback(tmp_path):
    """A console in Latin-1 or cp1252 (a scheduler's log on a server not set to UTF-8, Windows) and a
    Program cell with an emoji: the run was recorded, then its summary line stopped the command with a
    traceback and exit status 1."""
    inbox = mentoring_inbox(tmp_path, {"supervisor_id": "9000"})
    write_workbook(inbox / "more pairs.xlsx", {"Pairs": assignment_rows([
        {"program": "Peer Reading Circle \U0001f4da", "candidate_id": "200", "coach_id": "100"}])})
    completed = subprocess.run([str(COMMAND), "run", str(inbox), "--as-of", AS_OF, "--out", str(tmp_path / "out")],
                               capture_output=True, timeout=300, env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    assert (completed.returncode, completed.stderr) == (0, b"")
    assert b"  Peer Reading Circle \\U0001f4da  1 pair (not a known program: not judged)" in completed.stdout


def test_a_run_over_several_programs_prints_one_line_per_program(tmp_path):
    inbox = mentoring_inbox(tmp_path, {"supervisor_id": "9000"})
    write_workbook(inbox / "more pairs.xlsx", {"Pairs": assignment_rows([
        {"program": "REPS COACHING", "candidate_id": "100", "coach_id": "200", "planning_meeting_date": dt.date(2026, 10, 1)},
        {"program": "Peer Reading Circle", "candidate_id": "200", "coach_id": "100"}])})
    completed = run("run", str(inbox), "--as-of", AS_OF, "--out", str(tmp_path / "out"), "--dry-run")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("3 pairs:")
    assert any(re.match(r"\s+support-mentoring\s+1 pair, 0 completion-eligible$", line) for line in lines)
    assert any(re.match(r"\s+reps-coaching\s+1 pair, 0 completion-eligible$", line) for line in lines)
    assert any("Peer Reading Circle" in line and "not judged" in line for line in lines)
    assert not any("newly payable" in line for line in lines[1:])  # none of these programs pays


def test_the_readmes_table_of_presets_lists_each_presets_sections_in_order():
    """A coordinator copying a preset compares it with this table: it left out the [reading] section
    (day_first) that every preset has."""
    rows = re.findall(r"^\| \[`([a-z-]+)`\]\(coaching_batch/programs/[^)]+\) \| [^|]+ \| (.+) \|$",
                      README.read_text(encoding="utf-8"), flags=re.M)
    assert sorted(name for name, _ in rows) == sorted(["itss-coaching", "support-mentoring", "reps-coaching", "job-embedded"])
    for name, sections in rows:
        assert re.findall(r"`\[(\w+)\]`", sections) == re.findall(r"^\[(\w+)\]", preset_text(name), flags=re.M), name


def test_the_readmes_table_of_rule_codes_holds_every_code():
    """The table says its codes are those of findings.py: the ledger's and payment sheets' codes
    (PAYMENT-RECOVERED, PAYMENT-SHEET-*, LEDGER-UNSAFE-LOCATION ...) were missing from it."""
    from coaching_batch.findings import CATALOGUE

    text = README.read_text(encoding="utf-8")
    table = text[text.index("| group | codes |"):]
    table = table[:table.index("\n\n")]
    assert set(re.findall(r"`([A-Z]+(?:-[A-Z]+)+)`", table)) == set(CATALOGUE)


def test_the_readmes_examples_of_policy_errors_are_what_a_copy_of_the_preset_gives():
    """Its copy is what `programs show support-mentoring > our-mentoring.toml` saves: the README quoted
    a misspelt max_hours at line 25 of it, where the file has it at line 27."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    for preset, file, (wrong, right) in (("support-mentoring", "our-mentoring.toml", ("max_hours", "max_hour")),
                                          ("itss-coaching", "our-itss.toml", ("candidate_minimum = 40", "candidate_minimum = 40%"))):
        shown_by_programs_show = with_defaults(preset_text(preset), policy_from_toml(preset_text(preset), preset), preset)
        with pytest.raises(UsageError) as refused:
            policy_from_toml(shown_by_programs_show.replace(wrong, right, 1), file)
        shown = str(refused.value)
        assert f"`Error: {shown}" in text or f"`Error: {shown[:shown.index(')') + 1]}" in text, shown


def test_the_readmes_stipend_schedule_loads_and_pays_as_it_says():
    block = README.read_text(encoding="utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    itss = preset_text("itss-coaching")
    for section in ("hours", "payment"):  # the README's sections replace the preset's
        itss = re.sub(rf"\[{section}\].*?\n\n", "", itss, flags=re.S)
    payment = policy_from_toml(itss + "\n" + block, "tiered.toml").payment
    from coaching_batch.rules.payment import stipend

    trained_2025 = {"coach_training_date": dt.datetime(2025, 3, 1)}
    trained_2020 = {"coach_training_date": dt.datetime(2020, 3, 1)}
    assert stipend(payment, 10 * 60 + 30, trained_2025) == (262.5, "10.50 coach contact h × $25.00/h (tier: below 12 h)")
    assert stipend(payment, 12 * 60, trained_2025)[0] == 400.0
    assert stipend(payment, 12 * 60, trained_2020)[0] == 300.0
    assert stipend(payment, 12 * 60 - 1, trained_2020) == (299.5, "11.98 coach contact h × $25.00/h (tier: below 12 h)")


def test_programs_show_accepts_a_title_and_checks_a_policy_file(tmp_path):
    by_title = run("programs", "show", "Reps Coaching")
    assert by_title.returncode == 0 and 'name = "reps-coaching"' in by_title.stdout
    broken = tmp_path / "ours.toml"
    broken.write_text(preset_text("reps-coaching").replace("max_active_coachees = 3", "max_active_coachees = 3.5"))
    checked = run("programs", "show", str(broken))
    assert checked.returncode == 2
    assert checked.stderr.strip().splitlines() == [
        f"Error: {broken} line {_line(broken, 'max_active_coachees')}: [capacity] max_active_coachees must be a whole number, not 3.5"]


def test_programs_show_prints_every_setting_in_force_the_defaults_as_comment_lines(tmp_path):
    """A file of three settings printed only them: months_minimum = 2, requires_payment_request = true and
    the other defaults applied unseen. Each now shows in its section marked '# default' (a section every
    program has, left out, is added with its defaults), and what is printed, saved, is the same policy."""
    mini = tmp_path / "mini.toml"
    mini.write_text('name = "mini"\n\n[window]\nmonths_maximum = 4\n\n[payment]\nstipend = 450\n', encoding="utf-8")
    shown = run("programs", "show", str(mini))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    window = lines[lines.index("[window]") + 1:lines.index("[payment]")]
    assert window[0] == "months_maximum = 4"
    assert window[1] == "# months_minimum = 2            # default"
    assert "# requires_payment_request = true # default" in lines[lines.index("[payment]"):]
    assert "[hours]" in lines and "# candidate_minimum             # default: no minimum" in lines
    assert "# implausible_entry_hours = 8   # default" in lines
    policy = policy_from_toml(mini.read_text(encoding="utf-8"), "mini.toml")
    for setting in policy.settings():
        assert any(line.startswith((f"{setting.key} =", f"# {setting.key} ", f"# {setting.key}=")) for line in lines), setting
    saved = tmp_path / "saved.toml"
    saved.write_text(shown.stdout, encoding="utf-8")
    assert policy_from_toml(shown.stdout, "saved.toml").sections == policy.sections
    assert run("programs", "show", str(saved)).stdout == shown.stdout  # shown again, nothing added twice
    reps = run("programs", "show", "reps-coaching").stdout.splitlines()
    coach = reps[reps.index("[coach]") + 1:reps.index("[capacity]")]
    assert coach[0].startswith("require_training = true") and "# min_years_employed = 0        # default" in coach
    assert "# max_concurrent_candidates = 0 # default: no limit" in coach  # not a limit of 0 candidates


def test_programs_show_lists_below_the_defaults_of_a_section_written_without_its_own_header():
    """Only [[payment.tiers]] (the README's schedule) or an inline table: no [payment] line to put them under."""
    text = ('name = "tiers"\nwindow = { months_maximum = 4 }\n\n[[payment.tiers]]\nfrom_hours = 12\namount = 400\n'
            'when = { column = "coach_training_date", on_or_after = 2025-01-01 }\n')
    policy = policy_from_toml(text, "tiers.toml")
    shown = with_defaults(text, policy, "tiers.toml")
    assert shown.startswith(text) and policy_from_toml(shown, "tiers.toml") == policy
    lines = shown.splitlines()
    assert "# [payment] requires_coach_log = true     # default" in lines
    assert "# [window] months_minimum = 2            # default" in lines
    assert "[reading]" in lines and "# day_first = false             # default" in lines


def _line(path: Path, key: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if line.startswith(key))


def test_a_policy_file_saved_by_notepad_with_a_byte_order_mark_is_read(tmp_path):
    policy = tmp_path / "ours.toml"
    policy.write_bytes("\ufeff".encode() + preset_text("support-mentoring").replace("max_hours = 4 ", "max_hours = 6 ").encode())
    shown = run("programs", "show", str(policy))
    assert shown.returncode == 0 and "max_hours = 6" in shown.stdout


def test_a_policy_file_that_is_not_utf8_is_one_error_line(tmp_path):
    policy = tmp_path / "ours.toml"
    policy.write_bytes('name = "Mentor\xeda"\n'.encode("latin-1"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    completed = run("run", str(inbox), "--program", str(policy), "--out", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [f"Error: policy file {policy} is not UTF-8 text: save it again as UTF-8"]


def test_a_folder_given_as_the_policy_file_is_called_a_folder(tmp_path):
    folder = tmp_path / "ours.toml"
    folder.mkdir()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    completed = run("run", str(inbox), "--program", str(folder), "--out", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [f"Error: {folder} is a folder, not a policy file"]


def test_a_program_names_its_people_in_words_and_a_blank_word_is_refused():
    itss = preset_text("itss-coaching")
    assert policy_from_toml(itss, "itss.toml").words.candidate == "candidate"
    mentoring = policy_from_toml(preset_text("support-mentoring"), "m.toml").words
    assert (mentoring.coach, mentoring.candidate, mentoring.activity) == ("mentor", "mentee", "mentoring")
    without = policy_from_toml(itss.split("[words]")[0], "old.toml").words  # a copy made before [words]
    assert (without.coach, without.candidate, without.activity) == ("coach", "candidate", "coaching")
    with pytest.raises(UsageError, match=r"\[words\] coach must not be blank"):
        policy_from_toml(itss.replace('coach = "coach"', 'coach = "  "'), "blank.toml")


@pytest.mark.parametrize("key, value", [("name", "ours\\r\\nBcc: x@example.org"), ("name", "ours\\u0000"), ("title", "Our \\u001b[31mProgram")])
def test_a_program_name_or_title_with_a_line_break_or_control_character_is_refused(key, value):
    """A program's name and title are printed on the console, in notices, file names and workbooks:
    one with a line break, a NUL or an escape sequence is refused at its line, as a blank name is."""
    itss = preset_text("itss-coaching")
    line = next(line for line in itss.splitlines() if line.startswith(f"{key} = "))
    with pytest.raises(UsageError, match=rf"ours.toml line \d+: {key} must be one line of text, without line breaks or control characters"):
        policy_from_toml(itss.replace(line, f'{key} = "{value}"'), "ours.toml")


# A copied policy whose numbers contradict themselves: (preset, line as shipped, as edited, what the one line says).
SENSELESS = [
    ("itss-coaching", "months_maximum = 6 ", "months_maximum = 1 ",
     "[window] months_minimum must be at most months_maximum (1), not 2: "),
    ("itss-coaching", "months_maximum = 6 ", "months_maximum = 0 ", "[window] months_maximum must be at least 1, not 0: "),
    ("itss-coaching", "inactive_days = 30 ", "inactive_days = 0 ", "[window] inactive_days must be at least 1, not 0: "),
    ("itss-coaching", "implausible_entry_hours = 8 ", "implausible_entry_hours = 0.0 ",
     "[hours] implausible_entry_hours must be more than 0, not 0: "),
    ("support-mentoring", "\nmonths = 12 ", "\nmonths = 0 ", "[relationship] months must be at least 1, not 0: "),
    ("support-mentoring", "max_hours = 4 ", "max_hours = 0 ", "[monthly_meetings] max_hours must be more than 0, not 0: "),
    ("support-mentoring", 'employment_status = ["Permanent"]', "employment_status = []",
     "[mentee_eligibility] employment_status must list at least one value, not []: no mentee could be eligible "
     "(to accept any status, list every one the roster allows: Permanent, Temporary, Probationary)"),
    ("reps-coaching", "\nmonths = 12 ", "\nmonths = 0 ", "[commitment] months must be at least 1, not 0: "),
    ("reps-coaching", "inactive_days = 60 ", "inactive_days = 0 ", "[coach_activity] inactive_days must be at least 1, not 0: "),
    ("job-embedded", "max_days = 21 ", "max_days = 0 ", "[meeting_gap] max_days must be at least 1, not 0: "),
]


@pytest.mark.parametrize("preset, old, new, said", SENSELESS, ids=[case[2].split("=")[0].strip() + f"-{case[0]}" for case in SENSELESS])
def test_a_copied_policy_that_contradicts_itself_is_refused_at_its_line(preset, old, new, said):
    """A maximum under its minimum, a period or limit of 0, no status a mentee may have: the run would
    judge every pair by it without a word (a 1-month ITSS deadline under the 2-month minimum made no
    pair completion-eligible); it is one line naming the file, line, setting, value and what is allowed."""
    text = preset_text(preset)
    assert text.count(old) == 1
    edited = text.replace(old, new)
    with pytest.raises(UsageError) as refused:
        policy_from_toml(edited, "ours.toml")
    key = "months_minimum" if "months_minimum" in said else new.split("=")[0].strip()
    line = next(n for n, text_line in enumerate(edited.splitlines(), start=1) if text_line.startswith(f"{key} ="))
    assert str(refused.value).startswith(f"ours.toml line {line}: {said}")


def test_a_contradictory_window_stops_the_run_before_anything_is_read(tmp_path):
    policy = tmp_path / "ours.toml"
    policy.write_text(preset_text("itss-coaching").replace("months_maximum = 6 ", "months_maximum = 1 "))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for command in (("programs", "show", str(policy)), ("run", str(inbox), "--program", str(policy), "--out", str(tmp_path / "out"))):
        completed = run(*command)
        assert completed.returncode == 2 and completed.stdout == ""
        assert completed.stderr.strip().splitlines() == [
            f"Error: {policy} line {_line(policy, 'months_minimum')}: [window] months_minimum must be at most "
            "months_maximum (1), not 2: a completion early enough to meet the deadline would always be too soon, "
            "and one late enough never on time"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("preset, old, new", [
    ("itss-coaching", "candidate_minimum = 40 ", "candidate_minimum = 0 "),
    ("itss-coaching", "months_minimum = 2 ", "months_minimum = 0 "),
    ("itss-coaching", "months_minimum = 2 ", "months_minimum = 6 "),
    ("itss-coaching", "not_started_days = 30 ", "not_started_days = 0 "),
    ("itss-coaching", "at_risk_days = 30 ", "at_risk_days = 0 "),
    ("itss-coaching", "implausible_entry_hours = 8 ", "implausible_entry_hours = 0.5 "),
    ("support-mentoring", 'excluded_evaluation = ["PAR", "Special Evaluation"]', "excluded_evaluation = []"),
    ("reps-coaching", "due_days = 30 ", "due_days = 0 "),
    ("job-embedded", "due_days = 30 ", "due_days = 0 "),
    ("job-embedded", 'review_due = ["12-15", "04-15"]', "review_due = []"),
])
def test_an_unusual_but_meaningful_number_is_accepted(preset, old, new):
    """No hour minimum, no too-soon warning, a fixed length, due on the day itself, no reviews: real choices."""
    text = preset_text(preset)
    assert text.count(old) == 1
    policy_from_toml(text.replace(old, new), "ours.toml")


SCHEDULE = """
[[payment.tiers]]
from_hours = 12
amount = 300

[[payment.tiers]]
below_hours = 12
per_hour = 25
"""


@pytest.mark.parametrize("minimum, edit, said", [
    (12, ("", ""),
     "[[payment.tiers]] tier 2 below_hours must be more than [hours] coach_contact_minimum (12), not 12: a pair with "
     "fewer coach contact hours is not paid at all, so the tier is never reached (lower coach_contact_minimum, "
     "to 0 for a schedule that pays from the first hour)"),
    (0, ("amount = 300", "amount = 300\nbelow_hours = 12"),
     "[[payment.tiers]] tier 1 below_hours must be more than its from_hours (12), not 12: "
     "no number of hours is from the one and below the other"),
])
def test_a_stipend_tier_no_paid_pair_can_reach_is_refused_at_its_own_line(minimum, edit, said):
    """A tier below the contact-hour minimum (the README's schedule with the ITSS 12-hour minimum left in)
    would never pay: a pair short of the minimum is not paid at all. The line is the tier's own."""
    text = preset_text("itss-coaching").replace("stipend = 300 ", "stipend = 0 ") + SCHEDULE
    from_first_hour = text.replace("coach_contact_minimum = 12 ", "coach_contact_minimum = 0 ")
    policy_from_toml(from_first_hour, "ours.toml")  # accepted
    edited = text.replace("coach_contact_minimum = 12 ", f"coach_contact_minimum = {minimum} ").replace(*edit)
    with pytest.raises(UsageError) as refused:
        policy_from_toml(edited, "ours.toml")
    lines = edited.splitlines()
    tier = int(said.split("tier ")[1].split()[0])
    header = [n for n, line in enumerate(lines, start=1) if line == "[[payment.tiers]]"][tier - 1]
    line = next(n for n, text_line in enumerate(lines, start=1) if n > header and text_line.startswith("below_hours"))
    assert str(refused.value) == f"ours.toml line {line}: {said}"


@pytest.mark.parametrize("old, new, said", [
    ('review_due = ["12-15", "04-15"]', 'review_due = ["08-01", "04-15"]',
     "[partnership_agreement] review_due '08-01' must be more than due_days (30) into the school year that starts "
     "'08-01', not 0 days: no pair owes a review due by the day its agreement is due, so it would never be asked for"),
    ('review_due = ["12-15", "04-15"]', 'review_due = ["12-15", "08-31"]', "review_due '08-31' must be more than due_days (30)"),
    ("due_days = 30 ", "due_days = 200 ", "review_due '12-15' must be more than due_days (200) into the school year "
     "that starts '08-01', not 136 days"),
])
def test_an_agreement_review_due_before_the_agreement_itself_is_refused(old, new, said):
    """A review due on the school year's first day, or by the day the year's agreement is due, is owed by
    no pair: the copy would drop it without a word (one of 1 December would count, one of 31 August not)."""
    text = preset_text("job-embedded")
    assert text.count(old) == 1
    edited = text.replace(old, new)
    with pytest.raises(UsageError) as refused:
        policy_from_toml(edited, "ours.toml")
    line = next(n for n, text_line in enumerate(edited.splitlines(), start=1) if text_line.startswith("review_due"))
    assert str(refused.value).startswith(f"ours.toml line {line}: ") and said in str(refused.value)


def test_an_agreement_review_due_by_the_agreement_in_a_year_without_29_february_is_refused():
    """A school year starting on 1 February with its agreement due in 28 days: a review of 1 March is 29
    days in in a leap year but 28 in the others, the day the agreement is due, so it is owed by no pair
    three years in four; the check was made in a leap year only and let it through."""
    edited = (preset_text("job-embedded").replace('starts = "08-01"', 'starts = "02-01"')
              .replace("due_days = 30 ", "due_days = 28 ").replace('review_due = ["12-15", "04-15"]', 'review_due = ["03-01", "09-15"]'))
    with pytest.raises(UsageError) as refused:
        policy_from_toml(edited, "ours.toml")
    assert ("review_due '03-01' must be more than due_days (28) into the school year that starts '02-01', "
            "not 28 days in a year without 29 February") in str(refused.value)
    policy_from_toml(edited.replace('"03-01"', '"03-02"'), "ours.toml")  # 29 days in every year


@pytest.mark.parametrize("old, new", [('starts = "08-01"', 'starts = "12-16"'),
                                      ('review_due = ["12-15", "04-15"]', 'review_due = ["09-01", "07-31"]')])
def test_an_agreement_review_due_after_the_agreement_is_accepted(old, new):
    """Reviews due later in the school year, whenever it starts (a 15 December review 364 days into a
    year starting on the 16th), are fine."""
    policy_from_toml(preset_text("job-embedded").replace(old, new), "ours.toml")


@pytest.mark.parametrize(
    "old, new, said",
    [
        ("require_pgs_meeting = true", "require_pgs_meeting = True",
         "is not valid TOML (require_pgs_meeting = True): write true or false, in small letters: require_pgs_meeting = true"),
        ("candidate_minimum = 40", "candidate_minimum = 40%",
         "is not valid TOML (candidate_minimum = 40%): write the number alone, without %: candidate_minimum = 40"),
        ("stipend = 300", "stipend = 1,300",
         "is not valid TOML (stipend = 1,300): write the number without commas: stipend = 1300"),
        ("stipend = 300", "stipend = $300",
         "is not valid TOML (stipend = $300): write the amount as a number alone: stipend = 300"),
        ("months_maximum = 6", "months_maximum = 6 months",
         "is not valid TOML (months_maximum = 6 months): write the number alone, without its unit: months_maximum = 6"),
        ('title = "ITSS Technical Advancement Skills Coaching"', "title = ITSS Coaching",
         'is not valid TOML (title = ITSS Coaching): put text in straight quotes: title = "ITSS Coaching"'),
        ('title = "ITSS Technical Advancement Skills Coaching"', "title = “ITSS Coaching”",
         'is not valid TOML (title = “ITSS Coaching”): write text between straight quotes " (not curly ones): '
         'title = "ITSS Coaching"'),
        ("stipend = 300", "stipend: 300", "is not valid TOML (stipend: 300): write stipend = 300"),
        ("stipend = 300", "stipend = 300\nstipend = 450", "stipend is given twice in [payment]: keep one stipend line"),
        ("stipend = 300", 'stipend = "300"', "[payment] stipend must be a number, not '300': write stipend = 300, without quotes"),
        ("require_training = true", 'require_training = "yes"',
         "[coach] require_training must be true or false, not 'yes': write require_training = true, without quotes"),
    ],
)
def test_a_value_typed_as_a_person_would_is_refused_at_its_line_saying_what_to_write(tmp_path, old, new, said):
    """TOML's own words named no fix ('Invalid value (at line 22, column 23)', 'Expected newline or end of
    document after a statement') and, for a setting given twice, no line ('at end of document')."""
    policy = tmp_path / "ours.toml"
    text = preset_text("itss-coaching")
    assert old in text
    policy.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(n for n, typed in enumerate(policy.read_text().splitlines(), start=1) if typed.startswith(new.splitlines()[-1]))
    checked = run("programs", "show", str(policy))
    assert checked.returncode == 2
    separator = " " if said.startswith("is not valid TOML") else ": "
    assert checked.stderr.strip().splitlines() == [f"Error: {policy} line {line}{separator}{said}"]


def test_a_school_years_start_typed_as_a_date_is_told_the_month_and_day_to_write():
    text = preset_text("job-embedded").replace('starts = "08-01"', "starts = 2026-08-01")
    with pytest.raises(UsageError, match=r'line \d+: \[school_year\] starts must be text in quotes, not 2026-08-01: '
                                         r'write starts = "08-01"$'):
        policy_from_toml(text, "ours.toml")


def test_a_policy_file_left_in_the_inbox_is_said_not_to_be_used_unless_given_with_program(tmp_path):
    """A coordinator who saved our-mentoring.toml (max_hours = 6) beside the workbooks had it skipped as
    'not a workbook', the run judging by the preset's 4 hours with no word on the console."""
    inbox = mentoring_inbox(tmp_path, {"supervisor_id": "9000"})
    ours = inbox / "our-mentoring.toml"
    ours.write_text(preset_text("support-mentoring").replace("max_hours = 4 ", "max_hours = 6 "), encoding="utf-8")
    completed = run("run", str(inbox), "--as-of", AS_OF, "--out", str(tmp_path / "out"), "--dry-run")
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.splitlines() == [
        "Not used: our-mentoring.toml in the inbox is a policy file; a run applies one only when given with --program "
        f"(give --program {ours} to use it)"]
    inputs = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["inputs"]
    assert [(i["path"], i["note"]) for i in inputs if i["path"].endswith(".toml")] == [
        ("our-mentoring.toml", "a policy file: a run applies one only when given with --program FILE.toml")]
    given = run("run", str(inbox), "--as-of", AS_OF, "--out", str(tmp_path / "out2"), "--dry-run",
                "--program", "itss-coaching", "--program", str(ours))
    assert given.returncode == 0 and "Not used" not in given.stderr
