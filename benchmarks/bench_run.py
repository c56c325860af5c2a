#!/usr/bin/env python3
"""Measure SPEC §8's target: the whole run against a bare python-calamine read of the same files.

    .venv/bin/python benchmarks/bench_run.py                           # full size, both inboxes (make bench)
    .venv/bin/python benchmarks/bench_run.py --mix itss                # the ITSS inbox only
    .venv/bin/python benchmarks/bench_run.py --mix programs            # the four-program inbox only
    .venv/bin/python benchmarks/bench_run.py --files 400 --rows-per-file 100   # a quick try

Two inboxes of the same size (10,000 log workbooks, 1,000,000 log rows, 2,500 pairs by default):
``itss``, one program as before, and ``programs``, the same people, files and rows with the pairs
spread over the four programs of SPEC §2a (see "The mixed-program inbox" below). Each is measured
on its own, and both figures are printed and written to the JSON under ``variants``.

The target (on a 2-core machine): 1,000,000 log rows in 10,000 workbooks, the whole run (imports and
outputs included) within 1.25 x the time that a bare single-process python-calamine read of every
sheet of those files takes, and at most 1 GiB of memory, all processes together.

1. A realistic inbox is generated once and cached (``--data-dir``, keyed by variant and size): a roster, the
   coach recommendations, the coaching requests, the assignments (one pair per four log files) and
   the log workbooks, half coach logs and half candidate logs, in the layouts, header spellings and
   value styles coordinators really use (paper-form labels, IDs typed as numbers, text dates,
   durations as hours, h:mm or "90 min", a footer total, the odd bad cell).
2. The bare read: a fresh single process opens every file with python-calamine and reads every
   sheet to Python values. Timed from outside, interpreter start included.
3. The whole run: ``python -m coaching_batch run`` as a subprocess, timed from outside, while the
   RSS of its process tree (it and its reader workers) is sampled every 50 ms from /proc/PID/status.
4. Its memory: one more run, not timed, with PSS sampled every 50 ms from /proc/PID/smaps_rollup
   and summed over the tree (pages a forked worker shares with its parent are counted once). Reading
   smaps_rollup walks the page tables under the process's memory-map lock, so it is kept out of the
   timed runs. RSS summed (shared pages counted in every process, an overestimate) and the sum of
   each process's own peak RSS (VmHWM, an upper bound no sampling gap can miss) are reported too.
5. A following week: the same inbox run again (``--repeat`` times, the best kept) on the ledger the
   memory run left, as the weekly run goes once the stipends and certificates are issued: nothing
   is paid or certified again, so no certificate or payment PDF is drawn. Reported beside the
   target, not instead of it: the target is the first run's.

After one warm-up read of the files, the bare read and the run are timed in turn, ``--repeat``
rounds, and the best of each is kept. The figures are printed as a table per inbox and written as
JSON (``--json``). ``--generate-only`` writes the inboxes and measures nothing.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import itertools
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 20)
GENERATOR_VERSION = 1  # bump when the generated inbox changes, so old caches are not reused
TIME_TARGET = 1.25  # the whole run within this many times the bare read
MEMORY_TARGET = 1 << 30  # bytes, all processes together
SAMPLE_SECONDS = 0.05

# ----------------------------------------------------------------------------------------------
# The inbox

FIRST_NAMES = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark
Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy
George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen
Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen
Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack
Priya Tomas Mei Oscar Fatima Jamal Sofia Luis Yuki Ahmed""".split()
LAST_NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson
Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks
Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Okafor
Natarajan Osei Petrova Lindqvist Sullivan Baptiste Marsh""".split()
SCHOOLS = ["Gaithersburg HS", "Rockville HS", "Watkins Mill HS", "Richard Montgomery HS", "Quince Orchard HS",
           "Wootton HS", "Clarksburg HS", "Wheaton HS", "Seneca Valley HS", "Blair HS", "Northwest HS",
           "Poolesville HS", "Kennedy HS", "Magruder HS", "Springbrook HS", "Carver Educational Services Center",
           "Field Support North (Gaithersburg)", "Field Support South (Rockville)"]
GOALS = ["Configure and troubleshoot switch ports and VLANs", "Image and deploy a lab of laptops",
         "Pass the ITSS II skills assessment", "Manage Active Directory accounts and group policy",
         "Lead a printer and copier deployment", "Document a school's network closet",
         "Administer a Windows file server", "Script routine tasks in PowerShell",
         "Plan a building-wide software rollout"]
COACH_TOPICS = ["Reviewed VLAN configuration on the core switch", "Walked through imaging a laptop cart",
                "Discussed ticket triage and escalation", "Observed candidate replacing a projector lamp",
                "Phone check-in on progress toward goals", "Emailed links to PowerShell exercises",
                "Reviewed Active Directory group policy changes", "Planned next week's printer deployment",
                "Shadowed a network closet audit", "Answered questions about the skills assessment"]
CANDIDATE_TOPICS = ["Practiced switch configuration in the lab", "Read vendor documentation on imaging",
                    "Met with coach to review goals", "Completed online module: Windows Server basics",
                    "Wrote a PowerShell script to reset passwords", "Deployed printers at the media center",
                    "Documented cabling in closet B", "Studied for the skills assessment",
                    "Troubleshot wireless access points with coach", "Updated the asset inventory"]
CONTACT_TYPES = ["In Person"] * 6 + ["Phone"] * 3 + ["Email"] * 2 + ["in-person", "phone call", "e-mail", "PHONE"]
ACTIVITY_TYPES = ["Coach Meeting", "Independent", "Independent", "coach meeting"]
COACH_HEADERS = [
    ["Candidate ID", "Coach ID", "Date", "Type of Contact (In Person, Phone, Email)", "Duration",
     "Brief Description of Contact"],
    ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Hours", "Description"],
]
CANDIDATE_HEADERS = [
    ["Candidate ID", "Coach ID", "Date", "Duration", "Brief Description of Activity"],
    ["Candidate ID", "Coach ID", "Date", "Hours", "Activity Type", "Brief Description of Activity"],
    ["Candidate ID", "Coach ID", "Date", "Hours", "Description"],
]
ITSS_MINUTES = [30, 45, 60, 60, 90, 90, 120, 150, 180, 240]
PAPER_COACH_HEADERS = ["Date", "Type of Contact (In Person, Phone, Email)", "Duration", "Brief Description of Contact"]
PAPER_CANDIDATE_HEADERS = ["Date", "Duration", "Activity Type", "Brief Description of Activity"]


def _people(pairs: int) -> dict:
    """The roster: supervisors, coaches (one per two pairs) and candidates (one per pair), unique names."""
    rng = random.Random(7)
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    supervisors = max(2, pairs // 40)
    coaches = max(2, (pairs + 1) // 2)
    total = supervisors + coaches + pairs
    if total > len(names):
        names += [f"{n} {i}" for i, n in enumerate(names[: total - len(names)])]
    people = []
    for i in range(total):
        role = "supervisor" if i < supervisors else "coach" if i < supervisors + coaches else "candidate"
        grade = 27 if role == "supervisor" else 25 if role == "coach" else rng.choice([20, 20, 20, 23])
        people.append({
            "id": f"{100000 + i * 7:06d}" if i else "031775",
            "name": names[i], "role": role, "grade": grade,
            "hire": dt.date(2004, 1, 5) + dt.timedelta(days=rng.randrange(0, 6500)),
            "location": rng.choice(SCHOOLS),
            "supervisor": None if role == "supervisor" else i % supervisors,
            "training": dt.date(2024, 10, 16) + dt.timedelta(days=rng.randrange(0, 400)) if role == "coach" else None,
        })
    return {"people": people, "supervisors": supervisors, "coaches": coaches}


def _pairs(pairs: int, people: dict) -> list[dict]:
    rng = random.Random(11)
    first_coach = people["supervisors"]
    first_candidate = first_coach + people["coaches"]
    return [_itss_pair(rng, people["people"][first_candidate + k], people["people"][first_coach + k // 2], k % 2)
            for k in range(pairs)]


def _itss_pair(rng: random.Random, candidate: dict, coach: dict, second: int) -> dict:
    """An ITSS pair; a coach's two candidates follow each other, planning meetings spread over two years."""
    pm = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(0, 300) + second * 200)
    done = pm + dt.timedelta(days=180) < AS_OF and rng.random() < 0.8
    return {
        "candidate": candidate, "coach": coach, "assigned": pm - dt.timedelta(days=14), "pm": pm,
        "target": 23 if candidate["grade"] == 20 else 25, "status": "Completed" if done else "Active",
        "completion": pm + dt.timedelta(days=rng.randrange(100, 180)) if done else None,
        "goals": rng.sample(GOALS, 3),
    }


def _new_book(path: Path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    formats = {"date": book.add_format({"num_format": "m/d/yyyy"}), "time": book.add_format({"num_format": "h:mm"}),
               "bold": book.add_format({"bold": True})}
    return book, formats


def _write_row(sheet, r: int, row: list, formats: dict) -> None:
    for c, value in enumerate(row):
        if value is None:
            continue
        if isinstance(value, dt.date):
            sheet.write_datetime(r, c, value, formats["date"])
        elif isinstance(value, dt.time):
            sheet.write_datetime(r, c, value, formats["time"])
        elif isinstance(value, str):
            sheet.write_string(r, c, value)
        else:
            sheet.write_number(r, c, value)


def _table_book(path: Path, sheet_name: str, headers: list[str], rows: list[list], title: str | None = None) -> None:
    book, formats = _new_book(path)
    sheet = book.add_worksheet(sheet_name)
    r = 0
    if title:
        sheet.write_string(0, 0, title, formats["bold"])
        r = 2
    _write_row(sheet, r, headers, formats)
    for i, row in enumerate(rows, start=r + 1):
        _write_row(sheet, i, row, formats)
    book.close()


ASSIGNMENT_HEADERS = ["Candidate ID", "Candidate", "Coach ID", "Coach", "Assigned Date", "Planning Meeting Date",
                      "Target Grade", "Goal 1", "Goal 2", "Goal 3", "Goals Attained", "Status", "Completion Date",
                      "Request for Payment Date"]


def _write_tables(inbox: Path, people: dict, pairs: list[dict]) -> None:
    """The roster, recommendations, requests and assignments workbooks."""
    _write_roster(inbox, people)
    _write_recommendations(inbox, people)
    _write_requests(inbox, people, pairs)
    _table_book(inbox / "Assignments and Planning.xlsx", "Assignments", ASSIGNMENT_HEADERS,
                [_assignment_row(pair) for pair in pairs])


def _write_roster(inbox: Path, people: dict) -> None:
    """The roster; the mixed inbox sets position start, supervisor and statuses on some people."""
    everyone = people["people"]
    titles = {27: "IT Systems Supervisor", 25: "IT Systems Specialist III", 23: "IT Systems Specialist II",
              20: "IT Systems Specialist I"}
    roster = [[p["id"], p["name"], p["name"].lower().replace(" ", "_") + "@mcpsmd.org", titles[p["grade"]],
               p["grade"], p["hire"], p.get("position_start", p["hire"]),
               p.get("supervisor_id", None if p["supervisor"] is None else everyone[p["supervisor"]]["id"]),
               p.get("employment", "Permanent"), "Meeting", p.get("evaluation", "Standard"), p["training"],
               p["location"]] for p in everyone]
    _table_book(inbox / "Roster 2026.xlsx", "Employees",
                ["Employee ID Number", "Employee Name", "Email Address", "Job Title", "Grade", "Hire Date",
                 "Position Start Date", "Supervisor ID", "Employment Status", "PGS Status", "Evaluation Status",
                 "Coach Training Date", "Work Location"], roster)


def _write_recommendations(inbox: Path, people: dict) -> None:
    rng = random.Random(3)
    everyone = people["people"]
    recommendations = []
    for p in everyone:
        if p["role"] != "coach":
            continue
        sent = p["training"] - dt.timedelta(days=60)
        referees = [(everyone[p["supervisor"]]["name"], "Supervisor")] + [
            (rng.choice(everyone)["name"], "Colleague") for _ in range(2)]
        for j, (referee, relationship) in enumerate(referees):
            recommendations.append([p["id"], p["name"], referee, relationship, *[rng.randint(3, 5) for _ in range(5)],
                                    rng.choice(["Highly recommended", "Recommended"]), sent + dt.timedelta(days=4 * j)])
    _table_book(inbox / "Coach Recommendations.xlsx", "Recommendations",
                ["Prospective Coach ID", "Prospective Coach", "Reference Name", "Relationship", "People Skills",
                 "Job Skills", "Model and Explain", "Communication", "Time Management", "Overall Recommendation",
                 "Date"], recommendations, title="CONFIDENTIAL - Recommendation Forms for Prospective Coaches")


def _write_requests(inbox: Path, people: dict, pairs: list[dict]) -> None:
    """The ITSS candidates' coaching requests (the other programs have none)."""
    everyone = people["people"]
    requests = [[pair["candidate"]["id"], pair["candidate"]["name"], pair["assigned"] - dt.timedelta(days=21),
                 f"IT Systems Specialist (grade {pair['candidate']['grade']})", pair["target"],
                 pair["assigned"] - dt.timedelta(days=28), everyone[pair["candidate"]["supervisor"]]["name"], None]
                for pair in pairs]
    _table_book(inbox / "Coaching Requests.xlsx", "Requests",
                ["Employee ID Number", "Employee Name", "Today's Date", "Current Job and Level", "Target Grade",
                 "Form 336-84 Date", "Supervisor's Name", "Additional Notes"], requests)


def _assignment_row(pair: dict) -> list:
    itss_done = pair["status"] == "Completed" and pair.get("program", ITSS) == ITSS  # goals attained, payment asked
    return [pair["candidate"]["id"], pair["candidate"]["name"], pair["coach"]["id"], pair["coach"]["name"],
            pair["assigned"], pair["pm"], pair.get("target"), *(pair.get("goals") or [None, None, None]),
            "Yes" if itss_done else None, pair["status"], pair["completion"],
            pair["completion"] + dt.timedelta(days=7) if itss_done else None]


def _duration(rng: random.Random, minutes: int):
    """A duration as coordinators type it: hours mostly, sometimes h:mm, a time cell or text with units."""
    style = rng.random()
    if style < 0.75:
        return minutes / 60
    if style < 0.85:
        return f"{minutes // 60}:{minutes % 60:02d}"
    if style < 0.93:
        return dt.time(minutes // 60, minutes % 60)
    if style < 0.97:
        return f"{minutes} min"
    return f"{minutes / 60:g} h"


def _itss_log(kind: str, pair: dict) -> dict:
    """What an ITSS log holds: entries from the planning meeting over six months, at most to as-of."""
    coach = kind == "coach"
    return {"from": pair["pm"], "to": min(AS_OF, pair["pm"] + dt.timedelta(days=180)),
            "title": "ITSS Job Banding Coaching Log" if coach else "ITSS Job Banding Coaching Candidate Log",
            "topics": COACH_TOPICS if coach else CANDIDATE_TOPICS, "minutes": ITSS_MINUTES}


def _log_book(task: tuple) -> int:
    """Write one log workbook (a coach log or a candidate log of one pair); returns its data rows.

    ``log`` says what the log holds: entries dated in [from, to), the title above the table, the
    description texts and the meeting lengths in minutes to choose from.
    """
    path, kind, pair, rows, seed, log = task
    rng = random.Random(seed)
    coach = kind == "coach"
    span = max(1, (log["to"] - log["from"]).days)
    days = sorted(log["from"] + dt.timedelta(days=rng.randrange(0, span)) for _ in range(rows))
    paper = rng.random() < 0.2  # the paper form's layout: labelled names above the header, no ID columns
    ids_as_numbers = not paper and rng.random() < 0.15
    text_dates = rng.random() < 0.1
    footer = rng.random() < 0.3
    topics = log["topics"]
    if paper:
        headers = PAPER_COACH_HEADERS if coach else PAPER_CANDIDATE_HEADERS
    else:
        headers = rng.choice(COACH_HEADERS if coach else CANDIDATE_HEADERS)

    book, formats = _new_book(Path(path))
    sheet = book.add_worksheet(pair["candidate"]["name"] if coach else "Log")
    sheet.write_string(0, 0, log["title"], formats["bold"])
    r = 2
    if paper:
        sheet.write_string(2, 0, "Candidate Name:")
        sheet.write_string(2, 1, pair["candidate"]["name"])
        sheet.write_string(3, 0, "Coach Name:")
        sheet.write_string(3, 1, pair["coach"]["name"])
        r = 5
    _write_row(sheet, r, headers, formats)
    total = 0
    for day in days:
        r += 1
        minutes = rng.choice(log["minutes"])
        total += minutes
        candidate_id, coach_id = pair["candidate"]["id"], pair["coach"]["id"]
        if ids_as_numbers:
            candidate_id, coach_id = int(candidate_id), int(coach_id)
        duration = _duration(rng, minutes)
        if rng.random() < 0.001:
            duration = "TBD"  # the odd bad cell: a finding, not a crash
        values = {
            "Candidate ID": candidate_id, "Coach ID": coach_id,
            "Date": f"{day.month}/{day.day}/{day.year}" if text_dates else day,
            "Type of Contact (In Person, Phone, Email)": rng.choice(CONTACT_TYPES),
            "Type of Contact": rng.choice(CONTACT_TYPES),
            "Duration": duration, "Hours": duration, "Activity Type": rng.choice(ACTIVITY_TYPES),
            "Brief Description of Contact": rng.choice(topics), "Brief Description of Activity": rng.choice(topics),
            "Description": rng.choice(topics),
        }
        _write_row(sheet, r, [values[h] for h in headers], formats)
        if rng.random() < 0.005:
            r += 1
            sheet.write_string(r, 0, "Continued on next page")
    if footer:
        r += 1
        sheet.write_string(r, 0, "Total Hours")
        sheet.write_number(r, headers.index("Duration" if "Duration" in headers else "Hours"), total / 60)
    book.close()
    return rows


def _itss_tasks(folder: Path, pairs: list[dict], files: int, rows_per_file: int) -> list[tuple]:
    """Each pair's coach log and candidate log in turn, as part 1, then part 2 and so on."""
    pair_count = len(pairs)
    tasks = []
    for n in range(files):
        pair = pairs[(n // 2) % pair_count]
        kind = "coach" if n % 2 == 0 else "candidate"
        part = n // (2 * pair_count) + 1
        name = _itss_file_name(kind, pair, part)
        rows = max(1, round(rows_per_file * random.Random(n).uniform(0.8, 1.2)))
        tasks.append((str(folder / name), kind, pair, rows, n, _itss_log(kind, pair)))
    return _take_up_slack(tasks, files * rows_per_file)


def _itss_file_name(kind: str, pair: dict, part: int) -> str:
    who = "Coach" if kind == "coach" else "Candidate"
    return f"{who} Log - {pair[kind]['name']} - {pair['candidate']['id']} part {part}.xlsx"


def _take_up_slack(tasks: list[tuple], total: int) -> list[tuple]:
    """The last file takes up the slack so the total is exactly ``total`` rows."""
    path, kind, pair, _, seed, log = tasks[-1]
    tasks[-1] = (path, kind, pair, max(1, total - sum(task[3] for task in tasks[:-1])), seed, log)
    return tasks


# ----------------------------------------------------------------------------------------------
# The mixed-program inbox (--mix programs): the same people, number of pairs, files and log rows as
# the ITSS inbox, with the pairs spread over the four programs. Each program's pairs carry what its
# rules read (SPEC §2a), with problems planted at a few per cent so that every rule finds something:
#
#   itss-coaching      as in the ITSS inbox (coach and candidate logs, requests); Program blank, name or title
#   support-mentoring  Agreement Date (1 % blank, a few logs starting before it); mentors with too few years,
#                      too short in position or the mentee's supervisor; mentees not Permanent or on PAR;
#                      short meetings, some months over 4 h, a few relationships expired or stalled
#   reps-coaching      groups of 3 coachees per coach (10 % of coaches 4: over capacity); coaches trained after
#                      the start; Extended Until (1 % before the start); yearly feedback from most coaches
#                      and coachees; a few coaches with no entry in 75 days
#   job-embedded       current, completed-this-year and last-year pairs; milestones: agreements (some late or
#                      missing), reviews, the four phases (some out of order or skipped); a few meeting gaps
#
# The other programs keep coach logs only (a mentor log, a reps log, a collaborative log), split into
# consecutive periods, one file each; rows per file are weighted so that a mentoring pair logs about a
# quarter as much as an ITSS pair and a reps pair (longer commitments) more, the total unchanged.

ITSS, MENTORING, REPS, JOB_EMBEDDED = "itss-coaching", "support-mentoring", "reps-coaching", "job-embedded"
TITLES = {ITSS: "ITSS Technical Advancement Skills Coaching", MENTORING: "Supporting Services Mentoring",
          REPS: "Reps Coaching", JOB_EMBEDDED: "Job-Embedded Coaching"}
GROUP_SIZES = {ITSS: [2], MENTORING: [1, 2, 2], REPS: [3] * 9 + [4], JOB_EMBEDDED: [2, 3]}  # coachees per coach
ROWS_WEIGHT = {ITSS: 1.0, MENTORING: 0.25, REPS: 1.75, JOB_EMBEDDED: 1.0}
SCHOOL_YEAR = dt.date(2026, 8, 1)  # the start of the school year holding AS_OF (job-embedded)
PHASES = ["Orientation", "Relationship", "Goals", "Ongoing Support"]
PHASE_TEXTS = {"Agreement": ["Agreement"] * 4 + ["Partnership Agreement"],
               "Agreement Review": ["Agreement Review"] * 4 + ["Partnership Review"],
               "Orientation": ["Orientation"] * 4 + ["Getting Oriented"],
               "Relationship": ["Relationship"] * 3 + ["Establishing the Coaching Relationship"],
               "Goals": ["Goals"] * 3 + ["Goal Setting"], "Ongoing Support": ["Ongoing Support"] * 4 + ["ongoing"]}
ROLE_TEXTS = {"Coach": ["Coach"] * 9 + ["coach"], "Coachee": ["Coachee"] * 7 + ["coachee", "Mentee", "Candidate"]}
FEEDBACK_COMMENTS = [None, None, "Helpful and well prepared", "Would like more time in the building",
                     "Meetings were often rescheduled", "Clear next steps after every visit", "Good listener"]
MILESTONE_NOTES = [None, None, "Signed copy on file", "Met at the school", "Notes in the shared folder"]
PROGRAM_LOGS = {  # title above the table, file name, descriptions, meeting lengths in minutes
    MENTORING: ("Supporting Services Mentoring - Mentor Log", "Mentor Log",
                ["Phone check-in", "Talked through the new timesheet system", "Reviewed the mentee's questions",
                 "Walked the building together", "Email about the training calendar", "Discussed a difficult call"],
                [10, 15, 15, 20, 20, 30]),
    REPS: ("Reps Coaching Log", "Reps Coaching Log",
           ["Observed a lesson and debriefed", "Co-planned next week's unit", "Reviewed student work samples",
            "Phone check-in", "Modelled a small-group routine", "Set a goal for the next visit"],
           [15, 30, 30, 45, 60, 60, 90]),
    JOB_EMBEDDED: ("Job-Embedded Coaching - Collaborative Log", "Collaborative Log",
                   ["Walkthrough of classrooms with the principal", "Reviewed the school improvement plan",
                    "Debriefed a staff meeting", "Planned the data meeting agenda", "Discussed a parent concern",
                    "Looked at attendance data together"],
                   [30, 45, 60, 60, 90]),
}


# A pair of these programs logs a few hundred meetings at this scale, several a week: each entry names
# what was worked on as well, so two different meetings of a day rarely read the same (LOG-DUPLICATE
# stays an exception, as in real logs).
FOCUSES = ["goals", "follow-up", "observation notes", "next steps", "data", "scheduling", "reflection", "resources"]
PROGRAM_LOGS = {program: (title, label, [f"{topic}: {focus}" for topic in topics for focus in FOCUSES], minutes)
                for program, (title, label, topics, minutes) in PROGRAM_LOGS.items()}


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when that month is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - _days(1)).day
    return dt.date(year, month, min(day.day, last))


def _mixed_pairs(pair_count: int, people: dict) -> list[dict]:
    """Pairs of all four programs. Each coach takes one program and a group of coachees; the program
    with the fewest pairs so far takes the next coach, so each program has about a quarter."""
    rng = random.Random(13)
    everyone = people["people"]
    first_candidate = people["supervisors"] + people["coaches"]
    coaches = itertools.cycle(everyone[people["supervisors"]:first_candidate])  # cycles only in tiny inboxes
    makers = {ITSS: _itss_group, MENTORING: _mentoring_group, REPS: _reps_group, JOB_EMBEDDED: _job_embedded_group}
    counts = dict.fromkeys(TITLES, 0)
    pairs: list[dict] = []
    while len(pairs) < pair_count:
        program = min(counts, key=counts.get)
        size = min(rng.choice(GROUP_SIZES[program]), pair_count - len(pairs))
        group = everyone[first_candidate + len(pairs):first_candidate + len(pairs) + size]
        made = makers[program](rng, next(coaches), group)
        for pair in made:
            pair["program"] = program
            pair["program_text"] = _program_text(rng, program)
        pairs += made
        counts[program] += size
    return pairs


def _program_text(rng: random.Random, program: str) -> str | None:
    """The Program cell as coordinators fill it: blank (= ITSS), the name or the title, in any case."""
    r = rng.random()
    if program == ITSS:
        return None if r < 0.5 else program if r < 0.75 else TITLES[program]
    if r < 0.002:
        return "Mentoring Program"  # no such program: CELL-ENUM, the pair is not judged
    text = program if r < 0.5 else TITLES[program]
    return text.upper() if rng.random() < 0.1 else text


def _itss_group(rng: random.Random, coach: dict, group: list[dict]) -> list[dict]:
    return [_itss_pair(rng, candidate, coach, j) for j, candidate in enumerate(group)]


def _mentoring_group(rng: random.Random, mentor: dict, group: list[dict]) -> list[dict]:
    r = rng.random()
    if r < 0.05:
        mentor["hire"] = dt.date(2022, 9, 1)  # employed under 5 years
    elif r < 0.10:
        mentor["position_start"] = dt.date(2025, 7, 1)  # under a year in the current position
    pairs = []
    for mentee in group:
        agreement = dt.date(2025, 6, 2) + _days(rng.randrange(0, 300))
        end = _add_months(agreement, 12)
        completion = None
        if end <= AS_OF:
            status = "Completed" if rng.random() < 0.85 else "Active"  # Active: RELATIONSHIP-EXPIRED
        else:
            status = rng.choices(["Active", "Completed", "Withdrawn"], [90, 7, 3])[0]
        if status == "Completed":
            completion = end if end <= AS_OF else agreement + _days(rng.randrange(200, (AS_OF - agreement).days))
        log_from = agreement - _days(20) if rng.random() < 0.01 else agreement  # meetings before the agreement
        log_to = min(completion or end, AS_OF)
        if status == "Withdrawn" or (status == "Active" and rng.random() < 0.05):
            log_to = log_from + (log_to - log_from) / 2  # stopped logging: months with no meeting
        r = rng.random()
        if r < 0.06:
            mentee["employment"] = "Temporary" if r < 0.03 else "Probationary" if r < 0.05 else None
        r = rng.random()
        if r < 0.03:
            mentee["evaluation"] = "PAR" if r < 0.02 else "Special Evaluation"
        if rng.random() < 0.02:
            mentee["supervisor_id"] = mentor["id"]  # the mentor supervises the mentee
        pairs.append({"candidate": mentee, "coach": mentor, "assigned": agreement - _days(14), "pm": None,
                      "status": status, "completion": completion, "log_from": log_from, "log_to": log_to,
                      "agreement": None if rng.random() < 0.01 else agreement})
    return pairs


def _reps_group(rng: random.Random, coach: dict, group: list[dict]) -> list[dict]:
    base = coach["training"] + _days(rng.randrange(0, 300))
    if rng.random() < 0.05:
        base = coach["training"] - _days(rng.randrange(10, 60))  # coaching before the training
    stalled = rng.random() < 0.05  # no entry with any coachee in the last 75 days: COACH-INACTIVE
    pairs = []
    for coachee in group:
        pm = min(base + _days(rng.randrange(0, 60)), AS_OF - _days(7))
        end = _add_months(pm, 12)
        extended = None
        if end < AS_OF + _days(30) and rng.random() < 0.3:
            extended = end = _add_months(end, 6)
        elif rng.random() < 0.01:
            extended = pm - _days(30)  # before the start: CELL-TYPE, the value ignored
        r, completion = rng.random(), None
        if r < 0.25 and (AS_OF - pm).days > 121:
            status, completion = "Completed", pm + _days(rng.randrange(120, min(360, (AS_OF - pm).days)))
        else:
            status = "Withdrawn" if r > 0.97 else "Active"
        log_to = min(completion or end, AS_OF - _days(75) if stalled else AS_OF)
        feedback = []
        if status != "Withdrawn" and (AS_OF - pm).days > 30:
            for role, who, share in (("Coach", coach, 0.85), ("Coachee", coachee, 0.8)):
                if rng.random() < share:
                    day = AS_OF - _days(rng.randrange(0, min(330, (AS_OF - pm).days)))
                    feedback.append([who["id"], rng.choice(ROLE_TEXTS[role]), coach["id"], coachee["id"], day,
                                     rng.choice([None, 3, 4, 4, 5, 5]), rng.choice(FEEDBACK_COMMENTS)])
        pairs.append({"candidate": coachee, "coach": coach, "assigned": pm - _days(14), "pm": pm,
                      "status": status, "completion": completion, "extended": extended,
                      "log_from": pm, "log_to": max(log_to, pm + _days(1)), "feedback": feedback})
    return pairs


def _job_embedded_group(rng: random.Random, coach: dict, group: list[dict]) -> list[dict]:
    pairs = []
    for coachee in group:
        kind = rng.choices(["current", "completed", "last year"], [75, 12, 13])[0]
        if kind == "last year":  # not judged: "not in the current school year"
            pm = dt.date(2025, 8, 15) + _days(rng.randrange(0, 60))
            completion = dt.date(2026, 5, 1) + _days(rng.randrange(0, 45))
            log_from, log_to = pm, completion
        elif kind == "completed":
            pm = SCHOOL_YEAR - _days(rng.randrange(30, 300))
            completion = SCHOOL_YEAR + _days(rng.randrange(20, 100))
            log_from, log_to = SCHOOL_YEAR, completion
        else:
            pm, completion = SCHOOL_YEAR + _days(rng.randrange(-400, 75)), None
            log_from = max(SCHOOL_YEAR, pm)
            log_to = AS_OF - _days(30) if rng.random() < 0.05 else AS_OF  # MEETING-GAP to as-of
        pair = {"candidate": coachee, "coach": coach, "assigned": pm - _days(14), "pm": pm,
                "status": "Active" if completion is None else "Completed", "completion": completion,
                "log_from": log_from, "log_to": log_to}
        pair["milestones"] = _milestones(rng, pair, current=kind != "last year")
        pairs.append(pair)
    return pairs


def _milestones(rng: random.Random, pair: dict, *, current: bool) -> list[list]:
    """A job-embedded pair's milestones: the phases from its start, an agreement for each school year
    it ran (the current one sometimes late or missing) and the reviews of the past year."""
    last_day = min(AS_OF, pair["completion"] or AS_OF)
    dates: dict[str, dt.date] = {}
    day = pair["pm"] + _days(rng.randrange(0, 10))
    for phase in PHASES:
        dates[phase] = day
        day += _days(rng.randrange(10, 45))
    r = rng.random()
    if r < 0.04:
        dates["Relationship"], dates["Goals"] = dates["Goals"], dates["Relationship"]  # PHASE-OUT-OF-ORDER
    elif r < 0.07:
        del dates["Relationship"]  # PHASE-MISSING once Goals is dated
    found = list(dates.items())
    anchors = [pair["pm"]] + ([SCHOOL_YEAR] if current and pair["pm"] < SCHOOL_YEAR else [])
    for anchor in anchors:
        r = rng.random()
        if current and anchor == anchors[-1] and r < 0.08:
            if r >= 0.03:  # none at all below 3 %: AGREEMENT-LATE once 30 days have passed
                found.append(("Agreement", anchor + _days(rng.randrange(31, 60))))  # late
        else:
            found.append(("Agreement", anchor + _days(rng.randrange(0, 30))))
    for due in (dt.date(2025, 12, 15), dt.date(2026, 4, 15)):
        if pair["pm"] < due and rng.random() < 0.9:
            found.append(("Agreement Review", due - _days(rng.randrange(0, 10))))
    if current and rng.random() < 0.1:
        found.append(("Agreement Review", AS_OF - _days(rng.randrange(0, 15))))  # an early review
    rows = []
    for phase, day in found:
        if day <= last_day:
            text = "Kickoff" if rng.random() < 0.002 else rng.choice(PHASE_TEXTS[phase])  # Kickoff: CELL-ENUM
            rows.append([pair["candidate"]["id"], pair["coach"]["id"], text, day, pair["candidate"]["location"],
                         rng.choice(MILESTONE_NOTES)])
    return sorted(rows, key=lambda row: row[3])


def _write_mixed_tables(inbox: Path, people: dict, pairs: list[dict]) -> None:
    """The ITSS tables (requests for ITSS pairs only), the assignments with Program, Agreement Date and
    Extended Until, the reps feedback and the job-embedded milestones."""
    _write_roster(inbox, people)
    _write_recommendations(inbox, people)
    _write_requests(inbox, people, [pair for pair in pairs if pair["program"] == ITSS])
    _table_book(inbox / "Assignments and Planning.xlsx", "Assignments",
                ["Program", *ASSIGNMENT_HEADERS, "Agreement Date", "Extended Until"],
                [[pair["program_text"], *_assignment_row(pair), pair.get("agreement"), pair.get("extended")]
                 for pair in pairs])
    feedback = [row for pair in pairs for row in pair.get("feedback", [])]
    milestones = [row for pair in pairs for row in pair.get("milestones", [])]
    _no_assignment(feedback, candidate_column=3)
    _no_assignment(milestones, candidate_column=0)
    _table_book(inbox / "Reps Feedback 2026.xlsx", "Feedback",
                ["Employee ID", "Role", "Coach ID", "Coachee ID", "Feedback Date", "Rating", "Comments"],
                feedback, title="CONFIDENTIAL - Reps Coaching feedback forms")
    _table_book(inbox / "Partnership Milestones.xlsx", "Milestones",
                ["Candidate ID", "Coach ID", "Phase", "Date", "Campus", "Notes"], milestones)


def _no_assignment(rows: list[list], candidate_column: int) -> None:
    """Every 200th row names another pair's coachee: a pair with no assignment (LOG-NO-ASSIGNMENT)."""
    for i in range(0, len(rows), 200):
        rows[i] = list(rows[i])
        rows[i][candidate_column] = rows[(i + len(rows) // 2) % len(rows)][candidate_column]


def _mixed_tasks(folder: Path, pairs: list[dict], files: int, rows_per_file: int) -> list[tuple]:
    """ITSS pairs' files as in the ITSS inbox; the other pairs' files are coach logs, one per
    consecutive period of the pair's logging; rows weighted by program, the total unchanged."""
    pair_count = len(pairs)
    owners = [(n // 2) % pair_count for n in range(files)]
    files_of = collections.Counter(owners)
    done: collections.Counter = collections.Counter()
    tasks, weights = [], []
    for n, k in enumerate(owners):
        pair = pairs[k]
        if pair["program"] == ITSS:
            kind = "coach" if n % 2 == 0 else "candidate"
            part = n // (2 * pair_count) + 1
            name = _itss_file_name(kind, pair, part)
            log = _itss_log(kind, pair)
        else:
            kind, part = "coach", done[k]
            done[k] += 1
            title, label, topics, minutes = PROGRAM_LOGS[pair["program"]]
            length = pair["log_to"] - pair["log_from"]
            log = {"from": pair["log_from"] + length * part / files_of[k],
                   "to": pair["log_from"] + length * (part + 1) / files_of[k],
                   "title": title, "topics": topics, "minutes": minutes}
            name = f"{label} - {pair['coach']['name']} - {pair['candidate']['id']} part {part + 1}.xlsx"
        weights.append(ROWS_WEIGHT[pair["program"]] * random.Random(n).uniform(0.8, 1.2))
        tasks.append([str(folder / name), kind, pair, 0, n, log])
    scale = files * rows_per_file / sum(weights)
    for task, weight in zip(tasks, weights):
        task[3] = max(1, round(weight * scale))
    return _take_up_slack([tuple(task) for task in tasks], files * rows_per_file)


def generate(inbox: Path, files: int, rows_per_file: int, jobs: int, mix: str = "itss") -> None:
    """Write the inbox into a fresh folder beside ``inbox`` and move it into place when complete."""
    partial = inbox.with_name(inbox.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    pair_count = max(2, files // 4)
    people = _people(pair_count)
    if mix == "itss":
        pairs = _pairs(pair_count, people)
        _write_tables(partial, people, pairs)
        tasks = _itss_tasks(partial, pairs, files, rows_per_file)
    else:
        pairs = _mixed_pairs(pair_count, people)
        _write_mixed_tables(partial, people, pairs)
        tasks = _mixed_tasks(partial, pairs, files, rows_per_file)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        written = sum(pool.map(_log_book, tasks, chunksize=64))
    text = f"Benchmark inbox: {files} log workbooks, {written} log rows, {pair_count} pairs.\n"
    if mix != "itss":
        counts = collections.Counter(pair["program"] for pair in pairs)
        text += "Pairs by program: " + ", ".join(f"{name} {counts[name]}" for name in TITLES) + ".\n"
    (partial / "README.txt").write_text(text)
    shutil.rmtree(inbox, ignore_errors=True)
    partial.rename(inbox)


# ----------------------------------------------------------------------------------------------
# Measuring

BARE_READ = r"""
import sys, time
from pathlib import Path
from python_calamine import CalamineWorkbook
start = time.perf_counter()
cells = 0
for p in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    wb = CalamineWorkbook.from_path(str(p))
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
print(cells, time.perf_counter() - start)
"""


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _memory(pid: int, *, pss: bool) -> tuple[int, int, int] | None:
    """(PSS, RSS, peak RSS) of one process in bytes (PSS 0 unless asked), or None when it is gone.

    PSS comes from smaps_rollup, which walks the process's page tables under its memory-map lock,
    so the timed runs leave it out and read /proc/PID/status only.
    """
    proportional = rss = hwm = 0
    try:
        if pss:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Pss:"):
                        proportional = int(line.split()[1]) * 1024
                        break
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
                elif line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return proportional, rss, hwm


class TreeSampler(threading.Thread):
    """Samples the memory of a process tree until stopped; keeps the peaks of the sums."""

    # How often the tree is looked for new processes (a scan of all of /proc): often in the memory
    # run, which is not timed, so that a short-lived forked process is not missed.
    TREE_SECONDS = {True: SAMPLE_SECONDS, False: 0.5}

    def __init__(self, root: int, *, pss: bool):
        super().__init__(daemon=True)
        self.root, self.pss = root, pss
        self.peak_pss = self.peak_rss = self.peak_processes = self.samples = 0
        self.hwm: dict[int, int] = {}  # pid → its own peak RSS, as last seen
        self._finished = threading.Event()

    def run(self) -> None:
        pids, scanned = [self.root], 0.0
        while not self._finished.is_set():
            if time.monotonic() - scanned >= self.TREE_SECONDS[self.pss]:
                pids, scanned = _tree(self.root), time.monotonic()
            pss = rss = 0
            for pid in pids:
                figures = _memory(pid, pss=self.pss)
                if figures:
                    pss += figures[0]
                    rss += figures[1]
                    self.hwm[pid] = max(self.hwm.get(pid, 0), figures[2])
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.samples += 1
            self._finished.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._finished.set()
        self.join()


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by the finished, waited-for child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_bare_read(python: str, inbox: Path) -> dict:
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run([python, "-c", BARE_READ, str(inbox)], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    cells, inside = done.stdout.split()
    return {"seconds": seconds, "cpu_seconds": _children_cpu() - cpu, "seconds_reading": float(inside), "cells": int(cells)}


def time_run(python: str, inbox: Path, work: Path, extra: list[str], *, pss: bool = False, ledger_kept: bool = False) -> dict:
    """One run into ``work`` (outputs and state), from scratch; with ``ledger_kept``, the state an
    earlier run left there is kept (a following week: only the outputs go)."""
    shutil.rmtree(work / "out" if ledger_kept else work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    command = [python, "-m", "coaching_batch", "run", str(inbox), "--as-of", AS_OF.isoformat(),
               "--out", str(work / "out"), "--state", str(work / "state"), *extra]
    cpu, start = _children_cpu(), time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    sampler = TreeSampler(process.pid, pss=pss)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.stop()
    cpu = _children_cpu() - cpu  # the run's workers count too: they are its waited-for children
    if process.returncode not in (0, 1):
        raise SystemExit(f"the run failed (exit {process.returncode}):\n{stderr}")
    return {
        "seconds": seconds, "cpu_seconds": cpu, "exit": process.returncode, "summary": stdout.strip().splitlines()[0] if stdout.strip() else "",
        "peak_pss": sampler.peak_pss, "peak_rss": sampler.peak_rss, "sum_of_peak_rss": sum(sampler.hwm.values()),
        "processes": sampler.peak_processes, "samples": sampler.samples,
    }


def _warm(inbox: Path) -> None:
    """Read every file once so both measurements start from the same (warm) page cache."""
    for path in inbox.iterdir():
        path.read_bytes()


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MiB"


VARIANTS = {  # --mix: name → (cache key prefix, what the inbox holds)
    "itss": ("inbox", "ITSS only"),
    "programs": ("inbox-programs", "four programs in one inbox"),
}
MIX_VERSION = 2  # bump when the mixed-program inbox changes (the ITSS inbox has GENERATOR_VERSION)


def _inbox(args: argparse.Namespace, mix: str) -> tuple[str, Path]:
    """The cached inbox of this variant and size, generated first when missing (or asked)."""
    version = GENERATOR_VERSION if mix == "itss" else MIX_VERSION
    key = f"{VARIANTS[mix][0]}-v{version}-{args.files}x{args.rows_per_file}"
    inbox = args.data_dir / key
    if args.regenerate or not inbox.is_dir():
        print(f"Generating {args.files:,} log workbooks x ~{args.rows_per_file} rows ({VARIANTS[mix][1]}) "
              f"into {inbox} ...", flush=True)
        start = time.perf_counter()
        generate(inbox, args.files, args.rows_per_file, args.jobs, mix)
        print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    return key, inbox


def measure(args: argparse.Namespace, mix: str) -> dict:
    """One variant: bare reads and runs taken in turn (round by round), then one memory run."""
    key, inbox = _inbox(args, mix)
    work = args.data_dir / f"{key}-run"
    _warm(inbox)
    bares, runs = [], []
    for _ in range(args.repeat):
        bares.append(time_bare_read(args.python, inbox))
        runs.append(time_run(args.python, inbox, work, args.run_arg))
    bare = min(bares, key=lambda m: m["seconds"])
    run = min(runs, key=lambda m: m["seconds"])
    memory = time_run(args.python, inbox, work, args.run_arg, pss=True)  # not timed
    # A following week: the same inbox run again on the ledger the memory run left. Its certificates
    # and stipends were issued then, so this run draws no certificate or payment PDF.
    weeks = [time_run(args.python, inbox, work, args.run_arg, ledger_kept=True) for _ in range(args.repeat)]
    ratio = run["seconds"] / bare["seconds"]
    return {
        "inbox": VARIANTS[mix][1], "workbooks": sum(1 for p in inbox.iterdir() if p.suffix == ".xlsx"),
        "contents": (inbox / "README.txt").read_text().strip(),
        "bare_read": bare, "bare_reads": bares, "run": run, "runs": runs, "memory_run": memory, "ratio": ratio,
        "following_week": min(weeks, key=lambda m: m["seconds"]), "following_weeks": weeks,
        "peak_pss": memory["peak_pss"],
        "time_pass": ratio <= TIME_TARGET, "memory_pass": memory["peak_pss"] <= MEMORY_TARGET,
    }


def _report(name: str, figures: dict, files: int) -> None:
    bare, run, memory, week = figures["bare_read"], figures["run"], figures["memory_run"], figures["following_week"]
    every = [*figures["runs"], memory]
    rows = [
        ("inbox", f"{figures['inbox']}: {files:,} log files (+{figures['workbooks'] - files} table workbooks)"),
        ("bare calamine read", f"{bare['seconds']:.2f} s ({bare['seconds_reading']:.2f} s reading)"),
        ("whole run", f"{run['seconds']:.2f} s"),
        ("CPU time (user+sys)", f"bare read {bare['cpu_seconds']:.2f} s, run {run['cpu_seconds']:.2f} s "
                                f"({run['cpu_seconds'] / bare['cpu_seconds']:.2f} x)"),
        ("ratio", f"{figures['ratio']:.2f} x  (target <= {TIME_TARGET}) {'PASS' if figures['time_pass'] else 'FAIL'}"),
        ("peak memory (PSS sum)", f"{_mib(figures['peak_pss'])}  (target <= {_mib(MEMORY_TARGET)}) "
                                  f"{'PASS' if figures['memory_pass'] else 'FAIL'}"),
        ("peak memory (RSS sum)", _mib(max(m["peak_rss"] for m in every))),
        ("sum of per-process peak RSS", _mib(max(m["sum_of_peak_rss"] for m in every))),
        ("processes", str(run["processes"])),
        ("memory run (PSS sampled)", f"{memory['seconds']:.2f} s, not used for the ratio"),
        ("a following week", f"{week['seconds']:.2f} s ({week['seconds'] / bare['seconds']:.2f} x): the same inbox "
                             "again on the ledger kept; no certificate or payment PDF is drawn again"),
        ("run summary", run["summary"]),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"\n[{name}]")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000, help="log workbooks (default 10,000)")
    parser.add_argument("--rows-per-file", type=int, default=100, help="log rows per workbook on average (default 100)")
    parser.add_argument("--mix", choices=[*VARIANTS, "all"], default="all",
                        help="itss: one program; programs: the four programs in one inbox; all (default): both")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "coaching-batch-bench",
                        help="where generated inboxes are cached (default: under the system temp folder)")
    parser.add_argument("--regenerate", action="store_true", help="write the inbox again even if it is cached")
    parser.add_argument("--generate-only", action="store_true", help="write (or keep) the inboxes, measure nothing")
    parser.add_argument("--jobs", type=int, default=2, help="processes generating the inbox (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="measure each side this many times, keep the best")
    parser.add_argument("--json", type=Path, help="write the figures here (default: beside the inboxes)")
    parser.add_argument("--python", default=sys.executable, help="interpreter that has coaching_batch installed")
    parser.add_argument("--run-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for the run, e.g. --run-arg=--dry-run (repeatable)")
    args = parser.parse_args(argv)
    mixes = list(VARIANTS) if args.mix == "all" else [args.mix]

    if args.generate_only:
        for mix in mixes:
            print(_inbox(args, mix)[1])
        return 0
    variants = {mix: measure(args, mix) for mix in mixes}
    figures = {
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "system": platform.platform()},
        "log_files": args.files, "log_rows": args.files * args.rows_per_file,
        "time_target": TIME_TARGET, "memory_target": MEMORY_TARGET, "variants": variants,
    }
    out = args.json or args.data_dir / f"results-{args.mix}-{args.files}x{args.rows_per_file}.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")

    print(f"\n{args.files:,} log files, {args.files * args.rows_per_file:,} log rows")
    for mix, result in variants.items():
        _report(mix, result, args.files)
    print(f"\nFigures written to {out}")
    return 0 if all(v["time_pass"] and v["memory_pass"] for v in variants.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
