"""The documents a run writes: Certificates of Completion (one PDF each and one to print), the
coach's Request for Payment pre-filled with the log summary, the payment documentation; the
certificate wording from a template file; names a PDF font lacks, long goals and a missing
supervisor. PDFs are read back with pypdf."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from coaching_batch.cli import main
from coaching_batch.documents import default_template_text, write_certificates, write_payment_requests
from coaching_batch.documents.pdf import REPLACEMENT
from coaching_batch.documents.names import safe_filename
from coaching_batch.documents.payments import waiting_for_request
from coaching_batch.pipeline import RunOptions, run_batch
from coaching_batch.read import read_workbook
from workbooks import (assignment_rows, candidate_log_rows, coach_log_rows, recommendation_rows, request_rows,
                       roster_rows, write_workbook)

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
AS_OF = dt.date(2026, 11, 20)
RYAN_PATEL = ("115230", "102264")  # completed and payable but for the coach's Request for Payment
CALVIN_REESE = "124250"  # job-embedded, completed; his supervisor is not in the roster
KEVIN_TRAN = "206995"  # support-mentoring, completed with Gloria Alvarado as his mentor


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def shown(pdf) -> list[tuple[float, float, float, str]]:
    """(x, y, size, text) in points of each piece of text on the pages of ``pdf`` (an FPDF), as pypdf reads them."""
    found = []
    for page in PdfReader(BytesIO(bytes(pdf.output()))).pages:
        page.extract_text(visitor_text=lambda text, _cm, tm, _font, size: found.append((round(tm[4], 2), round(tm[5], 2), size, text.strip()))
                          if text.strip() else None)
    return found


def copy_demo(root: Path) -> Path:
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox, ignore=shutil.ignore_patterns("*.md", "*.json"))
    return inbox


def cli(*args: str) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    return exit_.value.code


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    """The demo inbox run for real twice as of the same week (the second issues nothing new)."""
    root = tmp_path_factory.mktemp("documents")
    inbox = copy_demo(root)
    first, first_out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",)))
    second, second_out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",)))
    return {"root": root, "inbox": inbox, "first": first, "out": first_out, "second": second, "second_out": second_out}


# --------------------------------------------------------------------------------- certificates


def test_one_certificate_pdf_per_new_certificate_line_and_one_combined_pdf_to_print(weeks):
    result, out = weeks["first"], weeks["out"]
    new = result.certificates[result.certificates["issued_on"].isna()]
    assert len(new) == 11 and new["file"].notna().all()
    written = sorted(p.name for p in (out / "certificates").glob("*.pdf") if not p.name.startswith("All certificates"))
    assert written == sorted(Path(f).name for f in new["file"])
    assert all(f.startswith("certificates/") for f in new["file"])
    for file in new["file"]:
        assert pages(out / file) == 1
    combined = out / "certificates" / f"All certificates {AS_OF.isoformat()}.pdf"
    assert pages(combined) == len(new)


def test_a_certificate_is_addressed_to_the_supervisor_with_copies_and_names_program_dates_and_hours(weeks):
    result, out = weeks["first"], weeks["out"]
    alicia = result.certificates.set_index("candidate_id").loc["113402"]
    text = pdf_text(out / alicia["file"])
    assert "Certificate of Completion" in text
    assert "To: Marcus Hale" in text  # the supervisor named by Alicia Brooks's Supervisor ID in the roster
    assert "Copies: Alicia Brooks (candidate), Jordan Reyes (coach)" in text
    assert "ITSS Technical Advancement Skills Coaching" in text
    assert "March 2, 2026" in text and "July 24, 2026" in text  # planning meeting and completion
    assert "46.50 hours of learning experiences and 14.25 hours of coach contact" in text
    assert "Configure and troubleshoot switch ports and VLANs" in text  # her goals
    assert alicia["certificate_id"] in text


@pytest.mark.parametrize("attained", [True, False])
def test_a_certificate_names_the_goals_only_when_they_were_attained(weeks, tmp_path, attained):
    """Goals Attained is Yes or No (blank = No): a program that certifies without it (reps: status
    Completed is enough) leaves the "Goals attained:" line out rather than claim the goals."""
    result = weeks["first"]
    certificates = result.certificates[result.certificates["candidate_id"] == "113402"].assign(file="certificates/alicia.pdf")
    pairs = result.pairs.assign(goals_attained=attained)
    write_certificates(dataclasses_replace(result, certificates=certificates, pairs=pairs), tmp_path)
    text = " ".join(pdf_text(tmp_path / "alicia.pdf").split())
    assert ("Goals attained: Configure and troubleshoot switch ports and VLANs" in text) == attained
    assert ("Configure and troubleshoot" in text) == attained


def test_a_certificate_without_hours_ends_its_sentence_at_the_completion_date(weeks, tmp_path):
    """A program without an hour minimum (reps: status Completed is enough) may certify a pair with no
    hours counted: the "documenting ... hours" line is left out, and the sentence it ended stops at the
    completion date with a full stop, not a dangling comma."""
    result = weeks["first"]
    certificates = result.certificates[result.certificates["candidate_id"] == "113402"].assign(file="certificates/alicia.pdf")
    pairs = result.pairs.assign(candidate_hours=0.0, coach_contact_hours=0.0)
    write_certificates(dataclasses_replace(result, certificates=certificates, pairs=pairs), tmp_path)
    text = " ".join(pdf_text(tmp_path / "alicia.pdf").split())
    assert "documenting" not in text
    completion = pd.Timestamp(certificates.iloc[0]["completion_date"])
    assert f"to its completion on {completion:%B} {completion.day}, {completion.year}. " in text
    assert "," + " Goals attained" not in text and not re.search(r", \d{4}, (Goals|Coaching Coordinator)", text)


def test_a_mentoring_certificate_speaks_of_mentor_and_mentee_not_coach_and_candidate(weeks):
    """The wording is the program's own ([words] of its policy): the mentoring preset's mentor,
    mentee and mentoring, where the ITSS certificate above says coach, candidate and coaching."""
    result, out = weeks["first"], weeks["out"]
    kevin = result.certificates.set_index("candidate_id").loc[KEVIN_TRAN]
    assert kevin["program"] == "support-mentoring"
    text = " ".join(pdf_text(out / kevin["file"]).split())
    assert "has completed the mentoring experience with Gloria Alvarado as mentor" in text
    assert "14.25 hours of mentor contact" in text
    assert "from the agreement on December 1, 2025" in text  # the relationship starts with the agreement
    assert "Copies: Kevin Tran (mentee), Gloria Alvarado (mentor)" in text
    assert "coach" not in text.replace("Coaching Coordinator", "")


def test_a_mentoring_certificates_notes_speak_of_mentor_and_mentee_as_it_does(weeks, tmp_path):
    """The notes to check a certificate name its values as the certificate does: a mentoring
    certificate's long mentor name and the letters of the mentee's name the font lacks were noted as
    "the coach name" and "the candidate name"."""
    result = with_hard_names(weeks["first"])
    certificates = result.certificates[result.certificates["candidate_id"] == KEVIN_TRAN]
    write_certificates(dataclasses_replace(result, certificates=certificates), tmp_path)
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    file = Path(certificates.iloc[0]["file"]).name
    assert f"- {file}: the mentor name of 297 characters: shortened here to the first 120\n" in notes
    assert f"- {file}: 3 characters of the mentee name (U+738B, U+82B3, U+1F642) cannot be printed" in notes
    assert "the coach" not in notes and "the candidate" not in notes


def test_a_missing_supervisor_is_addressed_plainly_and_listed_for_the_coordinator(weeks):
    result, out = weeks["first"], weeks["out"]
    calvin = result.certificates.set_index("candidate_id").loc[CALVIN_REESE]
    text = " ".join(pdf_text(out / calvin["file"]).split())
    assert "To: the coachee's supervisor (not recorded in the roster)" in text  # job-embedded's word for him
    notes = (out / "certificates" / "Check before sending.txt").read_text(encoding="utf-8-sig")
    assert Path(calvin["file"]).name in notes and "the coachee's supervisor is not recorded" in notes
    # and the results workbook's Certificates sheet says what the PDF says
    assert calvin["send_to"] == "the coachee's supervisor (not recorded in the roster)"
    assert calvin["copies_to"] == "Calvin Reese (coachee); Renee Holloway (coach)"


def test_a_supervisor_id_that_is_no_employees_is_named_in_the_note(weeks, tmp_path):
    result = with_hard_names(weeks["first"])
    people = result.people.copy()
    people["supervisor_id"] = "999999"
    write_certificates(dataclasses_replace(result, people=people), tmp_path)
    assert "(not recorded in the roster)" in pdf_text(tmp_path / "0.pdf")
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    assert "the roster's Supervisor ID 999999 is no employee's: correct it or add that employee" in notes


def test_the_ledger_records_each_certificate_issued_with_its_pdf(weeks):
    state = weeks["inbox"].parent / "state" / "ledger.sqlite"
    with sqlite3.connect(state) as db:
        rows = db.execute("SELECT certificate_id, status, issued_on, file FROM certificates").fetchall()
    assert len(rows) == 11
    assert {status for _, status, _, _ in rows} == {"issued"}
    assert all(Path(file).is_file() and issued_on == AS_OF.isoformat() for _, _, issued_on, file in rows)


def issued_on_sheet(out: Path) -> list:
    """The Issued On column of results.xlsx's Certificates sheet, as the coordinator reads it."""
    frame = pd.read_excel(out / "results.xlsx", sheet_name="Certificates", engine="calamine")
    return [None if pd.isna(value) else pd.Timestamp(value).date() for value in frame["Issued On"]]


def test_the_certificates_sheet_dates_each_certificate_with_the_run_that_issued_it(weeks):
    assert issued_on_sheet(weeks["out"]) == [AS_OF] * 11  # issued by this run: its date, as on the PDF
    assert issued_on_sheet(weeks["second_out"]) == [AS_OF] * 11  # issued the week before: that date


def test_a_second_real_run_issues_no_certificate_again(weeks):
    second, out = weeks["second"], weeks["second_out"]
    assert out != weeks["out"]
    assert second.certificates["issued_on"].notna().all()
    assert second.certificates["file"].isna().all()
    assert not list((out / "certificates").glob("*.pdf"))


def test_a_dry_run_writes_the_certificates_but_records_nothing(tmp_path):
    inbox = copy_demo(tmp_path)
    result, out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",), dry_run=True, out=tmp_path / "out"))
    assert len(list((out / "certificates").glob("*.pdf"))) == len(result.certificates) + 1
    assert not (tmp_path / "state").exists()  # no ledger at all: the next real run issues them
    again, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",), dry_run=True, out=tmp_path / "out2"))
    assert again.certificates["issued_on"].isna().all()
    assert issued_on_sheet(out) == [None] * len(result.certificates)  # a dry run issued none


def test_nothing_confidential_appears_in_any_document(weeks):
    texts = " ".join(pdf_text(p) for p in weeks["out"].rglob("*.pdf"))
    secrets = set()
    for name in ("Coach Recommendations.xlsx", "Reps Coaching 2026.xlsx"):
        for sheet in read_workbook(str(SAMPLES / name), name).sheets:
            if sheet.table == "recommendations":
                secrets |= set(sheet.frame["overall"].dropna().astype(str))
            if sheet.table == "feedback" and "comments" in sheet.frame:
                secrets |= {c for c in sheet.frame["comments"].dropna().astype(str) if len(c) > 8}
    assert secrets
    assert not [secret for secret in secrets if secret in texts]
    assert "recommend" not in texts.lower()


# ------------------------------------------------------------------------------------- template


def test_templates_writes_the_default_certificate_template(tmp_path):
    assert cli("templates", str(tmp_path / "t")) == 0
    written = (tmp_path / "t" / "certificate-template.txt").read_bytes()
    assert written.decode("utf-8").replace("\r\n", "\n") == default_template_text()
    assert b"\r\n" in written  # Notepad-friendly line ends


def test_a_changed_template_changes_the_wording(tmp_path):
    inbox = copy_demo(tmp_path)
    template = tmp_path / "my certificate.txt"
    template.write_text("# ours\n[title]Award of Achievement\nWell done, ${candidate_name}! Coached by $coach_name.\n"
                        "Supervisor: $supervisor_name\n", encoding="utf-8-sig")
    assert cli("run", str(inbox), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out"), "--dry-run",
               "--certificate-template", str(template)) == 0
    text = pdf_text(next((tmp_path / "out" / "certificates").glob("Alicia Brooks*.pdf")))
    assert "Award of Achievement" in text and "Well done, Alicia Brooks! Coached by Jordan Reyes." in text
    assert "Certificate of Completion" not in text and "ours" not in text


def test_wording_the_font_cannot_print_shows_the_replacement_mark_and_is_noted(tmp_path, capfd):
    """Characters typed into the template itself, not only those of names, are kept visible as the
    replacement mark and listed to write in by hand, not dropped without a word."""
    inbox = copy_demo(tmp_path)
    template = tmp_path / "ours.txt"
    template.write_text("[title]结业 Certificate of Completion 🎓\n[name]$candidate_name\n", encoding="utf-8")
    assert cli("run", str(inbox), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out"), "--dry-run",
               "--certificate-template", str(template)) == 0
    folder = tmp_path / "out" / "certificates"
    assert REPLACEMENT * 2 + " Certificate of Completion " + REPLACEMENT in pdf_text(next(folder.glob("Alicia Brooks*.pdf")))
    notes = (folder / "Check before sending.txt").read_text(encoding="utf-8-sig")
    assert "of the certificate's wording (U+4E1A, U+7ED3, U+1F393) cannot be printed" in notes
    assert "missing the following glyphs" not in capfd.readouterr().err


@pytest.mark.parametrize("line, named", [
    ("Dear $supervisor, well done $candidat_name", "$supervisor"),
    ("A stipend of $300", "$300"),
    ("[titel]Certificate", "[titel]"),
])
def test_a_bad_template_is_one_error_line_and_exit_2_before_anything_is_read(tmp_path, capsys, line, named):
    inbox = copy_demo(tmp_path)
    template = tmp_path / "bad.txt"
    template.write_text(f"[title]Certificate\n{line}\n", encoding="utf-8")
    assert cli("run", str(inbox), "--as-of", AS_OF.isoformat(), "--certificate-template", str(template)) == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and error.count("\n") == 1 and named in error and "line 2" in error
    assert not (tmp_path / "state").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_template_saved_as_unicode_utf16_is_refused_with_how_to_save_it(tmp_path, capsys, encoding):
    """Notepad's "Unicode" was reported as "'$\\x00' is not a placeholder" on some line."""
    inbox, template = tmp_path / "inbox", tmp_path / "certificate.txt"
    inbox.mkdir()
    template.write_text(default_template_text(), encoding=encoding)
    assert cli("run", str(inbox), "--certificate-template", str(template)) == 2
    assert capsys.readouterr().err == (f"Error: the certificate template {template} is not UTF-8 text (it was saved as "
                                       '"Unicode", UTF-16): save it as UTF-8 (in Notepad: File, Save As, Encoding UTF-8)\n')
    template.write_text(default_template_text().replace("\n", "\r\n"), encoding="utf-8-sig")  # UTF-8 with BOM: read
    assert cli("run", str(inbox), "--certificate-template", str(template), "--dry-run") == 0


def test_a_missing_template_file_is_a_usage_error(tmp_path, capsys):
    assert cli("run", str(tmp_path), "--certificate-template", str(tmp_path / "nope.txt")) == 2
    assert "cannot read the certificate template" in capsys.readouterr().err


# ------------------------------------------------------------------------------ payment requests


def test_a_request_for_payment_is_prefilled_for_a_pair_waiting_only_for_it(weeks):
    result, out = weeks["first"], weeks["out"]
    waiting = waiting_for_request(result)
    assert list(zip(waiting["candidate_id"], waiting["coach_id"])) == [RYAN_PATEL]
    files = list((out / "payment-requests").glob("*.pdf"))
    assert [f.name for f in files] == [f"Linda Marsh coaching Ryan Patel - itss-coaching - {waiting['payment_id'].iloc[0]}.pdf"]
    reader = PdfReader(files[0])
    form = " ".join(reader.pages[0].extract_text().split())
    assert "Coaching Request for Payment" in form
    assert "Linda Marsh" in form and "102264" in form and "Ryan Patel" in form
    assert ("I, Linda Marsh, certify that I have completed a minimum of 12 contact hours while coaching Ryan Patel, "
            "from May 11, 2026 to November 6, 2026.") in form
    assert "Coach Signature" in form and "Date" in form
    log = " ".join(page.extract_text() for page in reader.pages[1:])
    entries = result.counted_entries[result.counted_entries["pair"] == waiting.index[0]]
    assert len(entries) == 12
    for entry in entries.itertuples():
        assert f"{entry.date:%Y-%m-%d}" in log
    assert "Total" in log and "12 entries" in log and "12:30" in log and "12.50" in log
    assert {"In Person", "Phone", "Email"} <= {word for word in ("In Person", "Phone", "Email") if word in log}


@pytest.mark.parametrize("minimum, said", [(10, "a minimum of 10 contact hours"), (1, "a minimum of 1 contact hour while")])
def test_the_contact_hours_on_the_form_come_from_the_programs_policy(weeks, tmp_path, minimum, said):
    """A copy's number on the form, in the singular for 1."""
    result = weeks["first"]
    policy = result.programs["itss-coaching"]
    hours = dataclasses_replace(policy.hours, coach_contact_minimum=minimum)
    programs = {**result.programs, "itss-coaching": dataclasses_replace(policy, sections={**policy.sections, "hours": hours})}
    write_payment_requests(dataclasses_replace(result, programs=programs), tmp_path)
    form = " ".join(PdfReader(next(tmp_path.glob("*.pdf"))).pages[0].extract_text().split())
    assert said in form


def test_a_paying_programs_payment_forms_speak_its_words_as_its_certificates_do(weeks, tmp_path):
    """A stipend-paying program that speaks of mentor and mentee: its Request for Payment, log
    summary and file name say mentor, mentee and mentoring, not coach, candidate and coaching."""
    from coaching_batch.documents.payments import write_payment_documentation
    from coaching_batch.policy import Words

    result = weeks["first"]
    policy = result.programs["itss-coaching"]
    words = Words(coach="mentor", candidate="mentee", activity="mentoring")
    result = dataclasses_replace(result, programs={**result.programs, "itss-coaching": dataclasses_replace(
        policy, sections={**policy.sections, "words": words})})
    for folder in ("requests", "documentation"):
        (tmp_path / folder).mkdir()
    write_payment_requests(result, tmp_path / "requests")
    form = next((tmp_path / "requests").glob("*.pdf"))
    assert form.name.startswith("Linda Marsh mentoring Ryan Patel - itss-coaching - ")
    request, summary = (" ".join(page.extract_text().split()) for page in PdfReader(form).pages)
    assert "Mentoring Request for Payment" in request and "Mentor Name Linda Marsh" in request and "Mentee Ryan Patel" in request
    assert "while mentoring Ryan Patel" in request and "Mentor Signature" in request
    write_payment_documentation(result, tmp_path / "documentation")
    documentation = " ".join(pdf_text(next((tmp_path / "documentation").glob("*.pdf"))).split())
    for page in (summary, documentation):
        assert page.startswith("Mentoring Log summary") and "Mentor " in page and "Mentee " in page and "mentor-log entries" in page
    assert not [text for text in (request, summary, documentation) if "oach" in text.replace("coaching batch run", "")
                .replace("ITSS Technical Advancement Skills Coaching", "")]


def test_a_paying_programs_payment_form_notes_speak_its_words(weeks, tmp_path):
    """A stipend-paying program that speaks of mentor and mentee: the notes to check its Request for
    Payment name a long name or ID as the form does ("the mentor name", "the mentee ID"), not as
    "the coach name" and "the candidate ID"."""
    from coaching_batch.policy import Words

    result = weeks["first"]
    policy = result.programs["itss-coaching"]
    words = Words(coach="mentor", candidate="mentee", activity="mentoring")
    pairs = result.pairs.copy()
    pairs["coach_name"] = "Maximiliana " * 11 + "Featherstone"  # 144 characters
    pairs["candidate_id"] = "7" * 50
    write_payment_requests(dataclasses_replace(result, pairs=pairs, programs={**result.programs, "itss-coaching": dataclasses_replace(
        policy, sections={**policy.sections, "words": words})}), tmp_path)
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    assert "the mentor name of 144 characters: shortened here to the first 120" in notes
    assert "the mentee ID of 50 characters: shortened here to the first 40" in notes
    assert "the coach" not in notes and "the candidate" not in notes


def test_a_programs_long_word_on_a_form_wraps_within_its_label_clear_of_the_value(weeks, tmp_path):
    """ "Instructional coach Name" is wider than the form's label column: it wraps there, and
    neither it nor "Participating teacher" runs into the name typed beside it."""
    from coaching_batch.documents.pdf import Document, LABEL_GAP
    from coaching_batch.policy import Words

    result = weeks["first"]
    policy = result.programs["itss-coaching"]
    words = Words(coach="instructional coach", candidate="participating teacher", activity="instructional coaching")
    write_payment_requests(dataclasses_replace(result, programs={**result.programs, "itss-coaching": dataclasses_replace(
        policy, sections={**policy.sections, "words": words})}), tmp_path)
    request = PdfReader(next(tmp_path.glob("*.pdf"))).pages[0]
    runs = []
    request.extract_text(visitor_text=lambda text, _cm, tm, _font, size: runs.append((tm[4], tm[5], text.strip())) if text.strip() else None)
    value_x = next(x for x, _, text in runs if text == "Linda Marsh")
    measure = Document()
    measure.style(11, bold=True)
    heading, paragraph = (next(y for _, y, text in runs if text.startswith(start)) for start in ("Instructional coaching Request", "I, "))
    labels = [(x, y, text) for x, y, text in runs if x < value_x and paragraph < y < heading]
    assert [text for _, _, text in labels] == ["Instructional coach", "Name", "Employee ID Number", "Participating teacher"]
    for x, _, text in labels:  # points: each label ends before the value's column, with the gap to spare
        assert x + measure.text_width(text) * measure.k <= value_x - LABEL_GAP * measure.k
    first, second, employee_id = (y for _, y, _ in labels[:3])
    assert first - second == pytest.approx(11 * 0.5 * measure.k, abs=0.1)  # a line of the label, under the first
    assert second - employee_id > 11 * 0.5 * measure.k  # the next row starts below the wrapped label


def test_a_programs_word_the_font_lacks_shows_as_the_replacement_mark_on_the_forms_and_is_noted(weeks, tmp_path, capfd):
    """A program calling its coach 导师: the Request for Payment and its log summary print the mark
    where the word goes (they printed nothing: "Name", "certify … while coaching") and the note
    names the policy's word to write in."""
    from coaching_batch.policy import Words

    result = weeks["first"]
    policy = result.programs["itss-coaching"]
    words = Words(coach="导师", candidate="candidate", activity="coaching")
    write_payment_requests(dataclasses_replace(result, programs={**result.programs, "itss-coaching": dataclasses_replace(
        policy, sections={**policy.sections, "words": words})}), tmp_path)
    request, summary = (" ".join(page.extract_text().split()) for page in PdfReader(next(tmp_path.glob("*.pdf"))).pages)
    assert f"{REPLACEMENT * 2} Name Linda Marsh" in request and f"{REPLACEMENT * 2} Signature" in request
    assert f"{REPLACEMENT * 2} Linda Marsh" in summary and f"counted {REPLACEMENT * 2}-log entries" in summary
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    assert notes.count("2 characters of the program's [words] coach (U+5BFC, U+5E08) cannot be printed") == 1
    assert "missing the following glyphs" not in capfd.readouterr().err


def test_each_payment_has_its_log_summary_for_finance(weeks):
    result, out = weeks["first"], weeks["out"]
    assert sorted(p.stem for p in (out / "payment-documentation").glob("*.pdf")) == sorted(result.payments["payment_id"])
    for payment in result.payments.to_dict("records"):
        text = pdf_text(out / "payment-documentation" / f"{payment['payment_id']}.pdf")
        assert payment["payment_id"] in text and payment["coach_name"] in text and payment["candidate_name"] in text
        assert f"{payment['coach_contact_hours']:.2f}" in text and "$300.00" in text


def test_the_rows_of_a_log_summary_add_up_to_its_printed_total(weeks, tmp_path):
    """Entries of 1:02 each: a row rounded to 1.03 h on its own would not add up to the total of
    10.33 h the stipend is paid on. Each row shows its h:mm only; the total its h:mm and hours."""
    from coaching_batch.documents.payments import write_payment_documentation

    result = weeks["first"]
    payment = result.payments.iloc[0]
    pair = result.pairs.index[result.pairs["payment_id"] == payment["payment_id"]][0]
    entries = result.counted_entries.copy()
    logged = (entries["pair"] == pair) & (entries["kind"] == "coach_log")
    entries.loc[logged, "duration"] = 62
    write_payment_documentation(dataclasses_replace(result, counted_entries=entries), tmp_path)
    lines = pdf_text(tmp_path / f"{payment['payment_id']}.pdf").splitlines()
    rows = [line.split()[-1] for line in lines if line[:4].isdigit() and line[4:5] == "-"]
    assert len(rows) == logged.sum() and all(row == "1:02" for row in rows)  # no row of its own decimal hours
    minutes = sum(int(row.split(":")[0]) * 60 + int(row.split(":")[1]) for row in rows)
    total = f"{minutes // 60}:{minutes % 60:02d} = {minutes / 60:.2f} h"
    assert [line for line in lines if line.startswith("Total ")] == [f"Total {len(rows)} entries {total}"]


def test_a_log_summarys_total_never_stands_alone_on_a_page_of_its_own(weeks, tmp_path):
    """Whatever the number of entries, the page the total is printed on lists at least one entry
    above it (a log that filled page 1 exactly printed page 2 with the heading and the total only)."""
    from coaching_batch.documents.payments import write_payment_documentation

    result = weeks["first"]
    payment = result.payments.iloc[0]
    pair = result.pairs.index[result.pairs["payment_id"] == payment["payment_id"]][0]
    entries = result.counted_entries
    logged = (entries["pair"] == pair) & (entries["kind"] == "coach_log")
    first = entries[logged].iloc[[0]]
    two_pages = 0
    for count in range(24, 31):  # page 1 holds 27 entries: the counts around it
        log = first.loc[first.index.repeat(count)].reset_index(drop=True)
        log["date"] = [pd.Timestamp("2026-06-01") + pd.Timedelta(days=day) for day in range(count)]
        folder = tmp_path / str(count)
        folder.mkdir()
        write_payment_documentation(dataclasses_replace(result, counted_entries=pd.concat([entries[~logged], log], ignore_index=True)), folder)
        last = PdfReader(folder / f"{payment['payment_id']}.pdf").pages[-1].extract_text().splitlines()
        total = next(n for n, line in enumerate(last) if line.startswith("Total "))
        assert last[total - 1].startswith("2026-"), (count, last)  # an entry's row right above the total
        two_pages += pages(folder / f"{payment['payment_id']}.pdf") == 2
    assert two_pages  # the range of counts runs past one page


def open_pairs_inbox(root: Path) -> Path:
    """Two Active ITSS pairs with goals attained and no completion date, whose candidate logs run a
    month past the coach's last contact: 200 with coach 100 has requested payment, 201 with coach 101 not yet."""
    inbox = root / "inbox"
    inbox.mkdir()
    coaches, candidates = ("100", "101"), ("200", "201")
    people = [{"employee_id": c, "name": f"Coach {c}", "grade": 25, "hire_date": dt.date(2015, 1, 5), "pgs_status": "Meeting",
               "coach_training_date": dt.date(2020, 1, 1)} for c in coaches]
    people += [{"employee_id": c, "name": f"Candidate {c}", "grade": 20} for c in candidates]
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(people)})
    write_workbook(inbox / "recommendations.xlsx", {"Recommendations": recommendation_rows(
        [{"prospective_coach_id": c, "reference_name": f"Ref {n}", "relationship": relationship, "overall": "Recommended"}
         for c in coaches for n, relationship in enumerate(("Supervisor", "Colleague", "Colleague"))])})
    write_workbook(inbox / "requests.xlsx", {"Requests": request_rows(
        [{"employee_id": c, "request_date": dt.date(2026, 5, 1), "target_grade": 23, "enrollment_form_date": dt.date(2026, 4, 1)}
         for c in candidates])})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows(
        [{"candidate_id": candidate, "coach_id": coach, "assigned_date": dt.date(2026, 5, 20),
          "planning_meeting_date": dt.date(2026, 6, 1), "goals_attained": "Yes", "status": "Active",
          "payment_request_date": requested}
         for candidate, coach, requested in (("200", "100", dt.date(2026, 10, 1)), ("201", "101", None))])})
    first = dt.date(2026, 6, 1)
    write_workbook(inbox / "coach log.xlsx", {"Coach Log": coach_log_rows(
        [{"candidate_id": candidate, "coach_id": coach, "date": first + dt.timedelta(weeks=i), "contact_type": "In Person",
          "duration": 1, "description": "met"} for candidate, coach in zip(candidates, coaches) for i in range(12)])})
    write_workbook(inbox / "candidate log.xlsx", {"Candidate Log": candidate_log_rows(
        [{"candidate_id": candidate, "coach_id": coach, "date": first + dt.timedelta(days=12 * i), "duration": 4,
          "description": "study"} for candidate, coach in zip(candidates, coaches) for i in range(10)])})
    return inbox


def test_the_payment_paperwork_states_the_period_the_payment_sheet_does(tmp_path):
    """Without a completion date the period ends on the last counted entry of either log (here the
    candidate's, 2026-09-17, a month after the coach's last contact of 2026-08-17): the payment
    sheet, the payment documentation and the Request for Payment all say so."""
    result, out = run_batch(RunOptions(inbox=open_pairs_inbox(tmp_path), as_of=AS_OF, program=("itss-coaching",), dry_run=True))
    payment = result.payments.iloc[0]
    assert (payment["candidate_id"], payment["start_date"], payment["end_date"]) == ("200", pd.Timestamp("2026-06-01"), pd.Timestamp("2026-09-17"))
    documentation = " ".join(pdf_text(out / "payment-documentation" / f"{payment['payment_id']}.pdf").split())
    assert "Period June 1, 2026 to September 17, 2026" in documentation
    form = " ".join(pdf_text(next((out / "payment-requests").glob("*.pdf"))).split())
    assert "coaching Candidate 201, from June 1, 2026 to September 17, 2026." in form
    assert "Period June 1, 2026 to September 17, 2026" in form


def test_a_dry_runs_payment_paperwork_says_not_for_payment_on_every_page_and_a_real_runs_does_not(tmp_path):
    inbox = open_pairs_inbox(tmp_path)
    _, dry = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",), dry_run=True))
    _, real = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",)))
    for out, marked in ((dry, True), (real, False)):
        files = [*(out / "payment-documentation").glob("*.pdf"), *(out / "payment-requests").glob("*.pdf")]
        assert len(files) == 2
        for path in files:
            for page in PdfReader(path).pages:
                assert ("DRY RUN — NOT FOR PAYMENT" in page.extract_text()) is marked



def completed_pairs_inbox(root: Path, names: dict[str, str]) -> Path:
    """:func:`open_pairs_inbox` with both pairs Completed on 2026-10-01 (each gets a certificate; 200
    with coach 100 is paid, 201 with coach 101 waits for its Request for Payment) and the people
    named ``names`` (employee ID → name)."""
    inbox = open_pairs_inbox(root)
    people = [{"employee_id": c, "name": names.get(c, f"Coach {c}"), "grade": 25, "hire_date": dt.date(2015, 1, 5),
               "pgs_status": "Meeting", "coach_training_date": dt.date(2020, 1, 1)} for c in ("100", "101")]
    people += [{"employee_id": c, "name": names.get(c, f"Candidate {c}"), "grade": 20} for c in ("200", "201")]
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(people)})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows(
        [{"candidate_id": candidate, "coach_id": coach, "assigned_date": dt.date(2026, 5, 20),
          "planning_meeting_date": dt.date(2026, 6, 1), "goals_attained": "Yes", "status": "Completed",
          "completion_date": dt.date(2026, 10, 1), "payment_request_date": requested}
         for candidate, coach, requested in (("200", "100", dt.date(2026, 10, 1)), ("201", "101", None))])})
    return inbox


def footers(path: Path) -> list[str]:
    """The footer line ("… Page X of N") of each page of the PDF at ``path``."""
    return [next(line for line in page.extract_text().splitlines() if re.search(r"Page \d+ of \d+$", line))
            for page in PdfReader(path).pages]


@pytest.mark.parametrize("long_names", [False, True], ids=["the pair fits", "names too long for the line"])
def test_every_page_of_the_payment_paperwork_names_its_payment_in_the_footer(tmp_path, long_names):
    """A log of 30 entries runs its summary onto a second page, which said only "Page 2 of 2": parted
    from the first it could not be matched to its payment. Every page of the payment documentation
    and of the Request for Payment now names the Payment ID in its footer, and the pair when it fits."""
    names = {"100": "Linda Marsh", "200": "Ryan Patel", "101": "Kevin O'Neill", "201": "Daniel Cho"}
    if long_names:
        names = {key: f"{name} {'Featherstonehaugh-Cholmondeley ' * 3}".strip() for key, name in names.items()}
    inbox = completed_pairs_inbox(tmp_path, names)
    write_workbook(inbox / "coach log.xlsx", {"Coach Log": coach_log_rows(
        [{"candidate_id": candidate, "coach_id": coach, "date": dt.date(2026, 6, 1) + dt.timedelta(days=4 * i),
          "contact_type": "In Person", "duration": 1, "description": "met"}
         for candidate, coach in (("200", "100"), ("201", "101")) for i in range(30)])})
    result, out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",), dry_run=True))
    [paid] = result.payments["payment_id"]
    [waiting] = result.pairs.loc[result.pairs["candidate_id"] == "201", "payment_id"]
    for path, payment, coach, candidate in ((out / "payment-documentation" / f"{paid}.pdf", paid, "100", "200"),
                                            (next((out / "payment-requests").glob("*.pdf")), waiting, "101", "201")):
        lines = footers(path)
        assert len(lines) >= 2
        pair = f" · Coach {names[coach]} (ID {coach}) · Candidate {names[candidate]} (ID {candidate})"
        assert lines == [f"Payment ID {payment}{'' if long_names else pair} · Page {number} of {len(lines)}"
                         for number in range(1, len(lines) + 1)]


def test_an_entry_counted_after_the_completion_date_is_in_the_period_every_paper_states(tmp_path):
    """ITSS counts entries up to the deadline (SPEC §4), so a coach-log entry of 2026-10-05 after the
    completion on 2026-09-20 is in the hours paid: the payment sheet, the payment documentation and
    the Request for Payment state a period up to it, the documentation says when the pair completed,
    and the certificate that its hours were logged up to that date (it stated a period ending at the
    completion while listing and paying the later entry)."""
    inbox = completed_pairs_inbox(tmp_path, {})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows(
        [{"candidate_id": candidate, "coach_id": coach, "assigned_date": dt.date(2026, 5, 20),
          "planning_meeting_date": dt.date(2026, 6, 1), "goals_attained": "Yes", "status": "Completed",
          "completion_date": dt.date(2026, 9, 20), "payment_request_date": requested}
         for candidate, coach, requested in (("200", "100", dt.date(2026, 10, 6)), ("201", "101", None))])})
    first = dt.date(2026, 6, 1)
    write_workbook(inbox / "coach log.xlsx", {"Coach Log": coach_log_rows(
        [{"candidate_id": candidate, "coach_id": coach, "date": day, "contact_type": "In Person", "duration": 1,
          "description": "met"} for candidate, coach in (("200", "100"), ("201", "101"))
         for day in [first + dt.timedelta(weeks=i) for i in range(11)] + [dt.date(2026, 10, 5)]])})
    result, out = run_batch(RunOptions(inbox=inbox, as_of=AS_OF, program=("itss-coaching",), dry_run=True))
    payment = result.payments.iloc[0]
    assert (payment["candidate_id"], payment["coach_contact_hours"]) == ("200", 12.0)  # the later entry is counted
    assert (payment["start_date"], payment["end_date"]) == (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-10-05"))
    documentation = " ".join(pdf_text(out / "payment-documentation" / f"{payment['payment_id']}.pdf").split())
    assert "Period June 1, 2026 to October 5, 2026" in documentation
    assert ("Completed September 20, 2026 (1 entry below is dated after it: the program counts entries "
            "up to December 1, 2026)") in documentation
    form = " ".join(pdf_text(next((out / "payment-requests").glob("*.pdf"))).split())
    assert "coaching Candidate 201, from June 1, 2026 to October 5, 2026." in form
    assert "Period June 1, 2026 to October 5, 2026" in form
    certificate = " ".join(pdf_text(next((out / "certificates").glob("Candidate 200*.pdf"))).split())
    assert ("to its completion on September 20, 2026, documenting 40.00 hours of learning experiences and "
            "12.00 hours of coach contact, logged up to October 5, 2026.") in certificate


def test_a_period_ending_at_the_completion_says_nothing_of_entries_after_it(tmp_path):
    result, out = run_batch(RunOptions(inbox=completed_pairs_inbox(tmp_path, {}), as_of=AS_OF, program=("itss-coaching",), dry_run=True))
    payment = result.payments.iloc[0]
    assert payment["end_date"] == pd.Timestamp("2026-10-01")  # the completion, after every entry
    documentation = " ".join(pdf_text(out / "payment-documentation" / f"{payment['payment_id']}.pdf").split())
    assert "Period June 1, 2026 to October 1, 2026" in documentation and "Completed" not in documentation
    certificate = " ".join(pdf_text(next((out / "certificates").glob("Candidate 200*.pdf"))).split())
    assert "12.00 hours of coach contact." in certificate and "logged up to" not in certificate


def test_names_of_many_wide_letters_make_document_files_every_system_can_hold(tmp_path):
    """A file name holds 255 bytes: a name of 100 Chinese letters (3 bytes each) or emoji (4 bytes)
    is cut to fit, and every person still gets their own documents."""
    names = {"100": "王" * 100, "200": "芳" * 100, "101": "🙂" * 100, "201": "🌟" * 100}
    result, out = run_batch(RunOptions(inbox=completed_pairs_inbox(tmp_path, names), as_of=AS_OF, program=("itss-coaching",), dry_run=True))
    files = [p for folder in ("certificates", "payment-requests", "payment-documentation") for p in (out / folder).glob("*.pdf")]
    assert len(files) == 2 + 1 + 1 + 1  # two certificates and the combined one, a request form, a payment's documentation
    assert all(len(p.name.encode("utf-8")) <= 200 for p in files)
    assert {p.name for p in files} >= {Path(f).name for f in result.certificates["file"]}
    assert any(p.name.startswith("芳" * 10) for p in files) and any(p.name.startswith("🙂" * 10) for p in files)



def test_long_names_are_cut_in_a_document_files_name_and_its_program_is_kept(tmp_path):
    """A coach and candidate of long names: the Request for Payment's file name is cut within the names,
    not at the end, so it still names the program (it read "… Montenegro- - PAY-….pdf"), and so do
    the certificates' file names and the coach's notice quoting it."""
    names = {"101": "D'Arcy O'Neill", "201": "Maximiliana Josefina Villanueva de la Cruz y Montenegro-Ortiz",
             "200": "Bartholomew Featherstonehaugh-Cholmondeley Montgomery-Fitzwilliam the Third of Ashby"}
    result, out = run_batch(RunOptions(inbox=completed_pairs_inbox(tmp_path, names), as_of=AS_OF, program=("itss-coaching",), dry_run=True))
    [form] = (out / "payment-requests").glob("*.pdf")
    assert re.fullmatch(r"D'Arcy O'Neill coaching Maximiliana Josefina Villanueva( \w+)* - itss-coaching - PAY-[0-9A-F]{12}\.pdf", form.name)
    certificates = [p.name for p in (out / "certificates").glob("* - CERT-*.pdf")]
    assert len(certificates) == 2 and all(" - itss-coaching - CERT-" in name for name in certificates)
    assert all(len(name) <= 80 + len(" - CERT-000000000000.pdf") for name in certificates + [form.name])
    notice = next((out / "notices").glob("101-*.eml")).read_text(encoding="utf-8")
    assert "itss-coaching - PAY-" in " ".join(notice.split())


def test_a_double_name_too_long_for_a_file_name_is_cut_where_one_of_its_words_ends():
    """A hyphen ends a word too: "…Konstantinopoulou-Wolfeschlegelsteinhausen de la Cruz" was cut to
    "…Konstantinopoulou-Wolfeschlegelsteinhau", in the middle of a word, as no space was in its second half."""
    name = "Maximiliana Alexandrovna Konstantinopoulou-Wolfeschlegelsteinhausen de la Cruz-Ñúñez"
    assert safe_filename(name, program="itss-coaching") == "Maximiliana Alexandrovna Konstantinopoulou - itss-coaching"
    assert safe_filename("Ann Lee-Smith " + "x" * 90) == "Ann Lee-Smith " + "x" * 66  # no word ends in the second half


def test_no_document_or_notice_file_starts_with_a_dash_a_dot_or_a_space_and_a_name_of_no_letters_gives_the_id(tmp_path):
    """A file name starting with "-" is read as an option by command-line tools (``rm``, ``lpr``), one
    starting with "." is hidden: a coach named "-Marta- @home" is "Marta- @home" there (it gave
    "-Marta- @home coaching …"), and a candidate named ".." or "???", nothing readable, is their
    employee ID (".." gave "certificates/- itss-coaching - CERT-….pdf")."""
    names = {"200": "..", "101": "-Marta- @home", "201": "???", "100": " .-"}
    result, out = run_batch(RunOptions(inbox=completed_pairs_inbox(tmp_path, names), as_of=AS_OF, program=("itss-coaching",),
                                       dry_run=True))
    folders = ("certificates", "payment-requests", "payment-documentation", "notices")
    files = [p.name for folder in folders for p in (out / folder).iterdir()]
    assert len(files) >= 2 + 1 + 1 + 1 + 1
    assert not [name for name in files if name[0] in "-. "]
    certificates = sorted(Path(f).name for f in result.certificates["file"])
    assert [name.split(" - CERT-")[0] for name in certificates] == ["200 - itss-coaching", "201 - itss-coaching"]
    [form] = (out / "payment-requests").glob("*.pdf")
    assert form.name.startswith("Marta- @home coaching 201 - itss-coaching - PAY-")

# ----------------------------------------------------------------------------------- bad input

HARD_NAME = "Zoë Ångström-Nguyễn Thị 王芳 🙂"
LONG_GOAL = "Build and document a complete imaging workflow for every lab in the district " * 60


def with_hard_names(result, *, supervisor: bool = True):
    certificates = result.certificates.copy()
    certificates["issued_on"] = pd.NaT
    certificates["file"] = [f"certificates/{n}.pdf" for n in range(len(certificates))]
    certificates["candidate_name"] = HARD_NAME
    certificates["coach_name"] = "Dr. " + "Maximiliana-Wilhelmina " * 12 + "Featherstonehaugh"
    pairs = result.pairs.copy()
    pairs["candidate_name"] = HARD_NAME
    pairs["goal_1"] = LONG_GOAL
    people = result.people.copy()
    if not supervisor:
        people["supervisor_id"] = None
    return dataclasses_replace(result, certificates=certificates, pairs=pairs, people=people)


def dataclasses_replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


def text_positions(path: Path) -> list[tuple[float, float, str]]:
    found = []
    for page in PdfReader(path).pages:
        def visit(text, _cm, tm, _font, _size):
            if text.strip():
                found.append((tm[4], tm[5], text))
        page.extract_text(visitor_text=visit)
    return found


def test_names_a_font_lacks_and_very_long_goals_and_names_never_break_a_certificate(weeks, tmp_path):
    result = with_hard_names(weeks["first"])
    write_certificates(result, tmp_path)
    first = tmp_path / "0.pdf"
    assert pages(first) == 1
    assert pages(tmp_path / f"All certificates {AS_OF.isoformat()}.pdf") == len(result.certificates)
    text = pdf_text(first)
    assert "Zoë Ångström-Nguyễn Thị" in text and REPLACEMENT * 2 in text  # 王芳 are not in DejaVu Sans
    for x, y, _ in text_positions(first):
        assert 0 <= x <= 792 and 0 <= y <= 612  # every line of text on the page
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    assert "U+738B, U+82B3, U+1F642" in notes and "write them in by hand" in notes
    # the goal of thousands of characters, in a sentence that reads right whatever the value is called
    assert re.search(r"\n- 0\.pdf: the goals of \d,\d{3} characters: shortened here to the first 600\n", notes)


def test_a_right_to_left_name_is_not_printed_backwards_but_marked_and_noted(weeks, tmp_path):
    """DejaVu Sans has Arabic and Hebrew letters, but the documents lay text out left to right and
    unjoined: "محمد العلي" would print as "يلعلا دمحم" without a word. Its letters show as the
    replacement mark, the Latin ones around them as typed, and the note says to write them in."""
    result = with_hard_names(weeks["first"])
    certificates = result.certificates.copy()
    certificates["coach_name"] = "Dr. محمد العلي"
    certificates["candidate_name"] = "Zoë שרה"
    write_certificates(dataclasses_replace(result, certificates=certificates), tmp_path)
    text = pdf_text(tmp_path / "0.pdf")
    assert f"with Dr. {REPLACEMENT * 4} {REPLACEMENT * 5} as coach" in text and f"Zoë {REPLACEMENT * 3}" in text
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    rtl = f"cannot be printed in this font (letters written right to left would print backwards) and show as {REPLACEMENT}"
    assert (f"0.pdf: 7 characters of the coach name (U+0627, U+062D, U+062F, U+0639, U+0644, U+0645, U+064A) {rtl}: "
            "write them in by hand") in notes
    assert f"0.pdf: 3 characters of the candidate name (U+05D4, U+05E8, U+05E9) {rtl}: write them in by hand" in notes


@pytest.mark.parametrize(("lines", "cut_off"), [(40, False), (80, True)])
def test_only_a_template_whose_text_runs_past_the_frame_is_noted_as_too_long(weeks, tmp_path, lines, cut_off):
    """40 lines print whole inside the frame in small print (the frame's padding taken too): no note.
    80 do not: the note says the end is cut off."""
    template = "[title]Certificate\n" + "".join(f"[center]Line {n} for $candidate_name\n" for n in range(1, lines + 1))
    write_certificates(dataclasses_replace(weeks["first"], certificate_template=template + "[signature]Coordinator\nTo: $supervisor_name\n"), tmp_path)
    first = next(tmp_path.glob("[!A]*.pdf"))
    inside = [text for x, y, text in text_positions(first) if 19.05 * 72 / 25.4 <= y <= 612 - 19.05 * 72 / 25.4]  # within the frame
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")  # a supervisor missing, in any case
    assert ("too long" in notes) is cut_off
    if cut_off:
        assert "is cut off; shorten it" in notes
    else:
        assert sum(text.startswith("Line ") for text in inside) == lines and any(text.startswith("To: ") for text in inside)


def test_without_any_supervisor_in_the_roster_every_certificate_says_so(weeks, tmp_path):
    write_certificates(with_hard_names(weeks["first"], supervisor=False), tmp_path)
    for path in tmp_path.glob("[0-9]*.pdf"):
        assert "(not recorded in the roster)" in pdf_text(path)


def test_a_certificate_of_a_pair_without_dates_leaves_them_blank_and_says_so(weeks, tmp_path):
    """A program that needs no completion date (reps: status Completed is enough) may certify a pair
    without one: the certificate leaves a line for the date, and the coordinator is told to write it in."""
    result = with_hard_names(weeks["first"])
    certificates = result.certificates.copy()
    certificates["completion_date"] = pd.NaT
    pairs = result.pairs.copy()
    for column in ("planning_meeting_date", "start", "assigned_date"):
        pairs[column] = pd.NaT
    write_certificates(dataclasses_replace(result, certificates=certificates, pairs=pairs), tmp_path)
    assert "to its completion on " + "_" * 14 + "," in pdf_text(tmp_path / "0.pdf")
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    for what in ("start", "completion"):
        assert notes.count(f"the pair has no {what} date") == len(certificates)


def test_a_request_for_payment_with_hard_names_and_no_log_keeps_its_layout(weeks, tmp_path):
    result = weeks["first"]
    pairs = result.pairs.copy()
    pairs["coach_name"] = "Nguyễn Thị Minh Khai 王芳 " + "Long-Surname " * 30
    write_payment_requests(dataclasses_replace(result, pairs=pairs, counted_entries=result.counted_entries.iloc[0:0]), tmp_path)
    form = next(tmp_path.glob("*.pdf"))
    assert pages(form) == 2
    for x, y, _ in text_positions(form):
        assert 0 <= x <= 612 and 0 <= y <= 792
    assert "Nguyễn Thị Minh Khai" in pdf_text(form) and "0 entries" in pdf_text(form)


def test_a_long_name_printed_on_both_pages_of_a_request_for_payment_is_listed_once(weeks, tmp_path):
    result = weeks["first"]
    pairs = result.pairs.copy()
    pairs["candidate_name"] = "Maximiliana " * 11 + "Featherstone"  # 144 characters
    pairs["coach_id"] = "7" * 50
    write_payment_requests(dataclasses_replace(result, pairs=pairs), tmp_path)
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig").splitlines()
    shortened = [note for note in notes if "shortened" in note]
    assert len(shortened) == 2 and "name of 144 characters" in shortened[0] and "ID of 50 characters" in shortened[1]


def test_documents_drawn_together_are_numbered_and_noted_each_on_its_own(weeks, tmp_path):
    """A folder's documents are drawn as one PDF and saved one file each: every file's pages say
    "Page X of N" counted in that file, and each file's notes are its own."""
    from coaching_batch.documents.payments import write_payment_documentation

    result = weeks["first"]
    pairs = result.pairs.copy()
    pairs["candidate_name"] = "Zoë 王芳"  # every document gets the same note
    entries = result.counted_entries
    entries = pd.concat([entries] + [entries[entries["kind"] == "coach_log"]] * 4, ignore_index=True)  # logs of several pages
    write_payment_documentation(dataclasses_replace(result, pairs=pairs, counted_entries=entries), tmp_path)
    files = sorted(tmp_path.glob("*.pdf"))
    assert len(files) == len(result.payments) >= 2
    assert all(pages(path) >= 2 for path in files)
    for path in files:
        reader = PdfReader(path)
        total = len(reader.pages)
        for number, page in enumerate(reader.pages, start=1):
            assert f"Page {number} of {total}" in page.extract_text()
    notes = (tmp_path / "Check before sending.txt").read_text(encoding="utf-8-sig")
    for path in files:
        assert notes.count(f"- {path.name}: ") == 1


def test_a_failure_in_the_forked_documents_writer_leaves_the_previous_outputs_untouched(weeks, tmp_path, monkeypatch):
    from coaching_batch import reports

    result = weeks["first"]
    reports.write_outputs(result, tmp_path, parallel=True)  # the documents written by a second process
    before = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert "certificates/" + Path(result.certificates["file"].dropna().iloc[0]).name in before

    def broken(result, folder):
        (folder / "half.pdf").write_bytes(b"%PDF-")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(reports.FOLDER_WRITERS, "payment-documentation", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        reports.write_outputs(result, tmp_path, parallel=True)
    assert {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


# --- many documents on both cores ------------------------------------------------------------

def test_documents_drawn_in_two_processes_come_back_whole_and_in_order(tmp_path):
    from coaching_batch.documents.parallel import LEAST_PER_PROCESS, in_forks

    items = list(range(2 * LEAST_PER_PROCESS + 3))

    def draw(part):
        for item in part:  # each process writes its own files, as the documents' writers do
            (tmp_path / f"{item}.txt").write_text(str(os.getpid()))
        return [item * 2 for item in part]

    assert in_forks(draw, items) == [item * 2 for item in items]
    writers = {path.read_text() for path in tmp_path.glob("*.txt")}
    assert len(list(tmp_path.glob("*.txt"))) == len(items) and len(writers) == 2 and str(os.getpid()) in writers


def test_a_process_drawing_documents_that_fails_fails_the_writing(tmp_path):
    from coaching_batch.documents.parallel import LEAST_PER_PROCESS, DrawingFailed, in_forks

    def draw(part):
        if 0 in part:
            raise ValueError("no room left on the page")
        return list(part)

    with pytest.raises(ValueError, match="no room left on the page"):  # the copy's own exception
        in_forks(draw, list(range(2 * LEAST_PER_PROCESS)))
    assert in_forks(draw, [1, 2, 3]) == [1, 2, 3]  # few items: drawn here, no fork

    def unpicklable(part):
        class Local(Exception):  # a class pickle cannot find
            pass
        if 0 in part:  # the first part: a child's
            raise Local("the page is on fire")
        return list(part)

    with pytest.raises(DrawingFailed, match="Local: the page is on fire"):  # told by its text
        in_forks(unpicklable, list(range(2 * LEAST_PER_PROCESS)))


@pytest.mark.parametrize("least", [10_000, 1])  # the payment documentation drawn here, or in two processes
def test_a_full_disk_while_the_payment_documentation_is_drawn_is_said_as_such(tmp_path, monkeypatch, least):
    """However many payments there are, a full disk is said as one ("cannot write the outputs …: No
    space left on device", exit 2), not as the run failing unexpectedly (as a bug)."""
    import errno

    from coaching_batch.documents import parallel, pdf
    from workbooks import run_command

    split = pdf._split

    def full(data, parts, folder):
        if folder.name.startswith(".payment-documentation"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return split(data, parts, folder)

    monkeypatch.setattr(pdf, "_split", full)
    monkeypatch.setattr(parallel, "LEAST_PER_PROCESS", least)
    inbox = copy_demo(tmp_path)
    ran = run_command("run", inbox, "--as-of", AS_OF.isoformat())
    assert ran.returncode == 2
    assert "cannot write the outputs to" in ran.stderr and "No space left on device" in ran.stderr
    assert "unexpectedly" not in ran.stderr and "DrawingFailed" not in ran.stderr


# --- drawing: our word wrap and fpdf2's ------------------------------------------------------

AWKWARD_TEXTS = [
    "",
    "one",
    "\u0301\u0301",  # characters with no width: no line of text
    "Supercalifragilisticexpialidocious" * 12,  # one word longer than several lines
    "short words then " + "averyveryverylongwordwithoutanyspace" * 6 + " and more words after it",
    "hyphen-ated-words-that-never-break-at-a-hyphen " * 12,
    "many     spaces   between    words and   at the end   " * 8,
    "   leading spaces and a line that ends just where a space overflows" * 6,
    "Zoë Ångström-Nguyễn Thị Minh Khai, Ελληνικά, Кириллица, עברית and ﬁ ligatures " * 6,
    "\ufffd\ufffd 王芳 (not in the font) " * 20,
    "tabs\tbetween\twords\tbreak\tlike\tspaces " * 12,
]


@pytest.mark.parametrize("text", AWKWARD_TEXTS)
@pytest.mark.parametrize(("size", "bold", "width"), [(11, False, 0), (24, True, 220), (8, False, 31.7)])
def test_our_word_wrap_breaks_lines_where_fpdf2s_multi_cell_does(text, size, bold, width):
    from coaching_batch.documents.pdf import Document

    pdf = Document("landscape")
    pdf.add_page()
    pdf.style(size, bold)
    assert pdf.lines(text, width) == pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")


def test_text_exactly_as_wide_as_its_cell_stays_on_one_line_as_in_fpdf2():
    from coaching_batch.documents.pdf import Document

    pdf = Document()
    pdf.add_page()
    text = "Certificate of Completion for Zoë Ångström"
    exact = pdf.get_string_width(text) + 2 * pdf.c_margin
    for width in (exact - 0.001, exact, exact + 1e-12, exact + 0.001):
        lines = pdf.lines(text, width)
        assert lines == pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")
        assert len(lines) == (2 if width < exact else 1)
    after = text + " \u0301"  # the space overflows; a combining accent, no wider than nothing, is left
    assert pdf.lines(after, exact) == pdf.multi_cell(exact, 5, after, dry_run=True, output="LINES") == [text]


@pytest.mark.parametrize("typed, printed", [
    ("Kim Lee (ID 200), 3 > 2 & 'ok'", "Kim Lee (ID 200), 3 > 2 & 'ok'"),  # printable ASCII, as it is
    ("  Kim \t Lee\r\n", "Kim Lee"), ("Kim\u00a0\u2003 Lee", "Kim Lee"), ("Kim\x1cLee", "Kim Lee"),  # whitespace: one space
    ("Ki\x07m\u200b Lee\x7f", "Kim Lee"),  # control and format characters dropped
    ("Zoe\u0301", "Zo\u00e9"),  # composed (NFC)
])
def test_a_value_is_printed_composed_without_control_characters_and_with_single_spaces(typed, printed):
    from coaching_batch.documents.pdf import Document

    pdf = Document()
    assert pdf.printable(typed) == printed and pdf.notes == []


def test_text_fpdf2_lays_out_itself_is_left_to_multi_cell():
    from coaching_batch.documents.pdf import Document

    pdf = Document()
    pdf.add_page()
    for text in ("two\nlines", "no\u00a0break", "soft\u00adhyphen"):
        assert pdf.lines(text) is None
        assert pdf.paragraph_height(text, 11) == pdf.multi_cell(0, 11 * 1.35 * 0.3528, text, dry_run=True, output="HEIGHT")


@pytest.mark.parametrize("align", ["L", "C"])
def test_wrapped_text_draws_the_page_fpdf2s_multi_cell_draws(align):
    from fpdf.enums import XPos, YPos

    from coaching_batch.documents.pdf import Document

    pages = []
    for draw in ("wrapped", "multi_cell"):
        pdf = Document()
        pdf.add_page()
        for text in AWKWARD_TEXTS:
            pdf.style(10)
            if draw == "wrapped":
                pdf.wrapped(120, 5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            else:
                pdf.multi_cell(120, 5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pages.append([bytes(page.contents) for page in pdf.pages.values()])
    assert pages[0] == pages[1] and len(pages[0]) > 1  # across a page break too


def test_a_document_made_ahead_draws_what_one_made_when_needed_draws(monkeypatch):
    import datetime as dt

    from fpdf.enums import XPos, YPos

    from coaching_batch.documents import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "_MADE_AHEAD", {})
    pdf_module.make_ahead("portrait")
    spare = pdf_module._MADE_AHEAD[os.getpid(), "portrait"][0]
    spare.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))  # made long ago
    made = []
    for document in (pdf_module.Document.new(title="Payment  documentation", page_numbers=True),  # the one made ahead
                     pdf_module.Document(title="Payment  documentation", page_numbers=True)):
        document.add_page()
        for text in AWKWARD_TEXTS:
            document.wrapped(120, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        made.append(document)
    assert pdf_module._MADE_AHEAD[os.getpid(), "portrait"] == []  # handed out once
    ahead, fresh = made
    assert [bytes(page.contents) for page in ahead.pages.values()] == [bytes(page.contents) for page in fresh.pages.values()]
    assert (ahead.title, ahead.page_numbers, ahead.cur_orientation) == (fresh.title, fresh.page_numbers, fresh.cur_orientation)
    assert abs(ahead.creation_date - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(seconds=5)  # dated when handed out


def test_a_process_forked_after_documents_were_made_ahead_makes_its_own(monkeypatch):
    # the made document's font file is open; a forked process drawing with it would share the
    # file's reading position with its maker (as the payment summaries are drawn on both cores)
    from coaching_batch.documents import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "_MADE_AHEAD", {})
    pdf_module.make_ahead("portrait")
    spare = pdf_module._MADE_AHEAD[os.getpid(), "portrait"][0]
    pid = os.fork()
    if pid == 0:  # the forked process
        os._exit(0 if pdf_module.Document.new() is not spare else 1)
    assert os.waitpid(pid, 0)[1] == 0
    assert pdf_module.Document.new() is spare  # its maker still hands it out


def bold_page():
    """A Document on its first page, in bold 10 pt, its fill colour other than the text's (the text stays black)."""
    from coaching_batch.documents.pdf import Document

    pdf = Document()
    pdf.add_page()
    pdf.set_fill_color(221, 235, 247)
    pdf.style(10, bold=True)
    return pdf


def test_texts_draws_each_text_where_fpdf2s_text_draws_it_with_its_glyphs_in_the_font():
    placed = [(20 + 3 * n, 30 + 7 * n, text) for n, text in enumerate(["2026-01-05", "In Person", "Zoë Ångström", "1:30", "In Person"])]
    drawn = []
    for batch in (False, True):
        pdf = bold_page()
        if batch:
            pdf.texts(placed)
        else:
            for x, y, text in placed:
                pdf.text(x, y, text)
        drawn.append(shown(pdf))
    assert drawn[0] == drawn[1] and [text for *_, text in drawn[1]] == [text for _, _, text in placed]


def test_a_grid_rules_the_outline_and_each_row_and_column_line_across_the_table():
    from coaching_batch.documents.pdf import Document

    pdf = Document()
    pdf.add_page()
    xs, ys = [20, 50, 90, 120], [30, 36, 42, 54, 60]
    pdf.grid(xs, ys)
    *path, stroke = bytes(pdf.pages[1].contents).decode().strip().splitlines()[-1].split()

    def mm(x: str, y: str) -> tuple[float, float]:  # from the page's points, origin bottom left
        return round(float(x) / pdf.k, 1), round(pdf.h - float(y) / pdf.k, 1)

    assert stroke == "S" and path[4] == "re"
    assert mm(*path[:2]) == (20, 30) and (round(float(path[2]) / pdf.k, 1), round(-float(path[3]) / pdf.k, 1)) == (100, 30)
    segments = [(mm(x1, y1), mm(x2, y2)) for x1, y1, m, x2, y2, l in zip(*[iter(path[5:])] * 6) if (m, l) == ("m", "l")]
    assert len(segments) * 6 == len(path) - 5
    assert sorted(segments) == sorted([((20, y), (120, y)) for y in ys[1:-1]] + [((x, 30), (x, 60)) for x in xs[1:-1]])


def test_each_document_is_saved_as_a_standalone_pdf_of_its_own_pages_title_and_fonts(tmp_path):
    import warnings

    from coaching_batch.documents.pdf import Document

    pdf = Document(title="All of them", page_numbers=True)
    for n, pages_drawn in enumerate([1, 3, 2]):
        pdf.begin(f"{n}.pdf", f"Document {n}: Zoë (王)" if n else "")
        for page in range(pages_drawn):
            pdf.add_page()
            pdf.paragraph(f"document {n} page {page + 1}", bold=page % 2 == 1)
    pdf.save(tmp_path, "all.pdf")
    assert pages(tmp_path / "all.pdf") == 6
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pypdf warns of anything out of place in a file
        for n, pages_drawn in enumerate([1, 3, 2]):
            data = (tmp_path / f"{n}.pdf").read_bytes()
            reader = PdfReader(tmp_path / f"{n}.pdf", strict=True)
            assert [page.extract_text().split("\n")[0] for page in reader.pages] == [f"document {n} page {page + 1}" for page in range(pages_drawn)]
            assert data.count(b"/Type /Page\n") == pages_drawn  # no other document's page in the file
            assert reader.metadata.title == (f"Document {n}: Zoë (王)" if n else None) and reader.metadata.creator == "coaching-batch"


@pytest.mark.parametrize("align", ["L", "C"])
@pytest.mark.parametrize(("new_x", "new_y"), [("RIGHT", "TOP"), ("LEFT", "NEXT"), ("LMARGIN", "NEXT")])
def test_a_plain_cell_is_drawn_where_fpdf2s_cell_draws_it_and_moves_on_as_it_does(align, new_x, new_y):
    from coaching_batch.documents.pdf import Document

    drawn = []
    for plain in (False, True):
        pdf = Document()
        pdf.add_page()
        moves = []
        for n, (y, text) in enumerate([(40, "Coach"), (100, "Zoë Ångström (ID 103262)"), (pdf.page_break_trigger - 3, "next page")]):
            pdf.style(10 + n, bold=n == 1, grey=n == 0)
            pdf.set_xy(30 + 5 * n, y)
            draw = pdf.plain_cell if plain else pdf.cell
            draw(0 if n == 2 else 80, 6, text, align=align, new_x=new_x, new_y=new_y)
            moves.append((pdf.page, round(pdf.get_x(), 6), round(pdf.get_y(), 6)))
        assert b"0.3529 0.3529 0.3529 rg" in bytes(pdf.pages[1].contents)  # the grey line in grey
        drawn.append((moves, shown(pdf)))
    assert drawn[0] == drawn[1]
    assert drawn[1][0][-1][0] == 2  # the last line did not fit: it starts the next page, as cell() does


def test_page_numbers_stand_where_fpdf2_centred_its_page_count_placeholder(tmp_path):
    from coaching_batch.documents.pdf import MARGIN, Document

    class CountedByFpdf2(Document):  # "Page X of {nb}", the total filled in by fpdf2
        def footer(self):
            self.set_y(-MARGIN + 4)
            self.style(8, grey=True)
            self.cell(0, 4, f"Page {self.page} of {{nb}}", align="C")

    def lines(data: bytes) -> list[tuple[int, float, float, str]]:
        """(page, y, x, text) of each line: fpdf2 shows the total as a piece of its own."""
        found: dict[tuple[int, float], tuple[float, str]] = {}
        for number, page in enumerate(PdfReader(BytesIO(data)).pages):
            def visit(text, _cm, tm, _font, _size):
                if text.strip():
                    x, shown = found.get((number, round(tm[5], 2)), (round(tm[4], 2), ""))
                    found[number, round(tm[5], 2)] = (x, shown + text)
            page.extract_text(visitor_text=visit)
        return sorted((page, y, x, text.strip()) for (page, y), (x, text) in found.items())

    def draw(pdf: Document) -> Document:
        pdf.begin("counted.pdf")
        for page in range(12):
            pdf.add_page()
            pdf.paragraph(f"page {page + 1}")
        return pdf

    by_fpdf2 = lines(bytes(draw(CountedByFpdf2()).output()))
    draw(Document(page_numbers=True)).save(tmp_path)
    ours = lines((tmp_path / "counted.pdf").read_bytes())
    assert ours == by_fpdf2 and (11, "Page 12 of 12") in [(page, text) for page, _, _, text in ours]


def test_text_rows_draw_each_cell_where_fpdf2s_cell_draws_it_left_or_right_aligned():
    columns = [(20, 30, "L"), (50, 60, "L"), (110, 25, "R")]
    rows = [["2026-01-05", "In Person", "1:30"], ["2026-01-12", "Zoë Ångström", "12:05"], ["2026-01-05", "In Person", "1:30"]]
    drawn = []
    for batch in (False, True):
        pdf = bold_page()
        if batch:
            pdf.text_rows(columns, [(30 + 6 * n + 3 + 0.3 * pdf.font_size, cells) for n, cells in enumerate(rows)])
        else:
            for n, cells in enumerate(rows):
                for (left, width, align), text in zip(columns, cells):
                    pdf.set_xy(left, 30 + 6 * n)
                    pdf.cell(width, 6, text, align=align)
        drawn.append(shown(pdf))
    assert drawn[0] == drawn[1] and [text for *_, text in drawn[1]] == [text for cells in rows for text in cells]


def test_each_pairs_log_lists_its_coach_log_entries_in_date_order_with_their_total():
    from types import SimpleNamespace

    from coaching_batch.documents.payments import _entries_by_pair

    entries = pd.DataFrame({
        "pair": [7, 3, 7, 3, 7],
        "kind": ["coach_log", "coach_log", "coach_log", "candidate_log", "coach_log"],
        "date": pd.to_datetime(["2026-03-02", "2026-01-05", "2026-02-09", "2026-01-06", "2026-02-09"]),
        "duration": pd.array([60, 90, 45, 30, 15], dtype="Int64"),
        "contact_type": pd.array(["In Person", "Phone", None, "Reading", "Email"], dtype="string"),
    })
    logs = _entries_by_pair(SimpleNamespace(counted_entries=entries))
    assert sorted(logs) == [3, 7]
    assert logs[7].days == ["2026-02-09", "2026-02-09", "2026-03-02"]  # same day: in the order logged
    assert logs[7].contact_types == ["", "Email", "In Person"] and logs[7].minutes == [45, 15, 60]
    assert (len(logs[7]), logs[7].total) == (3, 120)
    assert logs[3].days == ["2026-01-05"] and logs[3].total == 90  # its candidate-log entry is not listed


@pytest.mark.parametrize(("size", "bold", "grey"), [(10, False, False), (10, True, True), (12.5, True, False), (8, False, True)])
def test_style_sets_the_shipped_font_size_and_colour_as_set_font_and_set_text_color_do(size, bold, grey):
    from coaching_batch.documents.pdf import FONT_FAMILY, GREY, Document

    expected = Document()
    expected.set_font(FONT_FAMILY, "B" if bold else "", size)
    expected.set_text_color(*(GREY if grey else (0, 0, 0)))
    pdf = Document()
    pdf.add_page()
    for before in (("helvetica", "I", 7), (FONT_FAMILY, "", size), (FONT_FAMILY, "B", size)):
        pdf.set_font(*before)
        pdf.set_text_color(200, 0, 0)
        for _ in range(2):  # and again, nothing to change
            pdf.style(size, bold=bold, grey=grey)
            assert (pdf.current_font.fontkey, pdf.font_size_pt, pdf.text_color) == (expected.current_font.fontkey, size, expected.text_color)


@pytest.mark.parametrize("title", ["Certificate of Completion: Ryan Patel", r"Back\slash (and parentheses)", "Zoë Ångström (王)", ""])
def test_a_documents_own_file_carries_its_title_as_typed(tmp_path, title):
    from coaching_batch.documents.pdf import Document

    pdf = Document(title="All of them")
    for name in ("first.pdf", "own.pdf"):
        pdf.begin(name, title if name == "own.pdf" else "First")
        pdf.add_page()
        pdf.paragraph(name)
    pdf.save(tmp_path)
    reader = PdfReader(tmp_path / "own.pdf", strict=True)
    assert (reader.metadata.title, reader.metadata.creator) == (title or None, "coaching-batch")
    assert reader.metadata.creation_date == PdfReader(tmp_path / "first.pdf").metadata.creation_date is not None
    assert [page.extract_text() for page in reader.pages] == ["own.pdf"]


def test_line_counts_are_the_lines_each_text_wraps_to_in_the_current_font():
    from coaching_batch.documents.pdf import Document

    pdf = Document()
    pdf.add_page()
    pdf.style(10)
    texts = ["2026-01-05", "In Person", "A type of contact long enough to wrap over two lines or more", "In Person"]
    assert pdf.line_counts(texts, 40) == {text: len(pdf.lines(text, 40)) for text in texts}
    assert max(pdf.line_counts(texts, 40).values()) > 1
    pdf.style(10, bold=True)  # another font: counted again
    assert pdf.line_counts(["Total"], 40) == {"Total": 1}


@pytest.mark.parametrize(("size", "bold"), [(11, False), (24, True), (8.1, False)])
def test_a_texts_width_is_the_width_fpdf2_measures(size, bold):
    from coaching_batch.documents.pdf import Document

    pdf = Document("landscape")
    pdf.add_page()
    pdf.style(size, bold)
    for text in AWKWARD_TEXTS + ["Page 12 of ", "000", "1:30"]:
        for line in pdf.lines(text, 60) or [text]:
            assert pdf.text_width(line) == pdf.get_string_width(line)


@pytest.mark.parametrize("font", [("DejaVuSans", "B", 13), ("DejaVuSans", "", 8), ("helvetica", "IU", 7)])
def test_a_new_page_keeps_the_font_and_draws_as_fpdf2s_add_page_does(font):
    from fpdf import FPDF

    from coaching_batch.documents.pdf import Document

    def drawn(add_page) -> tuple:
        pdf = Document()
        pdf.add_page()
        pdf.set_font(*font)
        pdf.set_text_color(200, 0, 0)
        pdf.cell(40, 5, "before")
        add_page(pdf)
        state = (pdf.font_family, pdf.font_style, pdf.font_size_pt, pdf.current_font.fontkey, pdf.underline, pdf.text_color)
        pdf.cell(40, 5, "after")
        return state, [bytes(page.contents) for page in pdf.pages.values()]

    assert drawn(Document.add_page) == drawn(FPDF.add_page)


def test_saved_pages_hold_what_was_drawn_deflated_at_the_documents_level_and_other_pdfs_keep_fpdf2s(tmp_path):
    import zlib

    from fpdf import FPDF

    from coaching_batch.documents.pdf import COMPRESSION_LEVEL, Document

    pdf = Document()
    pdf.begin("a.pdf")
    pdf.add_page()
    pdf.paragraph("A paragraph of text long enough to be worth deflating. " * 40)
    drawn = bytes(pdf.pages[1].contents)
    pdf.save(tmp_path)
    assert PdfReader(tmp_path / "a.pdf").pages[0].get_contents().get_data() == drawn
    assert zlib.compress(drawn, COMPRESSION_LEVEL) in (tmp_path / "a.pdf").read_bytes()
    assert zlib.compress(drawn, COMPRESSION_LEVEL) != zlib.compress(drawn)  # the level makes a difference here

    other = FPDF()  # any other PDF made afterwards: fpdf2's default level
    other.add_page()
    other.set_font("helvetica", size=10)
    other.multi_cell(0, 5, "A paragraph of text long enough to be worth deflating. " * 40)
    data = bytes(other.output())
    assert zlib.compress(PdfReader(BytesIO(data)).pages[0].get_contents().get_data()) in data


def test_writing_documents_leaves_the_garbage_collector_as_it_found_it(weeks, tmp_path):
    import gc

    from coaching_batch.documents import write_payment_documentation

    result = weeks["first"]
    for write in (write_certificates, write_payment_requests, write_payment_documentation):
        folder = tmp_path / write.__name__
        folder.mkdir()
        assert gc.isenabled()
        write(result, folder)
        assert gc.isenabled() and any(folder.glob("*.pdf"))
        gc.disable()
        try:
            write(result, tmp_path)
            assert not gc.isenabled()
        finally:
            gc.enable()


@pytest.mark.parametrize("text, file", [("CON", "CON_"), ("Aux. Smith - itss-coaching", "Aux_. Smith - itss-coaching"),
                                        ("nul .x", "nul_ .x"), ("CON - itss-coaching", "CON - itss-coaching"),
                                        ("Constance. Ng", "Constance. Ng")])
def test_a_document_is_never_named_as_a_windows_device(text, file):
    """Windows keeps CON, AUX, NUL, COM1 … for its devices, alone or before a dot (``Aux. Smith - ….pdf``
    is AUX): such a first word gets ``_`` after it, so the folder can be copied to Windows."""
    from coaching_batch.documents.names import safe_filename

    assert safe_filename(text) == file
