#!/usr/bin/env python3
"""Measure SPEC §8's target: the whole run against a bare python-calamine read of the same files.

    .venv/bin/python benchmarks/bench_run.py                           # full size: 10,000 files x 100 rows
    .venv/bin/python benchmarks/bench_run.py --files 400 --rows-per-file 100   # a quick try

The target (on a 2-core machine): 1,000,000 log rows in 10,000 workbooks, the whole run (imports and
outputs included) within 1.25 x the time that a bare single-process python-calamine read of every
sheet of those files takes, and at most 1 GiB of memory, all processes together.

1. A realistic inbox is generated once and cached (``--data-dir``, keyed by size): a roster, the
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

Each timing is repeated ``--repeat`` times after one warm-up read of the files, and the best is
kept. The figures are printed as a table and written as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
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
    result = []
    for k in range(pairs):
        candidate = people["people"][first_candidate + k]
        coach = people["people"][first_coach + k // 2]
        # a coach's two candidates follow each other; planning meetings spread over two years
        pm = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(0, 300) + (k % 2) * 200)
        done = pm + dt.timedelta(days=180) < AS_OF and rng.random() < 0.8
        result.append({
            "candidate": candidate, "coach": coach, "assigned": pm - dt.timedelta(days=14), "pm": pm,
            "target": 23 if candidate["grade"] == 20 else 25, "status": "Completed" if done else "Active",
            "completion": pm + dt.timedelta(days=rng.randrange(100, 180)) if done else None,
            "goals": rng.sample(GOALS, 3),
        })
    return result


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


def _write_tables(inbox: Path, people: dict, pairs: list[dict]) -> None:
    """The roster, recommendations, requests and assignments workbooks."""
    rng = random.Random(3)
    everyone = people["people"]
    roster = [[p["id"], p["name"], p["name"].lower().replace(" ", "_") + "@mcpsmd.org",
               {27: "IT Systems Supervisor", 25: "IT Systems Specialist III", 23: "IT Systems Specialist II",
                20: "IT Systems Specialist I"}[p["grade"]], p["grade"], p["hire"], p["hire"],
               None if p["supervisor"] is None else everyone[p["supervisor"]]["id"], "Permanent", "Meeting",
               "Standard", p["training"], p["location"]] for p in everyone]
    _table_book(inbox / "Roster 2026.xlsx", "Employees",
                ["Employee ID Number", "Employee Name", "Email Address", "Job Title", "Grade", "Hire Date",
                 "Position Start Date", "Supervisor ID", "Employment Status", "PGS Status", "Evaluation Status",
                 "Coach Training Date", "Work Location"], roster)
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
    requests = [[pair["candidate"]["id"], pair["candidate"]["name"], pair["assigned"] - dt.timedelta(days=21),
                 f"IT Systems Specialist (grade {pair['candidate']['grade']})", pair["target"],
                 pair["assigned"] - dt.timedelta(days=28), everyone[pair["candidate"]["supervisor"]]["name"], None]
                for pair in pairs]
    _table_book(inbox / "Coaching Requests.xlsx", "Requests",
                ["Employee ID Number", "Employee Name", "Today's Date", "Current Job and Level", "Target Grade",
                 "Form 336-84 Date", "Supervisor's Name", "Additional Notes"], requests)
    assignments = [[pair["candidate"]["id"], pair["candidate"]["name"], pair["coach"]["id"], pair["coach"]["name"],
                    pair["assigned"], pair["pm"], pair["target"], *pair["goals"],
                    "Yes" if pair["status"] == "Completed" else None, pair["status"], pair["completion"],
                    pair["completion"] + dt.timedelta(days=7) if pair["completion"] else None] for pair in pairs]
    _table_book(inbox / "Assignments and Planning.xlsx", "Assignments",
                ["Candidate ID", "Candidate", "Coach ID", "Coach", "Assigned Date", "Planning Meeting Date",
                 "Target Grade", "Goal 1", "Goal 2", "Goal 3", "Goals Attained", "Status", "Completion Date",
                 "Request for Payment Date"], assignments)


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


def _log_book(task: tuple) -> int:
    """Write one log workbook (a coach log or a candidate log of one pair); returns its data rows."""
    path, kind, pair, rows, seed = task
    rng = random.Random(seed)
    coach = kind == "coach"
    span = max(1, (min(AS_OF, pair["pm"] + dt.timedelta(days=180)) - pair["pm"]).days)
    days = sorted(pair["pm"] + dt.timedelta(days=rng.randrange(0, span)) for _ in range(rows))
    paper = rng.random() < 0.2  # the paper form's layout: labelled names above the header, no ID columns
    ids_as_numbers = not paper and rng.random() < 0.15
    text_dates = rng.random() < 0.1
    footer = rng.random() < 0.3
    topics = COACH_TOPICS if coach else CANDIDATE_TOPICS
    if paper:
        headers = PAPER_COACH_HEADERS if coach else PAPER_CANDIDATE_HEADERS
    else:
        headers = rng.choice(COACH_HEADERS if coach else CANDIDATE_HEADERS)

    book, formats = _new_book(Path(path))
    sheet = book.add_worksheet(pair["candidate"]["name"] if coach else "Log")
    title = "ITSS Job Banding Coaching Log" if coach else "ITSS Job Banding Coaching Candidate Log"
    sheet.write_string(0, 0, title, formats["bold"])
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
        minutes = rng.choice([30, 45, 60, 60, 90, 90, 120, 150, 180, 240])
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


def generate(inbox: Path, files: int, rows_per_file: int, jobs: int) -> None:
    """Write the inbox into a fresh folder beside ``inbox`` and move it into place when complete."""
    partial = inbox.with_name(inbox.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    pair_count = max(2, files // 4)
    people = _people(pair_count)
    pairs = _pairs(pair_count, people)
    _write_tables(partial, people, pairs)
    tasks = []
    for n in range(files):
        pair = pairs[(n // 2) % pair_count]
        kind = "coach" if n % 2 == 0 else "candidate"
        part = n // (2 * pair_count) + 1
        name = f"{'Coach' if kind == 'coach' else 'Candidate'} Log - {pair[kind]['name']} - {pair['candidate']['id']} part {part}.xlsx"
        rows = max(1, round(rows_per_file * random.Random(n).uniform(0.8, 1.2)))
        tasks.append((str(partial / name), kind, pair, rows, n))
    # the last file takes up the slack so the total is exactly files * rows_per_file
    tasks[-1] = (*tasks[-1][:3], max(1, files * rows_per_file - sum(t[3] for t in tasks[:-1])), tasks[-1][4])
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        written = sum(pool.map(_log_book, tasks, chunksize=64))
    (partial / "README.txt").write_text(f"Benchmark inbox: {files} log workbooks, {written} log rows, {pair_count} pairs.\n")
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

    TREE_SECONDS = 0.5  # how often the tree is looked for new processes (a scan of all of /proc)

    def __init__(self, root: int, *, pss: bool):
        super().__init__(daemon=True)
        self.root, self.pss = root, pss
        self.peak_pss = self.peak_rss = self.peak_processes = self.samples = 0
        self.hwm: dict[int, int] = {}  # pid → its own peak RSS, as last seen
        self._finished = threading.Event()

    def run(self) -> None:
        pids, scanned = [self.root], 0.0
        while not self._finished.is_set():
            if time.monotonic() - scanned >= self.TREE_SECONDS:
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


def time_run(python: str, inbox: Path, work: Path, extra: list[str], *, pss: bool = False) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000, help="log workbooks (default 10,000)")
    parser.add_argument("--rows-per-file", type=int, default=100, help="log rows per workbook on average (default 100)")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "coaching-batch-bench",
                        help="where generated inboxes are cached (default: under the system temp folder)")
    parser.add_argument("--regenerate", action="store_true", help="write the inbox again even if it is cached")
    parser.add_argument("--jobs", type=int, default=2, help="processes generating the inbox (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="measure each side this many times, keep the best")
    parser.add_argument("--json", type=Path, help="write the figures here (default: beside the inbox)")
    parser.add_argument("--python", default=sys.executable, help="interpreter that has coaching_batch installed")
    parser.add_argument("--run-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for the run, e.g. --run-arg=--dry-run (repeatable)")
    args = parser.parse_args(argv)

    key = f"inbox-v{GENERATOR_VERSION}-{args.files}x{args.rows_per_file}"
    inbox = args.data_dir / key
    if args.regenerate or not inbox.is_dir():
        print(f"Generating {args.files:,} log workbooks x ~{args.rows_per_file} rows into {inbox} ...", flush=True)
        start = time.perf_counter()
        generate(inbox, args.files, args.rows_per_file, args.jobs)
        print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    workbooks = sum(1 for p in inbox.iterdir() if p.suffix == ".xlsx")

    _warm(inbox)
    bare = min((time_bare_read(args.python, inbox) for _ in range(args.repeat)), key=lambda m: m["seconds"])
    runs = [time_run(args.python, inbox, args.data_dir / f"{key}-run", args.run_arg) for _ in range(args.repeat)]
    run = min(runs, key=lambda m: m["seconds"])
    memory = time_run(args.python, inbox, args.data_dir / f"{key}-run", args.run_arg, pss=True)  # not timed
    peak_pss = memory["peak_pss"]
    ratio = run["seconds"] / bare["seconds"]
    figures = {
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "system": platform.platform()},
        "log_files": args.files, "log_rows": args.files * args.rows_per_file, "workbooks": workbooks,
        "bare_read": bare, "run": run, "runs": runs, "memory_run": memory, "ratio": ratio,
        "time_target": TIME_TARGET, "memory_target": MEMORY_TARGET,
        "time_pass": ratio <= TIME_TARGET, "memory_pass": peak_pss <= MEMORY_TARGET,
    }
    out = args.json or args.data_dir / f"{key}-results.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")

    rows = [
        ("log files", f"{args.files:,} (+{workbooks - args.files} table workbooks)"),
        ("log rows", f"{args.files * args.rows_per_file:,}"),
        ("bare calamine read", f"{bare['seconds']:.2f} s ({bare['seconds_reading']:.2f} s reading)"),
        ("whole run", f"{run['seconds']:.2f} s"),
        ("CPU time (user+sys)", f"bare read {bare['cpu_seconds']:.2f} s, run {run['cpu_seconds']:.2f} s "
                                f"({run['cpu_seconds'] / bare['cpu_seconds']:.2f} x)"),
        ("ratio", f"{ratio:.2f} x  (target <= {TIME_TARGET}) {'PASS' if figures['time_pass'] else 'FAIL'}"),
        ("peak memory (PSS sum)", f"{_mib(peak_pss)}  (target <= {_mib(MEMORY_TARGET)}) "
                                  f"{'PASS' if figures['memory_pass'] else 'FAIL'}"),
        ("peak memory (RSS sum)", _mib(max(m["peak_rss"] for m in [*runs, memory]))),
        ("sum of per-process peak RSS", _mib(max(m["sum_of_peak_rss"] for m in [*runs, memory]))),
        ("processes", str(run["processes"])),
        ("memory run (PSS sampled)", f"{memory['seconds']:.2f} s, not used for the ratio"),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"\n{run['summary']}\nFigures written to {out}")
    return 0 if figures["time_pass"] and figures["memory_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
