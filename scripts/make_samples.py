#!/usr/bin/env python3
"""Write the demo inbox ``sample_workbooks/``: a district's four coaching programs as coordinators keep them
(ITSS coaching, Supporting Services Mentoring, Reps Coaching, Job-Embedded Coaching).

    .venv/bin/python scripts/make_samples.py            # (re)writes sample_workbooks/

Deterministic: no randomness, fixed workbook creation dates, so running it twice gives the same
bytes. Besides the workbooks it writes ``sample_workbooks/expected.json``, the expected outcome of
``coaching-batch run sample_workbooks --as-of 2026-11-20``, computed here by a small, plain
re-implementation of the SPEC §4 and §2a rules over exactly the values written (it does not import
coaching_batch). Every pair also declares by hand the rule codes its scenario is meant to show; the
script stops if the calculation disagrees, so the scenario table in the README and the oracle
cannot drift apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

D = dt.date
AS_OF = D(2026, 11, 20)
STIPEND = 300
CANDIDATE_MIN = 40 * 60  # minutes
COACH_MIN = 12 * 60
IMPLAUSIBLE = 8 * 60
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_workbooks"
CREATED = dt.datetime(2026, 11, 16, 8, 30)  # fixed: keeps the bytes stable from run to run

SEVERITY = {
    "FILE-DUPLICATE": "warning", "SHEET-UNRECOGNIZED": "info", "CELL-REQUIRED": "error",
    "CELL-TYPE": "error", "CELL-ENUM": "error", "ID-DUPLICATE": "error", "ID-UNKNOWN": "error",
    "LOG-DURATION-INVALID": "error", "LOG-DURATION-IMPLAUSIBLE": "warning", "LOG-DATE-FUTURE": "error",
    "LOG-OUTSIDE-WINDOW": "warning", "LOG-DUPLICATE": "warning", "LOG-NO-ASSIGNMENT": "error",
    "LOG-TOTAL-MISMATCH": "warning", "COACH-NOT-QUALIFIED": "error", "COACH-CONCURRENT": "error",
    "CANDIDATE-NOT-ENROLLED": "error", "CANDIDATE-REPEAT": "error", "PAIR-NOT-STARTED": "warning",
    "PAIR-INACTIVE": "warning", "PAIR-AT-RISK": "warning", "PAIR-OVERDUE": "error",
    "PAIR-TOO-SHORT": "warning", "COMPLETION-HOURS-SHORT": "error", "PAYMENT-CONTACT-SHORT": "error",
    "PAYMENT-NOT-COMPLETE": "error",
}


# ----------------------------------------------------------------------------------------------
# Dates


def add_months(day: D, months: int) -> D:
    """Same day of month, `months` later, clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return D(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: D, years: int) -> D:
    return add_months(day, 12 * years)


# ----------------------------------------------------------------------------------------------
# People (the roster)


@dataclass
class Person:
    id: str
    name: str
    title: str
    grade: int
    hire: D
    location: str
    supervisor: str | None = None
    training: D | None = None  # coach training date
    pgs: str = "Meeting"
    position_start: D | None = None
    employment: str | None = "Permanent"  # as typed in the roster
    evaluation: str | None = "Standard"
    roster: str = "main"  # "main": Roster 2026.xlsx; "mentoring": the Participants sheet of the mentoring workbook

    @property
    def email(self) -> str:
        first, last = self.name.lower().replace("'", "").split(" ", 1)
        return f"{first}_{last.replace(' ', '')}@mcpsmd.org"


TITLE = {20: "IT Systems Specialist I", 23: "IT Systems Specialist II", 25: "IT Systems Specialist III",
         27: "IT Systems Supervisor"}

P: dict[str, Person] = {}


def person(key, id, name, grade, hire, location, supervisor=None, training=None, **kw) -> None:
    P[key] = Person(id, name, TITLE[grade], grade, hire, location, supervisor, training, **kw)


# supervisors (S1's ID has a leading zero: it must stay "031775")
person("S1", "031775", "Denise Carter", 27, D(2006, 8, 14), "Carver Educational Services Center")
person("S2", "108842", "Marcus Hale", 27, D(2008, 1, 7), "Field Support North (Gaithersburg)")
person("S3", "112907", "Ellen Okafor", 27, D(2010, 3, 22), "Field Support South (Rockville)")
# coaches: ITSS II (23) or ITSS III (25)
person("C1", "104233", "Jordan Reyes", 25, D(2014, 8, 18), "Field Support North (Gaithersburg)", "S2", D(2025, 11, 5))
person("C2", "103518", "Priya Natarajan", 25, D(2012, 7, 9), "Field Support South (Rockville)", "S3", D(2024, 10, 16))
person("C3", "105927", "Samuel Osei", 25, D(2016, 1, 4), "Carver Educational Services Center", "S1", D(2025, 11, 5))
person("C4", "102264", "Linda Marsh", 25, D(2009, 9, 21), "Field Support North (Gaithersburg)", "S2", D(2023, 10, 18))
person("C5", "106180", "Tomas Alvarez", 25, D(2017, 3, 13), "Field Support South (Rockville)", "S3", D(2025, 11, 5))
person("C6", "107455", "Grace Kim", 25, D(2015, 6, 1), "Field Support North (Gaithersburg)", "S2", D(2024, 10, 16))
person("C8", "104861", "Andre Baptiste", 25, D(2013, 2, 11), "Field Support South (Rockville)", "S3", D(2025, 11, 5))
person("C9", "109034", "Helen Wu", 23, D(2018, 8, 20), "Carver Educational Services Center", "S1", D(2025, 5, 14))
person("C10", "103097", "Rafael Moreno", 25, D(2011, 10, 3), "Field Support North (Gaithersburg)", "S2", D(2024, 10, 16))
person("C11", "110452", "Beth Sullivan", 25, D(2019, 1, 7), "Field Support South (Rockville)", "S3", D(2025, 5, 14))
person("C14", "111206", "Kevin O'Neill", 25, D(2020, 2, 3), "Carver Educational Services Center", "S1", D(2026, 7, 20))
person("C16", "105512", "Nadia Petrova", 25, D(2016, 9, 12), "Field Support North (Gaithersburg)", "S2", D(2025, 5, 14))
person("C20", "108120", "Chris Dunn", 23, D(2019, 6, 17), "Field Support South (Rockville)", "S3", D(2025, 5, 14))
# candidates: ITSS I (20) seeking 23, or ITSS II (23) seeking 25
person("K1", "113402", "Alicia Brooks", 20, D(2021, 9, 7), "Gaithersburg HS", "S2")
person("K2", "114518", "Daniel Cho", 20, D(2022, 1, 18), "Rockville HS", "S3")
person("K3", "113977", "Fatima Rahman", 20, D(2021, 6, 28), "Carver Educational Services Center", "S1")
person("K4", "115230", "Ryan Patel", 23, D(2019, 11, 4), "Watkins Mill HS", "S2")
person("K5", "114083", "Mei Lin", 20, D(2021, 8, 2), "Richard Montgomery HS", "S3")
person("K6", "115764", "Oscar Diaz", 20, D(2023, 2, 13), "Quince Orchard HS", "S2")
person("K7", "116021", "Tanya Ellis", 20, D(2023, 8, 21), "Carver Educational Services Center", "S1")
person("K8", "114690", "Victor Nguyen", 23, D(2018, 4, 16), "Wootton HS", "S3")
person("K9", "116347", "Hannah Schultz", 20, D(2023, 10, 2), "Clarksburg HS", "S2")
person("K10", "113155", "Isaac Morgan", 20, D(2020, 7, 13), "Carver Educational Services Center", "S1")
person("K11", "116802", "Leah Goldberg", 20, D(2024, 1, 8), "Wheaton HS", "S3")
person("K12", "115019", "Jamal Wright", 20, D(2022, 9, 6), "Seneca Valley HS", "S2")
person("K13", "114455", "Sofia Rossi", 23, D(2018, 1, 22), "Carver Educational Services Center", "S1")
person("K14", "116590", "Ethan Park", 20, D(2024, 3, 4), "Blair HS", "S3")
person("K16", "115388", "Olivia Turner", 20, D(2022, 11, 14), "Northwest HS", "S2")
person("K17", "116915", "Noah Bennett", 20, D(2024, 6, 17), "Poolesville HS", "S1")
person("K18", "116154", "Zoe Adams", 20, D(2023, 9, 5), "Kennedy HS", "S3")
person("K20", "115601", "Luis Romero", 20, D(2022, 10, 3), "Carver Educational Services Center", "S1")
person("K21", "116733", "Ava Sinclair", 20, D(2024, 2, 12), "Magruder HS", "S2")
# not in the program; entered twice in the roster (ID-DUPLICATE)
person("E1", "117044", "Peter Walsh", 20, D(2025, 3, 10), "Springbrook HS", "S3")



def staff(key, id, name, title, grade, hire, location, supervisor=None, training=None, **kw) -> None:
    """Someone outside ITSS: the job title is given, not derived from the grade."""
    P[key] = Person(id, name, title, grade, hire, location, supervisor, training, **kw)


# ---- Supporting Services Mentoring: the Participants sheet of "Mentoring Program 2026.xlsx"
MENTORING = dict(roster="mentoring")
staff("MS1", "204118", "Ruth Kowalski", "Transportation Depot Manager", 22, D(2004, 7, 12), "Bethesda Bus Depot", **MENTORING)
staff("MS2", "204560", "Frank Delgado", "Facilities Area Manager", 23, D(2003, 9, 2), "Division of Maintenance (Gaithersburg)", **MENTORING)
staff("MS3", "205017", "Janet Pruitt", "Food and Nutrition Area Supervisor", 21, D(2006, 1, 9), "Division of Food and Nutrition Services", **MENTORING)
staff("MS4", "204377", "Angela Morrow", "School Business Administrator", 19, D(2007, 8, 20), "Sligo MS", **MENTORING)
staff("MS5", "204921", "Curtis Bland", "School Business Administrator", 19, D(2009, 7, 13), "Kennedy HS", **MENTORING)
# mentors (M3: employed under 5 years; M4: in the position under 1 year; M6: 5 years and 1 year to the day)
staff("MM1", "205233", "Gloria Alvarado", "Bus Route Supervisor", 16, D(2009, 8, 17), "Bethesda Bus Depot", "MS1", position_start=D(2018, 7, 1), **MENTORING)
staff("MM2", "205498", "Derrick Owens", "Building Service Manager II", 17, D(2012, 3, 5), "Wheaton HS", "MS2", position_start=D(2020, 1, 13), **MENTORING)
staff("MM3", "206741", "Carmen Vega", "School Administrative Secretary", 15, D(2021, 9, 13), "Sligo MS", position_start=D(2023, 7, 1), **MENTORING)
staff("MM4", "203962", "Walter Briggs", "Cafeteria Manager III", 14, D(2008, 1, 7), "Einstein HS", "MS3", position_start=D(2026, 1, 5), **MENTORING)
staff("MM5", "204805", "Irene Castillo", "Transportation Cluster Manager", 20, D(2005, 6, 20), "Shady Grove Bus Depot", "MS1", position_start=D(2015, 7, 1), **MENTORING)
staff("MM6", "206110", "Yusuf Haddad", "Maintenance Supervisor", 18, D(2021, 5, 18), "Division of Maintenance (Gaithersburg)", "MS2", position_start=D(2025, 5, 18), **MENTORING)
staff("MM7", "205676", "Beatrice Lowe", "Paraeducator Team Lead", 13, D(2010, 10, 4), "Kennedy HS", position_start=D(2019, 8, 19), **MENTORING)
# mentees (ME5's supervisor is Irene Castillo, her mentor; ME8 is temporary; ME9 is in PAR)
staff("ME1", "207354", "Tyrone Jackson", "Bus Operator", 9, D(2022, 2, 14), "Bethesda Bus Depot", "MS1", **MENTORING)
staff("ME2", "207812", "Ana Lucia Ferreira", "Building Service Worker", 7, D(2021, 8, 30), "Wheaton HS", "MS2", employment="permanent", **MENTORING)
staff("ME3", "206995", "Kevin Tran", "Food Service Satellite Manager", 10, D(2020, 11, 2), "Rockville HS", "MS3", **MENTORING)
staff("ME4", "208140", "Brianna Scott", "Office Assistant IV", 11, D(2023, 3, 20), "Sligo MS", "MS4", **MENTORING)
staff("ME5", "207566", "Marco Bellini", "Bus Operator", 9, D(2021, 10, 18), "Shady Grove Bus Depot", "MM5", **MENTORING)
staff("ME6", "208327", "Joy Okonkwo", "Food Service Worker II", 8, D(2022, 9, 6), "Einstein HS", "MS3", evaluation=None, **MENTORING)
staff("ME7", "207019", "Daniela Cruz", "Maintenance Mechanic", 12, D(2020, 4, 13), "Division of Maintenance (Gaithersburg)", "MS2", **MENTORING)
staff("ME8", "208902", "Trevor Mills", "Building Service Worker", 7, D(2025, 8, 25), "Blair HS", "MS2", employment="Temporary", **MENTORING)
staff("ME9", "207487", "Patricia Nunez", "Paraeducator", 10, D(2019, 8, 26), "Kennedy HS", "MS5", evaluation="PAR", **MENTORING)
staff("ME10", "208455", "Dwayne Harris", "Bus Attendant", 6, D(2023, 1, 9), "Bethesda Bus Depot", "MS1", **MENTORING)
staff("ME11", "208611", "Mia Johansson", "Office Assistant II", 9, D(2024, 2, 5), "Sligo MS", "MS4", **MENTORING)
staff("ME12", "207930", "Hector Ruiz", "Maintenance Worker", 8, D(2022, 6, 13), "Division of Maintenance (Gaithersburg)", "MS2", **MENTORING)
staff("ME13", "208774", "Nora Fitzgerald", "Cafeteria Worker", 6, D(2024, 8, 19), "Rockville HS", "MS3", **MENTORING)
staff("ME14", "207205", "Omar Siddiqui", "Bus Operator", 9, D(2021, 3, 1), "Shady Grove Bus Depot", "MS1", **MENTORING)
staff("ME15", "208033", "Keisha Brown", "Security Assistant", 11, D(2022, 10, 10), "Kennedy HS", "MS5", **MENTORING)

# ---- Reps Coaching (in Roster 2026.xlsx): RC3 never trained, RC4 trained after the pair started
staff("RC1", "120514", "Marisol Ortega", "Community Engagement Rep", 18, D(2015, 2, 2), "Carver Educational Services Center", training=D(2025, 6, 10))
staff("RC2", "120877", "Kwame Asante", "Staff Development Rep", 19, D(2013, 8, 19), "Carver Educational Services Center", training=D(2025, 8, 20))
staff("RC3", "121032", "Dana Whitfield", "Staff Development Rep", 18, D(2017, 1, 9), "Field Support North (Gaithersburg)")
staff("RC4", "121256", "Raymond Cole", "Community Engagement Rep", 17, D(2018, 5, 14), "Field Support South (Rockville)", training=D(2026, 4, 15))
staff("RC5", "120693", "Simone Dubois", "Staff Development Rep", 19, D(2014, 3, 3), "Carver Educational Services Center", training=D(2024, 11, 13))
staff("RC6", "121409", "Pedro Salazar", "Community Engagement Rep", 18, D(2016, 6, 27), "Field Support South (Rockville)", training=D(2024, 11, 13))
for _key, _id, _name, _hire in [
    ("RE1", "122301", "Julia Hartmann", D(2020, 9, 8)), ("RE2", "122418", "Devon Price", D(2021, 1, 19)),
    ("RE3", "122576", "Lena Fischer", D(2019, 10, 7)), ("RE4", "122633", "Tariq Mahmoud", D(2022, 4, 25)),
    ("RE5", "122790", "Chloe Martin", D(2023, 2, 6)), ("RE6", "122845", "Ivan Sokolov", D(2020, 6, 15)),
    ("RE7", "122912", "Harriet Boyd", D(2021, 11, 1)), ("RE8", "123057", "Nikhil Rao", D(2022, 8, 22)),
    ("RE9", "123164", "Paula Jensen", D(2019, 3, 11)), ("RE10", "123228", "Ben Okoro", D(2023, 9, 5)),
    ("RE11", "123391", "Lucy Wainwright", D(2020, 2, 24)), ("RE12", "123445", "Diego Herrera", D(2021, 7, 12)),
    ("RE13", "123512", "Amara Nwosu", D(2022, 1, 10)), ("RE14", "123679", "Felix Wagner", D(2024, 3, 18)),
    ("RE15", "123786", "Sara Lindgren", D(2023, 6, 26)),
]:
    staff(_key, _id, _name, "Staff Rep", 15, _hire, "Carver Educational Services Center")

# ---- Job-Embedded Coaching (in Roster 2026.xlsx): leadership coaches and the principals they coach
staff("JC1", "088912", "Renee Holloway", "Leadership Development Coach", 28, D(2008, 8, 11), "Office of School Support and Improvement")
staff("JC2", "089305", "Gordon Ashby", "Leadership Development Coach", 28, D(2010, 7, 26), "Office of School Support and Improvement")
staff("JC3", "090177", "Anita Kapoor", "Leadership Development Coach", 28, D(2011, 8, 15), "Office of School Support and Improvement")
CAMPUS: dict[str, str] = {}
for _key, _id, _name, _title, _campus in [
    ("JP1", "124103", "Lorraine Whitaker", "Principal", "Strathmore ES"),
    ("JP2", "124250", "Calvin Reese", "Principal", "Rosemary Hills ES"),
    ("JP3", "124387", "Monique Dupree", "Principal", "Argyle MS"),
    ("JP4", "124412", "Stephen Hwang", "Principal", "Glenallan ES"),
    ("JP5", "124569", "Erin Gallagher", "Assistant Principal", "Sherwood HS"),
    ("JP6", "124631", "Tomasz Nowak", "Principal", "Forest Oak MS"),
    ("JP7", "124708", "Priscilla Ames", "Principal", "Brown Station ES"),
    ("JP8", "124855", "Jerome Battle", "Assistant Principal", "Springbrook HS"),
    ("JP9", "124926", "Ingrid Larsen", "Principal", "Bells Mill ES"),
    ("JP10", "125073", "Howard Feld", "Principal", "Cabin John MS"),
    ("JP11", "125140", "Naomi Sterling", "Principal", "Oakland Terrace ES"),
    ("JP12", "125297", "Bernard Oyelaran", "Principal", "Clopper Mill ES"),
]:
    staff(_key, _id, _name, _title, 26 if _title == "Principal" else 24, D(2012, 8, 20), _campus)
    CAMPUS[_key] = _campus

ROSTER_IDS = {p.id for p in P.values()}
assert len(ROSTER_IDS) == len(P)

# ----------------------------------------------------------------------------------------------
# Recommendations (1 supervisor + 2 colleagues per coach; Kevin O'Neill is missing a colleague)

OVERALL = ["Highly recommended", "Recommended", "Highly recommended", "Recommended with reservations"]
COLLEAGUES = ["Tom Becker", "Rosa Jimenez", "Ahmed Saleh", "Karen Doyle", "Bill Foster", "Yuki Tanaka",
              "Maria Santos", "Greg Howell", "Anita Desai", "Paul Lindqvist"]


def recommendations() -> list[dict]:
    rows = []
    for i, key in enumerate(["C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9", "C10", "C11", "C14", "C16", "C20"]):
        coach = P[key]
        sent = add_months(coach.training, -2) if coach.training else D(2025, 3, 1)
        refs = [(P[coach.supervisor].name, "Supervisor"),
                (COLLEAGUES[i % 10], "Colleague"), (COLLEAGUES[(i + 3) % 10], "Colleague")]
        if key == "C14":
            refs = refs[:2]  # the second colleague form never came back
        for j, (ref, relationship) in enumerate(refs):
            ratings = [5 - (i + j + k) % 2 for k in range(5)]
            rows.append(dict(coach=key, reference=ref, relationship=relationship, ratings=ratings,
                             overall=OVERALL[(i + j) % 4], date=sent + dt.timedelta(days=3 + 4 * j)))
    return rows


RECS = recommendations()

# ----------------------------------------------------------------------------------------------
# Requests (one per candidate; Zoe Adams signed form 336-84 after her request)


@dataclass
class Request:
    cand: str
    date: D
    target: int
    enrolled: D | None
    notes: str = ""


REQUESTS = [
    Request("K12", D(2025, 11, 10), 23, D(2025, 11, 3)),
    Request("K3", D(2025, 12, 1), 23, D(2025, 11, 20)),
    Request("K1", D(2026, 1, 12), 23, D(2026, 1, 6)),
    Request("K10", D(2026, 1, 26), 23, D(2026, 1, 21)),
    Request("K5", D(2026, 2, 2), 23, D(2026, 1, 29)),
    Request("K2", D(2026, 2, 23), 23, D(2026, 2, 16)),
    Request("K6", D(2026, 3, 9), 23, D(2026, 3, 2)),
    Request("K4", D(2026, 3, 30), 25, D(2026, 3, 24), "Prefers evening meetings"),
    Request("K8", D(2026, 4, 13), 25, D(2026, 4, 8)),
    Request("K20", D(2026, 4, 27), 23, D(2026, 4, 20), "Summer schedule is flexible"),
    Request("K16", D(2026, 5, 11), 23, D(2026, 5, 4)),
    Request("K14", D(2026, 5, 26), 23, D(2026, 5, 18)),
    Request("K9", D(2026, 6, 1), 23, D(2026, 5, 27)),
    Request("K7", D(2026, 6, 29), 23, D(2026, 6, 22)),
    Request("K18", D(2026, 7, 20), 23, D(2026, 8, 5), "Form 336-84 to follow (supervisor on leave)"),
    Request("K13", D(2026, 7, 27), 25, D(2026, 7, 21)),
    Request("K11", D(2026, 8, 10), 23, D(2026, 8, 3)),
    Request("K17", D(2026, 8, 17), 23, D(2026, 8, 10)),
    Request("K21", D(2026, 8, 25), 23, D(2026, 8, 10), "Waiting for a coach"),
]
REQUEST_BY_CAND = {r.cand: r for r in REQUESTS}

# ----------------------------------------------------------------------------------------------
# Assignments: each pair, its scenario and the pair-level rule codes it is meant to show


@dataclass
class Pair:
    key: str
    cand: str
    coach: str
    assigned: D
    pm: D | None
    status: str | None  # as typed; blank = Active
    goals_attained: str | None  # as typed
    completion: D | None = None
    payment_request: D | None = None
    target: int | None = None  # blank = from the request
    goals: tuple[str, str, str] = ("", "", "")
    scenario: str = ""
    expect: list[str] = field(default_factory=list)  # pair-level rule codes, by hand
    # log plan: (total minutes, last entry date) for the candidate log and the coach log
    cand_plan: tuple[int, D] | None = None
    coach_plan: tuple[int, D] | None = None

    @property
    def deadline(self) -> D | None:
        return add_months(self.pm, 6) if self.pm else None


G_NET = ("Configure and troubleshoot switch ports and VLANs", "Image and deploy a lab of laptops",
         "Pass the ITSS II skills assessment")
G_AD = ("Manage Active Directory accounts and group policy", "Lead a printer and copier deployment",
        "Document a school's network closet")
G_SRV = ("Administer a Windows file server", "Script routine tasks in PowerShell",
         "Plan a building-wide software rollout")

PAIRS = [
    Pair("A1", "K1", "C1", D(2026, 2, 16), D(2026, 3, 2), "Completed", "Yes", D(2026, 7, 24), D(2026, 7, 31), 23, G_NET,
         "Completed and paid: hours well above the minimums (one coach-log row has contact type 'Phnoe': not counted).",
         [], (2790, D(2026, 7, 24)), (855, D(2026, 7, 22))),
    Pair("A2", "K2", "C2", D(2026, 3, 23), D(2026, 4, 6), "Completed", "Yes", D(2026, 9, 25), D(2026, 10, 2), 23, G_AD,
         "Completed and paid at exactly 40.00 candidate hours and 12.00 coach contact hours (durations typed five ways; "
         "an entry before the planning meeting and a 0-hour entry do not count).",
         [], (2400, D(2026, 9, 25)), (720, D(2026, 9, 24))),
    Pair("A3", "K3", "C3", D(2026, 1, 26), D(2026, 2, 9), "Completed", "Yes", D(2026, 6, 30), D(2026, 7, 10), 23, G_NET,
         "Completed and paid; includes a 10-hour day (warning, counted) and one entry sent in two files (counted once).",
         [], (2550, D(2026, 6, 30)), (810, D(2026, 6, 26))),
    Pair("A4", "K4", "C4", D(2026, 4, 27), D(2026, 5, 11), "Completed", "Y", D(2026, 11, 6), None, 25, G_SRV,
         "Completed, certificate due, but no Request for Payment yet: not payable (IDs typed as numbers, one 'TBD' duration).",
         [], (2640, D(2026, 11, 6)), (750, D(2026, 11, 5))),
    Pair("A5", "K5", "C5", D(2026, 3, 2), D(2026, 3, 16), "Completed", "Yes", D(2026, 8, 28), D(2026, 9, 4), 23, G_AD,
         "Completed, payment requested, but the coach log documents only 10.50 contact hours.",
         ["PAYMENT-CONTACT-SHORT"], (2535, D(2026, 8, 28)), (630, D(2026, 8, 27))),
    Pair("A6", "K6", "C6", D(2026, 4, 6), D(2026, 4, 20), "Completed", "Yes", D(2026, 10, 9), D(2026, 10, 14), 23, G_NET,
         "Marked Completed with 36.75 candidate hours (a 4-hour entry dated 31/31/2026 cannot be counted).",
         ["COMPLETION-HOURS-SHORT", "PAYMENT-NOT-COMPLETE"], (2205, D(2026, 10, 9)), (750, D(2026, 10, 8))),
    Pair("A7", "K7", "C1", D(2026, 8, 3), D(2026, 8, 17), "Active", None, None, None, None, G_SRV,
         "Active and on track (target grade from the request; an entry dated after the as-of date is not counted).",
         [], (1590, D(2026, 11, 19)), (480, D(2026, 11, 17))),
    Pair("A8", "K8", "C8", D(2026, 5, 11), D(2026, 5, 26), "Active", None, None, None, 25, G_SRV,
         "At risk: deadline 11/26/2026, 8.50 candidate and 3.00 coach hours still needed (one row has an unknown coach ID).",
         ["PAIR-AT-RISK"], (1890, D(2026, 11, 18)), (540, D(2026, 11, 13))),
    Pair("A9", "K9", "C9", D(2026, 6, 29), D(2026, 7, 13), "Active", None, None, None, 23, G_AD,
         "Inactive: no coach-log entry since 9/28/2026 (the candidate kept logging).",
         ["PAIR-INACTIVE"], (1080, D(2026, 11, 2)), (300, D(2026, 9, 28))),
    Pair("A10", "K10", "C10", D(2026, 2, 23), D(2026, 3, 9), "Active", None, None, None, 23, G_NET,
         "Overdue: still Active after its 9/9/2026 deadline although the hours were met; an entry after the deadline "
         "does not count; no coach contact in the last 30 days.",
         ["PAIR-OVERDUE", "PAIR-INACTIVE"], (2460, D(2026, 9, 4)), (750, D(2026, 8, 31))),
    Pair("A11", "K11", "C11", D(2026, 9, 14), None, "Active", None, None, None, 23, ("", "", ""),
         "Not started: assigned 9/14/2026, no planning meeting yet.",
         ["PAIR-NOT-STARTED"], None, None),
    Pair("A12", "K12", "C4", D(2026, 1, 5), D(2026, 1, 12), "Withdrawn", "No", D(2026, 3, 20), None, 23, G_AD,
         "Withdrawn on 3/20/2026; the coach's next pair (A4) starts after it, so no overlap.",
         [], (555, D(2026, 3, 13)), (180, D(2026, 3, 10))),
    Pair("A13", "K13", "C20", D(2026, 8, 24), D(2026, 9, 8), "Completed", "Yes", D(2026, 11, 13), D(2026, 11, 16), 25, G_SRV,
         "Coach not qualified: grade 23 is below the target grade 25, so the completed pair is not payable.",
         ["COACH-NOT-QUALIFIED", "PAYMENT-NOT-COMPLETE"], (2490, D(2026, 11, 13)), (735, D(2026, 11, 12))),
    Pair("A14", "K14", "C14", D(2026, 6, 22), D(2026, 7, 6), "Active", None, None, None, 23, G_NET,
         "Coach not qualified twice over: only one colleague recommendation, and trained (7/20) after the planning meeting (7/6).",
         ["COACH-NOT-QUALIFIED", "COACH-NOT-QUALIFIED"], (1440, D(2026, 11, 18)), (510, D(2026, 11, 10))),
    Pair("A16", "K16", "C16", D(2026, 6, 8), D(2026, 6, 22), "Active", None, None, None, 23, G_AD,
         "Coach concurrent: Nadia Petrova coaches Olivia Turner (from 6/22) and Noah Bennett (from 9/21) at once.",
         ["COACH-CONCURRENT"], (1800, D(2026, 11, 17)), (600, D(2026, 11, 16))),
    Pair("A17", "K17", "C16", D(2026, 9, 8), D(2026, 9, 21), "Active", None, None, None, 23, G_NET,
         "Coach concurrent (the second of Nadia Petrova's overlapping pairs).",
         ["COACH-CONCURRENT"], (720, D(2026, 11, 19)), (300, D(2026, 11, 18))),
    Pair("A18", "K18", "C3", D(2026, 8, 10), D(2026, 8, 24), None, None, None, None, 23, G_SRV,
         "Candidate not enrolled: form 336-84 dated 8/5/2026, after the 7/20/2026 request (status left blank = Active).",
         ["CANDIDATE-NOT-ENROLLED"], (1230, D(2026, 11, 16)), (390, D(2026, 11, 12))),
    Pair("A19", "K3", "C5", D(2026, 9, 1), D(2026, 9, 14), "Active", None, None, None, 23, G_AD,
         "Candidate repeat: Fatima Rahman was already coached for grade 23 (A3).",
         ["CANDIDATE-REPEAT"], (840, D(2026, 11, 15)), (270, D(2026, 11, 9))),
    Pair("A20", "K20", "C20", D(2026, 5, 26), D(2026, 6, 8), "Complete", "Yes", D(2026, 7, 31), D(2026, 8, 7), 23, G_NET,
         "Too short: completed 7/31/2026, less than 2 months after the 6/8 planning meeting (a warning only: still paid).",
         ["PAIR-TOO-SHORT"], (2475, D(2026, 7, 31)), (765, D(2026, 7, 30))),
]

# ----------------------------------------------------------------------------------------------
# Log entries


@dataclass
class Entry:
    kind: str  # "coach" | "candidate"
    cand: str  # person key
    coach: str
    day: D | str | None  # as typed: a date, or text
    minutes: int | None  # what the entry means (None: unreadable)
    contact: str | None = None  # coach log: as typed
    activity: str | None = None  # candidate log: as typed
    desc: str = ""
    dur: object = None  # the duration as typed (set when the sheet is laid out)
    plant: str | None = None  # the row-level rule code this entry is planted for
    cand_id: object = None  # override what is typed in the Candidate ID / Coach ID cells
    coach_id: object = None
    # where it was written (set by the writer)
    file: str = ""
    sheet: str = ""
    cells: dict = field(default_factory=dict)
    first_cell: str = ""


COACH_PATTERN = [60, 45, 90, 30, 75, 60, 120, 45, 90, 60]
CAND_PATTERN = [120, 90, 150, 105, 180, 75, 135, 240, 60, 165, 210, 90]
CONTACT_CYCLE = ["In Person", "Phone", "In Person", "Email", "In Person", "Phone"]
COACH_DESC = {
    "In Person": ["Walked through the imaging workflow", "Demonstrated switch port configuration",
                  "Reviewed ticket triage at school site", "Modeled a printer deployment",
                  "Shadowing visit: network closet", "Explained backup and restore checks"],
    "Phone": ["Phone check-in on progress", "Went over practice test answers", "Talked through a stuck ticket"],
    "Email": ["Sent practice scenario on group policy", "Feedback on lab write-up", "Sent reading list and links"],
}
CAND_DESC = ["Read ITSS study guide chapter", "Practiced PowerShell scripts in lab", "Shadowed coach on site visit",
             "Online module: Windows Server basics", "Set up test VLAN in lab", "Met with coach: review of goals",
             "Imaged five lab laptops", "Documented school network closet", "Practice test and review",
             "Group policy exercises", "Ticket queue with coach", "Wrote deployment checklist"]


def spread(start: D, end: D, n: int) -> list[D]:
    """n distinct dates from start to end inclusive, evenly spaced."""
    span = (end - start).days
    assert n == 1 or span >= n - 1, (start, end, n)
    if n == 1:
        return [start]
    return [start + dt.timedelta(days=round(i * span / (n - 1))) for i in range(n)]


def chunks(total: int, pattern: list[int], offset: int) -> list[int]:
    out, i = [], offset
    while sum(out) + pattern[i % len(pattern)] <= total:
        out.append(pattern[i % len(pattern)])
        i += 1
    if total - sum(out):
        out.append(total - sum(out))
    return out


def plan_entries(pair: Pair, kind: str, offset: int) -> list[Entry]:
    plan = pair.cand_plan if kind == "candidate" else pair.coach_plan
    if plan is None:
        return []
    total, last = plan
    minutes = chunks(total, CAND_PATTERN if kind == "candidate" else COACH_PATTERN, offset)
    entries = []
    for i, (day, mins) in enumerate(zip(spread(pair.pm, last, len(minutes)), minutes)):
        if kind == "coach":
            contact = CONTACT_CYCLE[(i + offset) % len(CONTACT_CYCLE)]
            if i == 0:
                contact = "In Person"
            options = COACH_DESC[contact]
            desc = "Planning meeting: goals and schedule" if i == 0 else options[(i + offset) // 2 % len(options)]
            entries.append(Entry("coach", pair.cand, pair.coach, day, mins, contact=contact, desc=desc))
        else:
            desc = "Planning meeting with coach" if i == 0 else CAND_DESC[(i + offset) % len(CAND_DESC)]
            activity = "Coach Meeting" if i == 0 or "coach" in desc.lower() else "Independent"
            entries.append(Entry("candidate", pair.cand, pair.coach, day, mins, activity=activity, desc=desc))
    return entries


PAIR = {p.key: p for p in PAIRS}
LOGS: dict[tuple[str, str], list[Entry]] = {}
for n, p in enumerate(PAIRS):
    LOGS[(p.key, "candidate")] = plan_entries(p, "candidate", n)
    LOGS[(p.key, "coach")] = plan_entries(p, "coach", n)


def insert(entries: list[Entry], entry: Entry) -> list[Entry]:
    """Place a planted entry among the others by date (text dates go where they were typed)."""
    key = entry.day if isinstance(entry.day, D) else None
    if key is None:
        entries.insert(len(entries) // 2, entry)
        return entries
    index = next((i for i, e in enumerate(entries) if isinstance(e.day, D) and e.day > key), len(entries))
    entries.insert(index, entry)
    return entries


# planted row-level problems
insert(LOGS[("A1", "coach")], Entry("coach", "K1", "C1", D(2026, 5, 14), 60, contact="Phnoe",
                                   desc="Call about lab access", plant="CELL-ENUM"))
insert(LOGS[("A2", "candidate")], Entry("candidate", "K2", "C2", D(2026, 3, 30), 90, activity="Independent",
                                        desc="Read the coaching handbook before our first meeting", plant="LOG-OUTSIDE-WINDOW"))
insert(LOGS[("A2", "coach")], Entry("coach", "K2", "C2", D(2026, 6, 3), 0, contact="e-mail",
                                   desc="Emailed links to training videos", plant="LOG-DURATION-INVALID"))
insert(LOGS[("A3", "candidate")], Entry("candidate", "K3", "C3", D(2026, 4, 18), 600, activity="Coach Meeting",
                                        desc="Full day shadowing network closet rebuild at Wootton HS",
                                        plant="LOG-DURATION-IMPLAUSIBLE"))
insert(LOGS[("A4", "candidate")], Entry("candidate", "K4", "C4", D(2026, 8, 12), None, activity="Independent",
                                        desc="File server permissions lab", plant="CELL-TYPE"))
insert(LOGS[("A6", "candidate")], Entry("candidate", "K6", "C6", "31/31/2026", 240, activity="Independent",
                                        desc="Rebuilt a classroom cart of Chromebooks", plant="CELL-TYPE"))
insert(LOGS[("A7", "candidate")], Entry("candidate", "K7", "C1", D(2026, 11, 24), 120, activity="Independent",
                                        desc="Planned: file server migration practice", plant="LOG-DATE-FUTURE"))
insert(LOGS[("A8", "coach")], Entry("coach", "K8", "C8", D(2026, 10, 22), 60, contact="Phone",
                                   desc="Call about server lab progress", plant="ID-UNKNOWN", coach_id="104816"))
insert(LOGS[("A10", "candidate")], Entry("candidate", "K10", "C10", D(2026, 9, 15), 120, activity="Independent",
                                         desc="Finished network closet documentation", plant="LOG-OUTSIDE-WINDOW"))
insert(LOGS[("A14", "coach")], Entry("coach", "K14", "C14", None, 45, contact="Phone",
                                    desc="Phone call about switch lab", plant="CELL-REQUIRED"))
# Ava Sinclair is being coached by Priya Natarajan, but the assignment was never recorded
NO_ASSIGNMENT = [
    Entry("coach", "K21", "C2", D(2026, 10, 20), 60, contact="in-person", desc="First meeting: goals and schedule",
          plant="LOG-NO-ASSIGNMENT"),
    Entry("coach", "K21", "C2", D(2026, 11, 3), 45, contact="phone call", desc="Check-in on imaging practice",
          plant="LOG-NO-ASSIGNMENT"),
]

# The candidate log of A3 arrives in two files; the last spring page is sent again with the summer pages.
A3_CAND = LOGS[("A3", "candidate")]
A3_SPLIT = next(i for i, e in enumerate(A3_CAND) if isinstance(e.day, D) and e.day >= D(2026, 5, 20))
A3_SPRING = A3_CAND[: A3_SPLIT + 1]  # ... up to and including the first entry on/after 5/20
_repeat = A3_CAND[A3_SPLIT]
A3_SUMMER = [Entry("candidate", "K3", "C3", _repeat.day, _repeat.minutes, activity=_repeat.activity,
                   desc=_repeat.desc, plant="LOG-DUPLICATE")] + A3_CAND[A3_SPLIT + 1:]

# ----------------------------------------------------------------------------------------------
# How durations are typed


def h_str(minutes: int) -> str:
    return f"{minutes / 60:g}"


def typed_duration(minutes: int | None, style: str, i: int):
    if minutes is None:
        return "TBD"
    h, m = divmod(minutes, 60)
    if style == "mixed":
        style = ["hours", "hmm", "units", "time", "units2"][i % 5]
    if style == "hours":
        return minutes // 60 if m == 0 else minutes / 60
    if style == "hmm":
        return f"{h}:{m:02d}"
    if style == "time":
        return dt.time(h, m)
    if style in ("units", "units2"):
        if h == 0:
            return f"{m} min"
        if m == 0:
            return f"{h} h"
        forms = [f"{h} hr {m} min", f"{minutes} min", f"{h_str(minutes)} h"]
        return forms[(i + (style == "units2")) % 3]
    raise ValueError(style)


CONTACT_SPELLING = {
    "canonical": {},
    "lower": {"In Person": "in-person", "Phone": "phone call", "Email": "e-mail"},
    "mixed": {"In Person": "In person", "Email": "email"},
    "mentoring": {"In Person": "face to face", "Phone": "telephone"},
}
ACTIVITY_SPELLING = {"canonical": {}, "variant": {"Coach Meeting": "with coach", "Independent": "self-study"}}

# ----------------------------------------------------------------------------------------------
# Workbook writing


def col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def a1(r: int, c: int) -> str:
    return f"{col_letter(c)}{r + 1}"


class Book:
    """One workbook as a coordinator would format it: bold header, widths, dates as m/d/yyyy."""

    def __init__(self, name: str):
        self.name = name
        self.wb = xlsxwriter.Workbook(str(OUT / name))
        self.wb.set_properties({"created": CREATED, "author": "Coaching Coordinator", "company": "MCPS"})
        self.f_date = self.wb.add_format({"num_format": "m/d/yyyy"})
        self.f_time = self.wb.add_format({"num_format": "h:mm"})
        self.f_head = self.wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.f_title = self.wb.add_format({"bold": True, "font_size": 13})
        self.f_bold = self.wb.add_format({"bold": True})
        self.sheets: list[dict] = []  # what the oracle knows about each sheet

    def write(self, ws, r, c, value, fmt=None):
        if value is None:
            return
        if isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, c, value, self.f_date)
        elif isinstance(value, D):
            ws.write_datetime(r, c, value, self.f_date)
        elif isinstance(value, dt.time):
            ws.write_datetime(r, c, value, self.f_time)
        else:
            ws.write_string(r, c, str(value), fmt)

    def table(self, sheet: str, headers: list[str], rows: list[list], *, titles=(), col0=0, table=None,
              widths=None, freeze=True) -> tuple[int, int]:
        """Title rows, then a blank row if there are titles, then header + rows. Returns (header row, col0)."""
        ws = self.wb.add_worksheet(sheet)
        r = 0
        for t in titles:
            self.write(ws, r, col0, t, self.f_title if r == 0 else None)
            r += 1
        if titles:
            r += 1
        header_row = r
        for c, h in enumerate(headers):
            ws.write_string(r, col0 + c, h, self.f_head)
        for row in rows:
            r += 1
            for c, v in enumerate(row):
                self.write(ws, r, col0 + c, v)
        for c, h in enumerate(headers):
            width = (widths or {}).get(h) or max(11, min(44, len(h) + 2))
            ws.set_column(col0 + c, col0 + c, width)
        if col0:
            ws.set_column(0, col0 - 1, 3)
        if freeze:
            ws.freeze_panes(header_row + 1, 0)
        self.sheets.append({"name": sheet, "table": table, "header_row": header_row + 1})
        return header_row, col0

    def notes(self, sheet: str, lines: list[str]):
        ws = self.wb.add_worksheet(sheet)
        ws.set_column(0, 0, 100)
        for r, line in enumerate(lines):
            self.write(ws, r, 0, line, self.f_bold if r == 0 else None)
        self.sheets.append({"name": sheet, "table": None, "header_row": None})

    def close(self):
        self.wb.close()
        BOOKS.append(self)


BOOKS: list[Book] = []
ALL_ENTRIES: list[Entry] = []  # in the order written
FOOTERS: list[dict] = []


def log_sheet(book: Book, sheet: str, kind: str, entries: list[Entry], *, headers: dict[str, str],
              style: str, spelling: str = "canonical", titles=(), col0=0, ids_as_numbers=False,
              text_dates=False, footer: float | str | None = None, note_after: int | None = None):
    """Write one log sheet. ``headers`` maps canonical column → header, in the column order wanted."""
    columns = list(headers)
    rows, kinds = [], []
    for i, e in enumerate(entries):
        assert e.kind == kind
        e.dur = typed_duration(e.minutes, style, i)
        if e.plant == "LOG-DURATION-INVALID":
            e.dur = 0
        if e.plant == "LOG-DURATION-IMPLAUSIBLE":
            e.dur = e.minutes // 60
        cand_id = e.cand_id if e.cand_id is not None else P[e.cand].id
        coach_id = e.coach_id if e.coach_id is not None else P[e.coach].id
        if ids_as_numbers:
            cand_id, coach_id = int(cand_id), int(coach_id)
        e.cand_id, e.coach_id = cand_id, coach_id
        if text_dates and isinstance(e.day, D):
            e.day = f"{e.day.month}/{e.day.day}/{e.day.year}"
        if kind == "coach":
            e.contact = CONTACT_SPELLING[spelling].get(e.contact, e.contact)
        elif e.activity and "activity_type" in headers:
            e.activity = ACTIVITY_SPELLING["variant" if spelling == "variant" else "canonical"].get(e.activity, e.activity)
        values = {"candidate_id": cand_id, "coach_id": coach_id, "date": e.day, "duration": e.dur,
                  "contact_type": e.contact, "activity_type": e.activity if "activity_type" in headers else None,
                  "description": e.desc}
        rows.append([values[c] for c in columns])
        kinds.append(e)
        if note_after is not None and i == note_after:
            rows.append(["Continued on next page"] + [None] * (len(columns) - 1))
            kinds.append("note")
    if footer is not None:
        footer_row = [None] * len(columns)
        footer_row[0] = "Total Hours"
        footer_row[columns.index("duration")] = footer
        rows.append(footer_row)
        kinds.append("footer")
    header_row, c0 = book.table(sheet, list(headers.values()), rows, titles=titles, col0=col0, table=f"{kind}_log",
                                widths={"Brief Description of Contact": 44, "Brief Description of Activity": 44,
                                        "Description": 44, "Type of Contact (In Person, Phone, Email)": 20})
    for n, (row, what) in enumerate(zip(rows, kinds), start=1):
        r = header_row + n
        if isinstance(what, Entry):
            what.file, what.sheet = book.name, sheet
            what.cells = {c: a1(r, c0 + j) for j, c in enumerate(columns)}
            what.first_cell = a1(r, c0)
            ALL_ENTRIES.append(what)
        elif what == "footer":
            above = [e for e in kinds[: n - 1] if isinstance(e, Entry)]
            FOOTERS.append({"file": book.name, "sheet": sheet, "label_cell": a1(r, c0),
                            "value_cell": a1(r, c0 + columns.index("duration")), "value": footer, "entries": above})


COACH_HEADERS_A = {"candidate_id": "Candidate ID", "coach_id": "Coach ID", "date": "Date",
                   "contact_type": "Type of Contact (In Person, Phone, Email)", "duration": "Duration",
                   "description": "Brief Description of Contact"}
COACH_HEADERS_B = {"candidate_id": "Candidate ID", "coach_id": "Coach ID", "date": "Date",
                   "contact_type": "Type of Contact", "duration": "Hours", "description": "Description"}
COACH_HEADERS_PAPER = {"date": "Date", "contact_type": "Type of Contact (In Person, Phone, Email)",
                       "duration": "Duration", "description": "Brief Description of Contact",
                       "candidate_id": "Candidate ID", "coach_id": "Coach ID"}
CAND_HEADERS_A = {"candidate_id": "Candidate ID", "coach_id": "Coach ID", "date": "Date", "duration": "Duration",
                  "description": "Brief Description of Activity"}
CAND_HEADERS_B = {"candidate_id": "Candidate ID", "coach_id": "Coach ID", "date": "Date", "duration": "Hours",
                  "activity_type": "Activity Type", "description": "Brief Description of Activity"}
CAND_HEADERS_C = {"candidate_id": "Candidate ID", "coach_id": "Coach ID", "date": "Date", "duration": "Hours",
                  "description": "Description"}
COACH_LOG_TITLE = ("ITSS Job Banding Coaching Log",)
CAND_LOG_TITLE = "ITSS Job Banding Coaching Candidate Log"


def by_date(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.day if isinstance(e.day, D) else D(2026, 1, 1))


def write_roster():
    b = Book("Roster 2026.xlsx")
    headers = ["Employee ID Number", "Employee Name", "Email Address", "Job Title", "Grade", "Hire Date",
               "Position Start Date", "Supervisor ID", "Employment Status", "PGS Status", "Evaluation Status",
               "Coach Training Date", "Work Location"]
    people = [p for p in P.values() if p.roster == "main"]
    rows = []
    for p in people:
        rows.append([p.id, p.name, p.email, p.title, p.grade, p.hire, p.position_start or p.hire,
                     P[p.supervisor].id if p.supervisor else None, p.employment, p.pgs, p.evaluation, p.training,
                     p.location])
    dup = rows[[p.id for p in people].index(P["E1"].id)]
    rows.append(list(dup))  # Peter Walsh pasted twice when the roster was updated
    header_row, _ = b.table("Employees", headers, rows, table="employees",
                            widths={"Employee Name": 18, "Email Address": 30, "Job Title": 26, "Work Location": 36})
    first = header_row + 1 + [p.id for p in people].index(P["E1"].id)
    ROSTER_DUP.update(first=a1(first, 0), second=a1(header_row + len(rows), 0))
    b.notes("Notes", [
        "Coordinator notes - ITSS coaching, 2026",
        "",
        "9/1: coach pool reviewed with the supervisors. Beth Sullivan available from September.",
        "Next coach training (Technical Advancement Skills Coaching Overview): 12/9/2026, Gaither Road, room 120.",
        "Reminder for candidates: send the signed form 336-84 together with the request.",
        "Stipend requests go to Finance with a copy of the coach log attached.",
        "Ava Sinclair started meeting Priya Natarajan in October - enter the assignment!",
    ])
    b.close()


ROSTER_DUP: dict[str, str] = {}


def write_recommendations():
    b = Book("Coach Recommendations.xlsx")
    headers = ["Prospective Coach ID", "Prospective Coach", "Reference Name", "Relationship", "People Skills",
               "Job Skills", "Model and Explain", "Communication", "Time Management", "Overall Recommendation", "Date"]
    rows = [[P[r["coach"]].id, P[r["coach"]].name, r["reference"], r["relationship"], *r["ratings"], r["overall"],
             r["date"]] for r in RECS]
    b.table("Recommendations", headers, rows, table="recommendations",
            titles=("CONFIDENTIAL - Recommendation Forms for Prospective Coaches",),
            widths={"Overall Recommendation": 28, "Reference Name": 18, "Prospective Coach": 18})
    b.close()


def write_requests():
    b = Book("Coaching Requests.xlsx")
    headers = ["Employee ID Number", "Employee Name", "Today's Date", "Current Job and Level", "Target Grade",
               "Form 336-84 Date", "Supervisor's Name", "Additional Notes"]
    rows = []
    for r in REQUESTS:
        c = P[r.cand]
        rows.append([c.id, c.name, r.date, f"{c.title} (grade {c.grade})", r.target, r.enrolled,
                     P[c.supervisor].name, r.notes or None])
    b.table("Requests", headers, rows, table="requests",
            widths={"Current Job and Level": 34, "Additional Notes": 40, "Employee Name": 18})
    b.close()


def write_assignments():
    b = Book("Assignments and Planning.xlsx")
    headers = ["Candidate ID", "Candidate", "Coach ID", "Coach", "Assigned Date", "Planning Meeting Date",
               "Target Grade", "Goal 1", "Goal 2", "Goal 3", "Goals Attained", "Status", "Completion Date",
               "Request for Payment Date"]
    rows = [[P[p.cand].id, P[p.cand].name, P[p.coach].id, P[p.coach].name, p.assigned, p.pm, p.target,
             p.goals[0] or None, p.goals[1] or None, p.goals[2] or None, p.goals_attained, p.status, p.completion,
             p.payment_request] for p in PAIRS]
    b.table("Assignments", headers, rows, table="assignments",
            widths={"Goal 1": 30, "Goal 2": 30, "Goal 3": 30, "Candidate": 16, "Coach": 16})
    b.close()


def write_coach_logs():
    def book(coach_key):
        return Book(f"Coach Log - {P[coach_key].name}.xlsx")

    b = book("C1")
    log_sheet(b, "Alicia Brooks", "coach", LOGS[("A1", "coach")], headers=COACH_HEADERS_A, style="hours",
              titles=COACH_LOG_TITLE)
    log_sheet(b, "Tanya Ellis", "coach", LOGS[("A7", "coach")], headers=COACH_HEADERS_A, style="hours",
              titles=COACH_LOG_TITLE)
    b.close()

    b = book("C2")
    log_sheet(b, "Daniel Cho", "coach", LOGS[("A2", "coach")], headers=COACH_HEADERS_B, style="mixed", spelling="lower")
    log_sheet(b, "Ava Sinclair", "coach", NO_ASSIGNMENT, headers=COACH_HEADERS_B, style="mixed", spelling="lower")
    b.close()

    b = book("C3")  # one running log for both candidates, by date
    log_sheet(b, "Coaching Log", "coach", by_date(LOGS[("A3", "coach")] + LOGS[("A18", "coach")]),
              headers=COACH_HEADERS_A, style="units", spelling="mixed")
    b.close()

    b = book("C4")
    log_sheet(b, "Jamal Wright", "coach", LOGS[("A12", "coach")], headers=COACH_HEADERS_B, style="time")
    log_sheet(b, "Ryan Patel", "coach", LOGS[("A4", "coach")], headers=COACH_HEADERS_B, style="time")
    b.close()

    b = book("C5")
    log_sheet(b, "Mei Lin", "coach", LOGS[("A5", "coach")], headers=COACH_HEADERS_A, style="hmm", titles=COACH_LOG_TITLE)
    log_sheet(b, "Fatima Rahman", "coach", LOGS[("A19", "coach")], headers=COACH_HEADERS_A, style="hmm",
              titles=COACH_LOG_TITLE)
    b.close()

    b = book("C6")
    log_sheet(b, "Oscar Diaz", "coach", LOGS[("A6", "coach")], headers=COACH_HEADERS_B, style="hours",
              note_after=5)
    b.close()

    b = book("C8")
    log_sheet(b, "Victor Nguyen", "coach", LOGS[("A8", "coach")], headers=COACH_HEADERS_A, style="units",
              spelling="lower")
    b.close()

    b = book("C9")  # the paper form's columns, IDs added at the right, and its Total Hours footer
    entries = LOGS[("A9", "coach")]
    log_sheet(b, "Hannah Schultz", "coach", entries, headers=COACH_HEADERS_PAPER, style="time",
              titles=COACH_LOG_TITLE, footer=sum(e.minutes for e in entries) / 60)
    b.close()

    b = book("C10")  # footer typed wrong: 12 instead of the 12.5 the rows add up to
    entries = LOGS[("A10", "coach")]
    assert sum(e.minutes for e in entries) == 750
    log_sheet(b, "Isaac Morgan", "coach", entries, headers=COACH_HEADERS_PAPER, style="hours",
              titles=COACH_LOG_TITLE, footer=12)
    b.close()

    b = book("C14")
    log_sheet(b, "Ethan Park", "coach", LOGS[("A14", "coach")], headers=COACH_HEADERS_B, style="hmm", spelling="mixed")
    b.close()

    b = book("C16")  # both candidates on one sheet
    log_sheet(b, "Coaching Log", "coach", by_date(LOGS[("A16", "coach")] + LOGS[("A17", "coach")]),
              headers=COACH_HEADERS_A, style="mixed", titles=COACH_LOG_TITLE)
    b.close()

    b = book("C20")
    log_sheet(b, "Luis Romero", "coach", LOGS[("A20", "coach")], headers=COACH_HEADERS_B, style="hours")
    log_sheet(b, "Sofia Rossi", "coach", LOGS[("A13", "coach")], headers=COACH_HEADERS_B, style="hours")
    b.close()


def write_candidate_logs():
    b = Book("Candidate Logs - Spring 2026.xlsx")
    titles = (CAND_LOG_TITLE, "Pages received spring 2026")
    for key, entries in [("A1", LOGS[("A1", "candidate")]), ("A3", A3_SPRING), ("A5", LOGS[("A5", "candidate")]),
                         ("A10", LOGS[("A10", "candidate")]), ("A12", LOGS[("A12", "candidate")])]:
        log_sheet(b, P[PAIR[key].cand].name, "candidate", entries, headers=CAND_HEADERS_A, style="hours", titles=titles)
    b.close()

    b = Book("Candidate Logs - Summer 2026.xlsx")
    log_sheet(b, "Fatima Rahman (final pages)", "candidate", A3_SUMMER, headers=CAND_HEADERS_A, style="hours")
    log_sheet(b, "Luis Romero", "candidate", LOGS[("A20", "candidate")], headers=CAND_HEADERS_C, style="hours")
    b.close()

    b = Book("Candidate Logs - Fall 2026.xlsx")
    fall = [("A7", "Tanya Ellis", "units", "canonical"), ("A8", "Victor Nguyen", "time", "variant"),
            ("A9", "Hannah Schultz", "hmm", "canonical"), ("A13", "Sofia Rossi", "units", "canonical"),
            ("A14", "Ethan Park", "time", "variant"), ("A16", "Olivia Turner", "hours", "canonical"),
            ("A17", "Noah Bennett", "units", "variant"), ("A18", "Zoe Adams", "hmm", "canonical"),
            ("A19", "Fatima Rahman", "mixed", "canonical")]
    for key, sheet, style, spelling in fall:
        log_sheet(b, sheet, "candidate", LOGS[(key, "candidate")], headers=CAND_HEADERS_B, style=style,
                  spelling=spelling, titles=(f"{CAND_LOG_TITLE} - fall 2026",))
    b.close()

    b = Book("Candidate Log - Daniel Cho.xlsx")  # blank column A, durations typed every which way
    log_sheet(b, "Log", "candidate", LOGS[("A2", "candidate")], style="mixed", col0=1,
              titles=(f"{CAND_LOG_TITLE} - Daniel Cho",),
              headers={"date": "Date", "duration": "Duration", "description": "Brief Description of Activity",
                       "candidate_id": "Candidate ID", "coach_id": "Coach ID"})
    b.close()

    b = Book("Candidate Log - Ryan Patel.xlsx")  # IDs typed as numbers, h:mm text
    log_sheet(b, "Sheet1", "candidate", LOGS[("A4", "candidate")], headers=CAND_HEADERS_C, style="hmm",
              ids_as_numbers=True)
    b.close()

    b = Book("Candidate Log - Oscar Diaz.xlsx")  # dates typed as text
    log_sheet(b, "Candidate Log", "candidate", LOGS[("A6", "candidate")], headers=CAND_HEADERS_B, style="hours",
              titles=(CAND_LOG_TITLE,), text_dates=True)
    b.close()


COPY_NAME = "Copy of Coach Log - Jordan Reyes.xlsx"

# ==============================================================================================
# The district: three more programs beside ITSS (SPEC §2a), in their own workbooks

SCHOOL_YEAR = D(2026, 8, 1)  # job-embedded: the current school year starts 1 August
REVIEW_DUE = (D(2026, 12, 15), D(2027, 4, 15))  # job-embedded: Agreement Review due dates of that year
REVIEW_AS_OF = D(2026, 12, 16)  # no review is due by the demo date: a second run, just after the first due date
MONTH_LIMIT = 4 * 60  # support-mentoring: minutes of meetings in one calendar month
RELATIONSHIP_MONTHS = COMMITMENT_MONTHS = 12
COMMITMENT_DUE_DAYS, CAPACITY, INACTIVE_DAYS, FEEDBACK_MONTHS = 30, 3, 60, 12
AGREEMENT_DUE_DAYS, MAX_GAP_DAYS = 30, 21
PHASES = ["Orientation", "Relationship", "Goals", "Ongoing Support"]
TITLES = {"itss-coaching": "ITSS Technical Advancement Skills Coaching",
          "support-mentoring": "Supporting Services Mentoring", "reps-coaching": "Reps Coaching",
          "job-embedded": "Job-Embedded Coaching"}
SEVERITY.update({
    "MENTOR-NOT-ELIGIBLE": "error", "MENTEE-NOT-ELIGIBLE": "error", "AGREEMENT-MISSING": "error",
    "MONTH-OVER-LIMIT": "warning", "LOG-MONTH-MISSING": "warning", "RELATIONSHIP-EXPIRED": "warning",
    "COACH-OVER-CAPACITY": "error", "COMMITMENT-DUE": "warning", "COACH-INACTIVE": "warning",
    "FEEDBACK-MISSING": "warning", "AGREEMENT-LATE": "error", "AGREEMENT-REVIEWS-SHORT": "warning",
    "PHASE-OUT-OF-ORDER": "warning", "PHASE-MISSING": "warning", "MEETING-GAP": "warning",
})


def program_of(typed: str | None) -> str | None:
    """The program a Program cell names (name or title, any case, whitespace rule); None = unknown."""
    if typed is None or not typed.strip():
        return "itss-coaching"
    text = " ".join(typed.split()).casefold()
    return next((name for name, title in TITLES.items() if text in (name, title.casefold())), None)


@dataclass
class DistrictPair:
    """One assignment row of the mentoring, reps or job-embedded workbook."""
    key: str
    typed_program: str
    cand: str
    coach: str
    assigned: D | None
    pm: D | None = None
    status: str | None = None  # as typed; blank = Active
    completion: D | None = None
    agreement: D | None = None
    extended: D | None = None
    scenario: str = ""
    expect: list[str] = field(default_factory=list)  # pair-level rule codes, by hand
    file: str = ""
    sheet: str = ""
    cells: dict = field(default_factory=dict)

    @property
    def program(self) -> str | None:
        return program_of(self.typed_program)

    @property
    def state(self) -> str:
        return {None: "Active", "Complete": "Completed", "completed": "Completed", "active": "Active"}.get(
            self.status, self.status)

    @property
    def start(self) -> D | None:
        if self.program == "support-mentoring":
            return self.agreement
        return self.pm or self.assigned


def steps(first: D, last: D, days: int) -> list[D]:
    """first, first + days, ... up to last, and last itself."""
    out = [first + dt.timedelta(days=days * i) for i in range((last - first).days // days + 1)]
    return out if out[-1] == last else out + [last]


def months_between(first: D, last: D) -> list[tuple[int, int]]:
    out, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


MEETING_DAYS = [12, 9, 15, 7, 18, 11, 21, 14]
MEETING_MINUTES = [60, 90, 75, 60, 120, 45, 90, 60]
MENTOR_TOPICS = ["Career pathways: next steps", "Reviewed training catalogue", "Interview practice",
                 "Talked through a difficult situation at work", "Shadowed a route supervisor", "Resume review",
                 "Goals check-in", "Networking: met the depot manager", "Discussed tuition assistance"]
REPS_TOPICS = ["1:1 coaching session", "Goal setting", "Feedback on event plan", "Public speaking practice",
               "Coaching session: time management", "Reviewed community report", "Check-in call"]
JE_TOPICS = ["Campus walkthrough", "Data meeting with leadership team", "Debrief of classroom observations",
             "Planning the faculty meeting", "Co-facilitated PLC", "Reflective conversation", "Master schedule review"]


def meeting(pair: str, day, minutes, contact="In Person", desc="", plant=None) -> Entry:
    dp = DPAIR[pair]
    return Entry("coach", dp.cand, dp.coach, day, minutes, contact=contact, desc=desc, plant=plant)


def monthly(pair: str, first: D, last: D, *, skip=(), offset=0) -> list[Entry]:
    """One mentoring meeting a month: on `first`, then on a day of each month up to `last`."""
    out = []
    for i, (y, m) in enumerate(months_between(first, last)):
        if (y, m) in skip:
            continue
        day = first if i == 0 else D(y, m, MEETING_DAYS[(i + offset) % len(MEETING_DAYS)])
        if day > last:
            continue
        contact = ["In Person", "In Person", "Phone", "In Person", "Email"][(i + offset) % 5] if i else "In Person"
        desc = "First meeting: mentoring objectives" if i == 0 else MENTOR_TOPICS[(i + offset) % len(MENTOR_TOPICS)]
        out.append(meeting(pair, day, MEETING_MINUTES[(i + offset) % len(MEETING_MINUTES)], contact, desc))
    return out


def regular(pair: str, first: D, last: D, every: int, topics: list[str], *, offset=0) -> list[Entry]:
    """Meetings every `every` days from `first`, the last one on `last`."""
    out = []
    for i, day in enumerate(steps(first, last, every)):
        contact = "In Person" if (i + offset) % 3 else "Phone"
        out.append(meeting(pair, day, [60, 90, 45, 75, 60, 120][(i + offset) % 6], contact,
                           topics[(i + offset) % len(topics)]))
    return out


# ---- the pairs: mentoring (15 rows), reps (15), job-embedded (12)
SSM, SSM_TITLE = "support-mentoring", "Supporting Services Mentoring"
DISTRICT = [
    DistrictPair("M1", SSM_TITLE, "ME1", "MM1", D(2025, 12, 15), agreement=D(2026, 1, 12), status="Active",
                 scenario="In progress, a meeting every month."),
    DistrictPair("M2", SSM, "ME2", "MM2", D(2025, 11, 3), agreement=D(2025, 11, 20), status="Active",
                 scenario="Its 12 months end on the as-of date: reached (completion eligible), not expired."),
    DistrictPair("M3", "supporting services mentoring", "ME3", "MM1", D(2025, 11, 10), agreement=D(2025, 12, 1),
                 status="Completed", completion=D(2026, 10, 30), scenario="Completed after 11 months: completion eligible."),
    DistrictPair("M4", SSM_TITLE, "ME4", "MM3", D(2026, 2, 16), agreement=D(2026, 3, 2), status="Active",
                 scenario="Mentor employed since 9/13/2021: under 5 years at the agreement.",
                 expect=["MENTOR-NOT-ELIGIBLE"]),
    DistrictPair("M5", SSM, "ME6", "MM4", D(2026, 3, 23), agreement=D(2026, 4, 6), status="Active",
                 scenario="Mentor in his position since 1/5/2026: under 1 year at the agreement.",
                 expect=["MENTOR-NOT-ELIGIBLE"]),
    DistrictPair("M6", SSM_TITLE, "ME5", "MM5", D(2026, 1, 26), agreement=D(2026, 2, 9), status="Active",
                 scenario="The mentor is the mentee's supervisor.", expect=["MENTOR-NOT-ELIGIBLE"]),
    DistrictPair("M7", "Support-Mentoring", "ME7", "MM6", D(2026, 5, 4), agreement=D(2026, 5, 18), status="Active",
                 scenario="Mentor employed exactly 5 years and in the position exactly 1 year on the agreement date "
                          "(eligible); July has exactly 4:00 of meetings (not over the limit)."),
    DistrictPair("M8", SSM, "ME8", "MM2", D(2026, 5, 18), agreement=D(2026, 6, 1), status="Active",
                 scenario="Mentee is a temporary employee.", expect=["MENTEE-NOT-ELIGIBLE"]),
    DistrictPair("M9", SSM_TITLE, "ME9", "MM7", D(2026, 3, 2), agreement=D(2026, 3, 16), status="Completed",
                 completion=D(2026, 9, 30), scenario="Completed, but the mentee is in PAR: not completion eligible.",
                 expect=["MENTEE-NOT-ELIGIBLE"]),
    DistrictPair("M10", SSM, "ME10", "MM7", D(2026, 8, 31), status="Active",
                 scenario="No Agreement Date, yet two meetings logged (neither counted).", expect=["AGREEMENT-MISSING"]),
    DistrictPair("M11", SSM_TITLE, "ME11", "MM1", D(2026, 4, 20), status="Withdrawn", completion=D(2026, 5, 15),
                 scenario="Withdrawn before an agreement was signed: nothing to report."),
    DistrictPair("M12", SSM, "ME12", "MM2", D(2026, 1, 19), agreement=D(2026, 2, 2), status="Active",
                 scenario="A meeting on 1/26, before the 2/2 agreement (not counted); June has 4:30 of meetings.",
                 expect=["MONTH-OVER-LIMIT"]),
    DistrictPair("M13", SSM_TITLE, "ME13", "MM5", D(2026, 3, 30), agreement=D(2026, 4, 13), status="Active",
                 scenario="No meeting logged in August 2026.", expect=["LOG-MONTH-MISSING"]),
    DistrictPair("M14", SSM, "ME14", "MM1", D(2025, 9, 22), agreement=D(2025, 10, 6), status="Active",
                 scenario="Still Active after its 12 months ended on 10/6/2026 (completion eligible: the 12 months "
                          "were reached); the 10/6 meeting counts, the 10/20 one does not.",
                 expect=["RELATIONSHIP-EXPIRED"]),
    DistrictPair("M15", "Leadership Mentoring", "ME15", "MM7", D(2026, 8, 24), agreement=D(2026, 9, 8), status="Active",
                 scenario="Program 'Leadership Mentoring' is not a program: the pair is listed, not judged."),
    # reps
    DistrictPair("R1", "reps-coaching", "RE1", "RC1", D(2025, 11, 17), D(2025, 12, 1), "Completed", D(2026, 6, 1),
                 scenario="Completed with a trained coach: completion eligible."),
    DistrictPair("R2", "Reps Coaching", "RE2", "RC1", D(2025, 12, 15), D(2026, 1, 12), "Active",
                 scenario="Marisol Ortega's 1st active coachee."),
    DistrictPair("R3", "Reps Coaching", "RE3", "RC1", D(2026, 2, 9), None, "Active",
                 scenario="No planning meeting recorded: starts on the assigned date 2/9 (2nd active coachee)."),
    DistrictPair("R4", "reps coaching", "RE4", "RC1", D(2026, 5, 18), D(2026, 6, 1), "Active",
                 scenario="Starts 6/1, the day R1 completed (no overlap): the 3rd active coachee is fine."),
    DistrictPair("R5", "Reps Coaching", "RE5", "RC1", D(2026, 6, 22), D(2026, 7, 6), "Active",
                 scenario="Starts 7/6 while Marisol Ortega has 3 active coachees.", expect=["COACH-OVER-CAPACITY"]),
    DistrictPair("R6", "reps-coaching", "RE6", "RC2", D(2025, 9, 22), D(2025, 10, 6), "Active",
                 extended=D(2027, 6, 30),
                 scenario="One-year commitment ended 10/6/2026 but was extended to 6/30/2027; both feedback forms in."),
    DistrictPair("R7", "Reps Coaching", "RE7", "RC2", D(2026, 1, 19), D(2026, 2, 2), "Completed", D(2026, 10, 30),
                 scenario="Completed: completion eligible."),
    DistrictPair("R8", "Reps Coaching", "RE8", "RC3", D(2026, 3, 30), D(2026, 4, 13), "Active",
                 scenario="Coach Dana Whitfield has no coach training date.", expect=["COACH-NOT-QUALIFIED"]),
    DistrictPair("R9", "reps-coaching", "RE9", "RC4", D(2026, 2, 16), D(2026, 3, 2), "Completed", D(2026, 11, 2),
                 scenario="Coach trained 4/15/2026, after the 3/2 start: completed but not eligible.",
                 expect=["COACH-NOT-QUALIFIED"]),
    DistrictPair("R10", "Reps Coaching", "RE10", "RC5", D(2026, 1, 5), D(2026, 1, 20), "Active",
                 scenario="Simone Dubois last logged a session on 9/10 (71 days ago): the coach is flagged once."),
    DistrictPair("R11", "Reps Coaching", "RE11", "RC5", D(2026, 2, 23), D(2026, 3, 9), "Active",
                 scenario="(Simone Dubois's other active coachee.)"),
    DistrictPair("R12", "reps-coaching", "RE12", "RC6", D(2025, 11, 24), D(2025, 12, 10), "Active",
                 scenario="Commitment ends 12/10/2026, within 30 days.", expect=["COMMITMENT-DUE"]),
    DistrictPair("R13", "Reps Coaching", "RE13", "RC6", D(2025, 9, 15), D(2025, 10, 1), "Active",
                 scenario="Commitment ended 10/1/2026 without extension (a session on 10/15 is outside it); no feedback "
                          "from the coachee this year.", expect=["COMMITMENT-DUE", "FEEDBACK-MISSING"]),
    DistrictPair("R14", "reps-coaching", "RE14", "RC2", D(2025, 11, 3), D(2025, 11, 17), "Active",
                 extended=D(2027, 5, 31),
                 scenario="Coach's feedback of 11/21/2025 is inside the last 12 months, the coachee's of 11/20/2025 is "
                          "not.", expect=["FEEDBACK-MISSING"]),
    DistrictPair("R15", "Reps Coaching", "RE15", "RC6", D(2026, 2, 16), D(2026, 3, 2), "Active",
                 extended=D(2026, 2, 15),
                 scenario="Extended Until 2/15/2026 is before the start (a cell error; the commitment stays 12 months)."),
    # job-embedded
    DistrictPair("J1", "Job-Embedded Coaching", "JP1", "JC1", D(2026, 7, 20), D(2026, 8, 5), "Active",
                 scenario="On track: agreement, three phases and an early agreement review."),
    DistrictPair("J2", "job-embedded", "JP2", "JC1", D(2026, 7, 13), D(2026, 8, 3), "Completed", D(2026, 11, 6),
                 scenario="Completed with all four phases in order (Orientation and Relationship on the same day): "
                          "completion eligible."),
    DistrictPair("J3", "Job-Embedded Coaching", "JP3", "JC2", D(2026, 4, 20), D(2026, 5, 4), "Active",
                 scenario="Started last school year; this year's agreement on 8/31, exactly 30 days after 8/1 (on time)."),
    DistrictPair("J4", "job-embedded", "JP4", "JC2", D(2026, 6, 1), D(2026, 6, 15), "Active",
                 scenario="Agreement on 9/1, 31 days after the school year started.", expect=["AGREEMENT-LATE"]),
    DistrictPair("J5", "Job-Embedded Coaching", "JP5", "JC2", D(2026, 8, 24), D(2026, 9, 8), "Active",
                 scenario="No agreement 73 days after the 9/8 start.", expect=["AGREEMENT-LATE"]),
    DistrictPair("J6", "JOB-EMBEDDED COACHING", "JP6", "JC3", D(2026, 7, 27), D(2026, 8, 10), "Active",
                 scenario="Goals (9/17) dated before Relationship (9/24).", expect=["PHASE-OUT-OF-ORDER"]),
    DistrictPair("J7", "job-embedded", "JP7", "JC3", D(2026, 8, 3), D(2026, 8, 17), "Active",
                 scenario="Goals dated, Relationship never recorded.", expect=["PHASE-MISSING"]),
    DistrictPair("J8", "Job-Embedded Coaching", "JP8", "JC1", D(2026, 7, 27), D(2026, 8, 12), "Active",
                 scenario="22 days between the 9/23 and 10/15 meetings (the 21 days from 8/19 to 9/9 are fine).",
                 expect=["MEETING-GAP"]),
    DistrictPair("J9", "job-embedded", "JP9", "JC3", D(2026, 7, 20), D(2026, 8, 4), "Active",
                 scenario="Last meeting 10/26, 25 days before the as-of date; a milestone 'Observation' is not a phase.",
                 expect=["MEETING-GAP"]),
    DistrictPair("J10", "Job-Embedded Coaching", "JP10", "JC1", D(2025, 8, 25), D(2025, 9, 8), "Completed",
                 D(2026, 5, 29), scenario="Completed last school year: listed, not judged, its log not counted."),
    DistrictPair("J11", "job-embedded", "JP11", "JC2", D(2026, 7, 20), D(2026, 8, 6), "Active",
                 scenario="Last meeting 10/30, exactly 21 days before the as-of date (not a gap)."),
    DistrictPair("J12", "Job-Embedded Coaching", "JP12", "JC3", D(2026, 7, 20), D(2026, 8, 3), "Completed",
                 D(2026, 10, 23), scenario="Completed with every phase in order: completion eligible."),
]
DPAIR = {p.key: p for p in DISTRICT}

# ---- the logs: mentor logs (mentoring), coach logs (reps), the collaborative log (job-embedded)
DLOGS: dict[str, list[Entry]] = {}
DLOGS["M1"] = monthly("M1", D(2026, 1, 12), D(2026, 11, 17), offset=0)
DLOGS["M2"] = monthly("M2", D(2025, 11, 20), D(2026, 11, 18), offset=1)
DLOGS["M3"] = monthly("M3", D(2025, 12, 1), D(2026, 10, 30), offset=2)
DLOGS["M3"][-1].desc = "Closing meeting: what comes next"
DLOGS["M4"] = monthly("M4", D(2026, 3, 2), D(2026, 11, 16), offset=3)
DLOGS["M5"] = monthly("M5", D(2026, 4, 6), D(2026, 11, 10), offset=4)
DLOGS["M6"] = monthly("M6", D(2026, 2, 9), D(2026, 11, 13), offset=5)
DLOGS["M7"] = [e for e in monthly("M7", D(2026, 5, 18), D(2026, 11, 19), offset=6) if e.day.month != 7]
insert(DLOGS["M7"], meeting("M7", D(2026, 7, 8), 120, "In Person", "Shadowed a preventive maintenance round"))
insert(DLOGS["M7"], meeting("M7", D(2026, 7, 22), 120, "In Person", "Prepared for the Mechanic II interview"))
DLOGS["M8"] = monthly("M8", D(2026, 6, 1), D(2026, 11, 12), offset=7)
DLOGS["M9"] = monthly("M9", D(2026, 3, 16), D(2026, 9, 28), offset=0)
DLOGS["M10"] = [meeting("M10", D(2026, 9, 14), 60, "In Person", "First meeting: mentoring objectives",
                        plant="LOG-OUTSIDE-WINDOW"),
                meeting("M10", D(2026, 10, 19), 60, "Phone", "Goals check-in", plant="LOG-OUTSIDE-WINDOW")]
DLOGS["M12"] = [e for e in monthly("M12", D(2026, 2, 2), D(2026, 11, 16), offset=1) if e.day.month != 6]
insert(DLOGS["M12"], meeting("M12", D(2026, 1, 26), 60, "In Person", "Met to talk about the program",
                             plant="AGREEMENT-MISSING"))
insert(DLOGS["M12"], meeting("M12", D(2026, 6, 9), 150, "In Person", "Shadowed a boiler inspection"))
insert(DLOGS["M12"], meeting("M12", D(2026, 6, 23), 120, "In Person", "HVAC certification study session"))
DLOGS["M13"] = monthly("M13", D(2026, 4, 13), D(2026, 11, 9), skip=[(2026, 8)], offset=2)
DLOGS["M14"] = monthly("M14", D(2025, 10, 6), D(2026, 9, 30), offset=3)
DLOGS["M14"].append(meeting("M14", D(2026, 10, 6), 60, "In Person", "Twelve months: looking back"))
DLOGS["M14"].append(meeting("M14", D(2026, 10, 20), 60, "Phone", "Check-in after the program year",
                            plant="LOG-OUTSIDE-WINDOW"))
DLOGS["M15"] = [meeting("M15", D(2026, 9, 8), 60, "In Person", "First meeting: leadership goals"),
                meeting("M15", D(2026, 10, 13), 75, "In Person", "Leadership reading discussion")]

DLOGS["R1"] = regular("R1", D(2025, 12, 1), D(2026, 6, 1), 21, REPS_TOPICS, offset=0)
DLOGS["R2"] = regular("R2", D(2026, 1, 12), D(2026, 11, 16), 21, REPS_TOPICS, offset=1)
DLOGS["R3"] = regular("R3", D(2026, 2, 9), D(2026, 11, 12), 28, REPS_TOPICS, offset=2)
DLOGS["R4"] = regular("R4", D(2026, 6, 1), D(2026, 11, 18), 21, REPS_TOPICS, offset=3)
DLOGS["R5"] = regular("R5", D(2026, 7, 6), D(2026, 11, 10), 28, REPS_TOPICS, offset=4)
DLOGS["R6"] = regular("R6", D(2025, 10, 6), D(2026, 11, 13), 28, REPS_TOPICS, offset=5)
DLOGS["R7"] = regular("R7", D(2026, 2, 2), D(2026, 10, 30), 21, REPS_TOPICS, offset=6)
DLOGS["R8"] = regular("R8", D(2026, 4, 13), D(2026, 11, 17), 21, REPS_TOPICS, offset=0)
DLOGS["R9"] = regular("R9", D(2026, 3, 2), D(2026, 11, 2), 21, REPS_TOPICS, offset=1)
DLOGS["R10"] = regular("R10", D(2026, 1, 20), D(2026, 9, 10), 28, REPS_TOPICS, offset=2)
DLOGS["R11"] = regular("R11", D(2026, 3, 9), D(2026, 8, 28), 28, REPS_TOPICS, offset=3)
DLOGS["R12"] = regular("R12", D(2025, 12, 10), D(2026, 11, 19), 28, REPS_TOPICS, offset=4)
DLOGS["R13"] = regular("R13", D(2025, 10, 1), D(2026, 10, 1), 28, REPS_TOPICS, offset=5)
DLOGS["R13"].append(meeting("R13", D(2026, 10, 15), 60, "Phone", "Talked about extending the commitment",
                            plant="LOG-OUTSIDE-WINDOW"))
DLOGS["R14"] = regular("R14", D(2025, 11, 17), D(2026, 11, 9), 28, REPS_TOPICS, offset=6)
DLOGS["R15"] = regular("R15", D(2026, 3, 2), D(2026, 11, 5), 21, REPS_TOPICS, offset=0)

DLOGS["J1"] = regular("J1", D(2026, 8, 5), D(2026, 11, 17), 14, JE_TOPICS, offset=0)
DLOGS["J2"] = regular("J2", D(2026, 8, 3), D(2026, 11, 6), 14, JE_TOPICS, offset=1)
DLOGS["J3"] = regular("J3", D(2026, 8, 4), D(2026, 11, 17), 14, JE_TOPICS, offset=2)
DLOGS["J4"] = regular("J4", D(2026, 8, 3), D(2026, 11, 16), 14, JE_TOPICS, offset=3)
DLOGS["J5"] = regular("J5", D(2026, 9, 8), D(2026, 11, 18), 14, JE_TOPICS, offset=4)
DLOGS["J6"] = regular("J6", D(2026, 8, 10), D(2026, 11, 16), 14, JE_TOPICS, offset=5)
DLOGS["J7"] = regular("J7", D(2026, 8, 17), D(2026, 11, 19), 14, JE_TOPICS, offset=6)
DLOGS["J8"] = [meeting("J8", day, 60 + 15 * (i % 3), "In Person" if i % 2 == 0 else "Phone", JE_TOPICS[i % 7])
               for i, day in enumerate([D(2026, 8, 12), D(2026, 8, 19), D(2026, 9, 9), D(2026, 9, 23),
                                        D(2026, 10, 15), D(2026, 10, 29), D(2026, 11, 12), D(2026, 11, 18)])]
DLOGS["J9"] = regular("J9", D(2026, 8, 4), D(2026, 10, 26), 14, JE_TOPICS, offset=1)
DLOGS["J10"] = regular("J10", D(2025, 9, 8), D(2026, 5, 29), 14, JE_TOPICS, offset=2)
DLOGS["J11"] = regular("J11", D(2026, 8, 6), D(2026, 10, 30), 21, JE_TOPICS, offset=3)
DLOGS["J12"] = regular("J12", D(2026, 8, 3), D(2026, 10, 23), 14, JE_TOPICS, offset=4)


# ---- reps feedback (the yearly feedback round; confidential)
@dataclass
class Feedback:
    employee: str  # person key of who gave it
    role: str  # as typed
    cand: str
    coach: str
    day: D | str
    rating: int | None
    comments: str
    plant: str | None = None
    file: str = ""
    sheet: str = ""
    cells: dict = field(default_factory=dict)


FEEDBACK = [
    Feedback("RC1", "Coach", "RE1", "RC1", D(2026, 5, 20), 5, "Julia ran her first district event on her own."),
    Feedback("RE1", "Coachee", "RE1", "RC1", D(2026, 5, 22), 5, "Sessions were always worth the time."),
    Feedback("RC2", "Coach", "RE14", "RC2", D(2025, 11, 21), 4, "Felix is eager; we set three goals."),
    Feedback("RE14", "coachee", "RE14", "RC2", D(2025, 11, 20), 4, "Good start, hard to find meeting times."),
    Feedback("RC2", "COACH", "RE6", "RC2", D(2026, 9, 15), 4, "Steady progress on goal setting."),
    Feedback("RE6", "Coachee", "RE6", "RC2", "9/22/2026", 5, "Would like to continue another year."),
    Feedback("RC6", "Coach", "RE13", "RC6", D(2026, 9, 25), 3, "Amara missed several sessions in the summer."),
    Feedback("RE7", "Coachee", "RE7", "RC2", D(2026, 10, 28), 5, "Very helpful."),
    Feedback("RC2", "Observer", "RE4", "RC1", D(2026, 9, 30), 4, "Sat in on a session at Marisol's request.",
             plant="CELL-ENUM"),
    Feedback("RE1", "Coachee", "RE1", "RC2", D(2026, 10, 5), 5, "One session from the coach pool on public speaking.",
             plant="LOG-NO-ASSIGNMENT"),
]


# ---- job-embedded milestones
@dataclass
class Milestone:
    cand: str  # person key
    coach: str
    phase: str  # as typed
    day: D
    notes: str = ""
    plant: str | None = None
    file: str = ""
    sheet: str = ""
    cells: dict = field(default_factory=dict)


PHASE_SPELLING = {  # what the oracle accepts: the schema's values and variants, any case
    "agreement": "Agreement", "partnership agreement": "Agreement", "agreement signed": "Agreement",
    "coaching agreement": "Agreement", "agreement review": "Agreement Review", "review": "Agreement Review",
    "agreement reviewed": "Agreement Review", "partnership review": "Agreement Review",
    "orientation": "Orientation", "getting oriented": "Orientation", "oriented": "Orientation",
    "preliminary meeting": "Orientation", "relationship": "Relationship",
    "establishing the relationship": "Relationship", "establishing the coaching relationship": "Relationship",
    "coaching relationship": "Relationship", "goals": "Goals", "goal setting": "Goals", "setting goals": "Goals",
    "professional goals": "Goals", "gathering data and setting professional goals": "Goals",
    "ongoing support": "Ongoing Support", "ongoing": "Ongoing Support", "support": "Ongoing Support",
}


def milestones(key: str, *items) -> list[Milestone]:
    dp = DPAIR[key]
    return [Milestone(dp.cand, dp.coach, phase, day, *rest) for phase, day, *rest in items]


MILESTONES = [
    *milestones("J10", ("Partnership Agreement", D(2025, 9, 15)), ("Orientation", D(2025, 9, 22)),
                ("Relationship", D(2025, 10, 20)), ("Goals", D(2025, 11, 17)), ("Agreement Review", D(2025, 12, 12)),
                ("Ongoing Support", D(2026, 2, 2)), ("Agreement Review", D(2026, 4, 13))),
    *milestones("J3", ("Orientation", D(2026, 5, 11)), ("Establishing the Relationship", D(2026, 6, 1)),
                ("Agreement", D(2026, 8, 31), "2026-27 agreement signed with the principal"),
                ("Goal Setting", D(2026, 9, 14)), ("Agreement Review", D(2026, 11, 16))),
    *milestones("J4", ("Orientation", D(2026, 6, 22)), ("Relationship", D(2026, 8, 17)),
                ("Agreement", D(2026, 9, 1), "Principal back from leave"), ("Goals", D(2026, 9, 21))),
    *milestones("J1", ("Partnership Agreement", D(2026, 8, 12)), ("Orientation", D(2026, 8, 19)),
                ("Relationship", D(2026, 9, 9)), ("Goals", D(2026, 10, 7)),
                ("Agreement reviewed", D(2026, 11, 12), "Early review with the principal")),
    *milestones("J2", ("Agreement", D(2026, 8, 10)), ("Orientation", D(2026, 8, 17)),
                ("Relationship", D(2026, 8, 17), "Same visit"), ("Goals", D(2026, 9, 14)),
                ("Ongoing Support", D(2026, 10, 12)), ("Agreement Review", D(2026, 10, 26))),
    *milestones("J12", ("agreement", D(2026, 8, 5)), ("getting oriented", D(2026, 8, 12)),
                ("relationship", D(2026, 8, 26)), ("goals", D(2026, 9, 9)), ("ongoing support", D(2026, 9, 30)),
                ("review", D(2026, 10, 14))),
    *milestones("J9", ("Agreement", D(2026, 8, 11)), ("Orientation", D(2026, 8, 18)), ("Relationship", D(2026, 9, 8)),
                ("Observation", D(2026, 9, 29), "Classroom walkthroughs", "CELL-ENUM")),
    *milestones("J6", ("Agreement", D(2026, 8, 20)), ("Orientation", D(2026, 8, 27)), ("Goals", D(2026, 9, 17)),
                ("Relationship", D(2026, 9, 24), "Entered late")),
    *milestones("J11", ("Agreement", D(2026, 8, 13)), ("Orientation", D(2026, 8, 20)), ("Relationship", D(2026, 9, 10))),
    *milestones("J8", ("Agreement", D(2026, 8, 19)), ("Orientation", D(2026, 8, 26))),
    *milestones("J5", ("Orientation", D(2026, 9, 15))),
    *milestones("J7", ("Agreement", D(2026, 8, 24)), ("Orientation", D(2026, 8, 31)),
                ("Goals", D(2026, 10, 5), "Relationship phase not recorded")),
]


# ---- the district's workbooks

def assignment_sheet(book: Book, sheet: str, pairs: list[DistrictPair], columns: dict[str, str], *, titles=()):
    """An assignments sheet: ``columns`` maps a field (or a ``name:`` column) to its header."""
    def value(p: DistrictPair, column: str):
        if column == "cand_name":
            return P[p.cand].name
        if column == "coach_name":
            return P[p.coach].name
        if column == "campus":
            return CAMPUS[p.cand]
        return {"program": p.typed_program, "candidate_id": P[p.cand].id, "coach_id": P[p.coach].id,
                "assigned_date": p.assigned, "planning_meeting_date": p.pm, "status": p.status,
                "completion_date": p.completion, "agreement_date": p.agreement, "extended_until": p.extended}[column]

    names = list(columns)
    rows = [[value(p, c) for c in names] for p in pairs]
    header_row, c0 = book.table(sheet, list(columns.values()), rows, titles=titles, table="assignments",
                                widths={"Program": 30, "Mentee": 18, "Mentor": 18, "Coachee": 16, "Coach": 16,
                                        "Principal": 18, "Leadership Coach": 18, "Campus": 20})
    for n, p in enumerate(pairs, start=1):
        p.file, p.sheet = book.name, sheet
        p.cells = {c: a1(header_row + n, c0 + j) for j, c in enumerate(names)}


def write_mentoring():
    b = Book("Mentoring Program 2026.xlsx")
    pairs = [p for p in DISTRICT if p.key.startswith("M")]
    assignment_sheet(b, "Mentor Pairs", pairs, {
        "program": "Program", "cand_name": "Mentee", "candidate_id": "Candidate ID", "coach_name": "Mentor",
        "coach_id": "Coach ID", "assigned_date": "Assigned Date", "agreement_date": "Agreement Date",
        "status": "Status", "completion_date": "Completion Date"},
        titles=("Career Pathways Program - Supporting Services Mentoring", "Mentor-mentee pairs, 2025-2026"))
    people = [p for p in P.values() if p.roster == "mentoring"]
    headers = ["Employee ID", "Name", "Job Title", "Band", "Employment Start Date", "Position Start Date",
               "Supervisor ID", "Employment Status", "Evaluation Status", "Job Location"]
    rows = [[p.id, p.name, p.title, p.grade, p.hire, p.position_start, P[p.supervisor].id if p.supervisor else None,
             p.employment, p.evaluation, p.location] for p in people]
    b.table("Participants", headers, rows, table="employees",
            widths={"Name": 20, "Job Title": 32, "Job Location": 36})
    b.close()

    mentor_headers = {"date": "Date", "candidate_id": "Candidate ID", "coach_id": "Coach ID",
                      "contact_type": "Type of Contact", "duration": "Hours", "description": "Description"}
    b = Book("Mentor Logs 2026.xlsx")  # the Career Pathways Team's copy: one running sheet per mentor
    for mentor, keys, style in [("MM1", ["M1", "M3", "M11", "M14"], "hours"), ("MM3", ["M4"], "hmm"),
                                ("MM4", ["M5"], "units"), ("MM5", ["M6", "M13"], "hours"), ("MM6", ["M7"], "time"),
                                ("MM7", ["M9", "M10", "M15"], "hours")]:
        entries = by_date([e for k in keys for e in DLOGS.get(k, [])])
        log_sheet(b, P[mentor].name, "coach", entries, headers=mentor_headers, style=style,
                  spelling="mentoring", titles=(f"Mentor Log - {P[mentor].name}",))
    b.close()

    b = Book("Mentor Log - Derrick Owens.xlsx")  # sent in by the mentor himself, one sheet per mentee
    for key in ["M2", "M8", "M12"]:
        log_sheet(b, P[DPAIR[key].cand].name, "coach", DLOGS[key], style="hmm", spelling="lower",
                  titles=("Supporting Services Mentoring Program", "MENTOR LOG (submit monthly)"),
                  headers={"date": "DATE", "contact_type": "Type of\nContact", "duration": "Duration (h:mm)",
                           "description": "Brief Description of Contact", "candidate_id": "Candidate ID",
                           "coach_id": "Coach ID"})
    b.close()


def write_reps():
    b = Book("Reps Coaching 2026.xlsx")
    pairs = [p for p in DISTRICT if p.key.startswith("R")]
    assignment_sheet(b, "Coaching Pairs", pairs, {
        "program": "Program", "coach_id": "Coach ID", "coach_name": "Coach", "candidate_id": "Candidate ID",
        "cand_name": "Coachee", "assigned_date": "Assigned Date", "planning_meeting_date": "Planning Meeting Date",
        "status": "Status", "completion_date": "Completion Date", "extended_until": "Extended Until"})
    headers = ["Employee ID", "Role", "Coach ID", "Candidate ID", "Feedback Date", "Rating", "Comments"]
    rows = [[P[f.employee].id, f.role, P[f.coach].id, P[f.cand].id, f.day, f.rating, f.comments] for f in FEEDBACK]
    header_row, c0 = b.table("Feedback", headers, rows, table="feedback",
                             titles=("CONFIDENTIAL - Reps Coaching yearly feedback round",),
                             widths={"Comments": 50, "Feedback Date": 14})
    for n, f in enumerate(FEEDBACK, start=1):
        f.file, f.sheet = b.name, "Feedback"
        f.cells = {c: a1(header_row + n, c0 + j) for j, c in
                   enumerate(["employee_id", "role", "coach_id", "candidate_id", "feedback_date", "rating", "comments"])}
    b.close()

    b = Book("Reps Coaching Logs 2026.xlsx")  # one running log per coach, all coachees by date
    headers_a = {"candidate_id": "Candidate ID", "coach_id": "Coach ID", "date": "Date",
                 "contact_type": "Type of Contact (In Person, Phone, Email)", "duration": "Duration",
                 "description": "Brief Description of Contact"}
    headers_b = {"coach_id": "Coach ID", "candidate_id": "Candidate ID", "date": "Date:",
                 "contact_type": "Type of Contact", "duration": "Hours", "description": "Description"}
    for coach, keys, headers, style in [("RC1", ["R1", "R2", "R3", "R4", "R5"], headers_a, "hours"),
                                        ("RC2", ["R6", "R7", "R14"], headers_b, "units"),
                                        ("RC3", ["R8"], headers_a, "hmm"), ("RC4", ["R9"], headers_b, "hours"),
                                        ("RC5", ["R10", "R11"], headers_a, "time"),
                                        ("RC6", ["R12", "R13", "R15"], headers_b, "mixed")]:
        entries = by_date([e for k in keys for e in DLOGS[k]])
        log_sheet(b, P[coach].name, "coach", entries, headers=headers, style=style,
                  spelling="canonical" if headers is headers_a else "mixed")
    b.close()


def write_job_embedded():
    b = Book("Job-Embedded Coaching 2026-27.xlsx")
    pairs = [p for p in DISTRICT if p.key.startswith("J")]
    assignment_sheet(b, "Partnerships", pairs, {
        "program": "Program", "campus": "Campus", "cand_name": "Principal", "candidate_id": "Candidate ID",
        "coach_name": "Leadership Coach", "coach_id": "Coach ID", "assigned_date": "Assigned Date",
        "planning_meeting_date": "Planning Meeting Date", "status": "Status", "completion_date": "Completion Date"},
        titles=("Job-Embedded Coaching - campus partnerships",))
    columns = ["candidate_id", "coach_id", "phase", "date", "campus", "notes"]
    rows = [[P[m.cand].id, P[m.coach].id, m.phase, m.day, CAMPUS[m.cand], m.notes or None] for m in MILESTONES]
    header_row, c0 = b.table("Milestones", ["Candidate ID", "Coach ID", "Phase", "Date", "Campus", "Notes"], rows,
                             table="milestones", widths={"Phase": 28, "Campus": 20, "Notes": 40})
    for n, m in enumerate(MILESTONES, start=1):
        m.file, m.sheet = b.name, "Milestones"
        m.cells = {c: a1(header_row + n, c0 + j) for j, c in enumerate(columns)}
    headers = {"date": "Date", "candidate_id": "Candidate ID", "coach_id": "Coach ID",
               "contact_type": "Type of Contact", "duration": "Duration", "description": "Description"}
    this_year = by_date([e for p in pairs if p.key != "J10" for e in DLOGS[p.key]])
    log_sheet(b, "Collaborative Log", "coach", this_year, headers=headers, style="hours", spelling="mixed",
              titles=("Collaborative coaching log 2026-27 (coach and principal)",))
    log_sheet(b, "Collaborative Log 2025-26", "coach", DLOGS["J10"], headers=headers, style="hours",
              titles=("Collaborative coaching log 2025-26",))
    b.close()


# ---- the district's oracle: SPEC §2a and the DESIGN decisions, applied plainly

def judged(p: DistrictPair) -> bool:
    """Unknown programs are not judged; job-embedded judges Active pairs and those completed this school year."""
    if p.program is None:
        return False
    if p.program == "job-embedded":
        return p.state == "Active" or (p.state == "Completed" and p.completion is not None
                                       and p.completion >= SCHOOL_YEAR)
    return True


def commitment_end(p: DistrictPair) -> D:
    """Reps: 12 months from the start, or Extended Until when later (one before the start is ignored)."""
    end = add_months(p.start, COMMITMENT_MONTHS)
    if p.extended is not None and p.extended >= p.start and p.extended > end:
        end = p.extended
    return end


def period_end(p: DistrictPair) -> D | None:
    """The end of the pair's period: the relationship (mentoring) or the active period (reps)."""
    if p.program == "support-mentoring":
        if p.agreement is None:
            return None
        end = add_months(p.agreement, RELATIONSHIP_MONTHS)
        return min(end, p.completion) if p.completion else end
    if p.program == "reps-coaching":
        return p.completion or commitment_end(p)
    return p.completion  # job-embedded: the school year, up to the completion date


def counting_window(p: DistrictPair, as_of: D) -> tuple[D, D]:
    if p.program == "job-embedded":
        return SCHOOL_YEAR, min(p.completion or as_of, as_of)
    return p.start, min(period_end(p), as_of)


def full_months(lo: D, hi: D) -> list[tuple[int, int]]:
    return [(y, m) for y, m in months_between(lo, hi)
            if D(y, m, 1) >= lo and D(y, m, calendar.monthrange(y, m)[1]) <= hi]


def active_span(p: DistrictPair) -> tuple[D, D] | None:
    """[start, end) of a reps pair, for capacity (a Withdrawn pair without a date is ignored)."""
    if p.state == "Withdrawn":
        return (p.start, p.completion) if p.completion else None
    return p.start, p.completion or commitment_end(p)


ROLE = {"coach": "Coach", "mentor": "Coach", "coachee": "Coachee", "candidate": "Coachee", "mentee": "Coachee",
        "coached": "Coachee"}


def valid_feedback(as_of: D) -> list[tuple[str, str, str, D]]:
    """(candidate ID, coach ID, role, date) of every feedback row that can be used."""
    assigned = {(P[p.cand].id, P[p.coach].id) for p in DISTRICT}
    out = []
    for f in FEEDBACK:
        role = ROLE.get(" ".join(f.role.split()).casefold())
        day = parse_date(f.day)
        if role is None or day in (None, "bad") or (P[f.cand].id, P[f.coach].id) not in assigned:
            continue
        out.append((P[f.cand].id, P[f.coach].id, role, day))
    return out


def phase_dates(p: DistrictPair, as_of: D) -> dict[str, list[D]]:
    """Every valid milestone date of the pair on or before as-of, by phase."""
    out: dict[str, list[D]] = {}
    for m in MILESTONES:
        phase = PHASE_SPELLING.get(" ".join(m.phase.split()).casefold())
        if phase and (m.cand, m.coach) == (p.cand, p.coach) and m.day <= as_of:
            out.setdefault(phase, []).append(m.day)
    return out


def agreement_reviews_short(p: DistrictPair, as_of: D) -> bool:
    dates = phase_dates(p, as_of)
    reviews = [d for d in dates.get("Agreement Review", []) if d >= SCHOOL_YEAR]
    due = [d for d in REVIEW_DUE if d <= as_of]
    return len(reviews) < len(due)


def entry_place(rule: str, e: Entry, column: str, other: str, note: str) -> dict:
    """A pair-level finding placed at a log entry: its ``column`` cell (or ``other`` cell, or the row's first)."""
    return {"rule": rule, "severity": SEVERITY[rule], "file": e.file, "sheet": e.sheet, "cell": e.cells[column],
            "row_first_cell": e.first_cell, "candidate_id": norm_id(e.cand_id), "coach_id": norm_id(e.coach_id),
            "note": note, "alternatives": [{"file": e.file, "sheet": e.sheet, "cell": e.cells[other]}]}


def milestone_place(rule: str, p: DistrictPair, phase: str, other: str | None, note: str) -> dict:
    """A pair-level finding placed at the earliest milestone of ``phase`` (or of ``other``)."""
    def row(name):
        return min((m for m in MILESTONES if (m.cand, m.coach) == (p.cand, p.coach)
                    and PHASE_SPELLING.get(" ".join(m.phase.split()).casefold()) == name), key=lambda m: m.day)

    m = row(phase)
    alternatives = [{"file": m.file, "sheet": m.sheet, "cell": m.cells["phase"]}]
    if other:
        alternatives += [{"file": m.file, "sheet": m.sheet, "cell": row(other).cells[c]} for c in ("date", "phase")]
    return {"rule": rule, "severity": SEVERITY[rule], "file": m.file, "sheet": m.sheet, "cell": m.cells["date"],
            "row_first_cell": m.cells["candidate_id"], "candidate_id": P[p.cand].id, "coach_id": P[p.coach].id,
            "note": note, "alternatives": alternatives}


def judge_district(as_of: D, meetings: dict[str, list[tuple[D, int, Entry]]]) -> tuple[list[dict], list[dict], list[dict]]:
    """Pairs, coach-level findings and the pair-level findings that sit at a cell."""
    pairs_out, coach_findings, cell_findings = [], [], []
    feedback = valid_feedback(as_of)

    # reps capacity: in order of start date, then row order
    over_capacity = set()
    reps = [p for p in DISTRICT if p.program == "reps-coaching"]
    for coach in {p.coach for p in reps}:
        mine = sorted((p for p in reps if p.coach == coach and active_span(p)),
                      key=lambda p: (p.start, DISTRICT.index(p)))
        for i, p in enumerate(mine):
            active = [q for q in mine[:i] if active_span(q)[0] <= p.start < active_span(q)[1]]
            if len(active) >= CAPACITY:
                over_capacity.add(p.key)

    # reps coach activity: one finding per coach with an Active pair and no recent counted session
    for coach in sorted({p.coach for p in reps if p.state == "Active"}, key=lambda k: P[k].id):
        mine = [p for p in reps if p.coach == coach]
        days = [d for p in mine for d, _, _ in meetings[p.key]]
        active = [p for p in mine if p.state == "Active"]
        quiet = (as_of - max(days)).days > INACTIVE_DAYS if days else (as_of - min(p.start for p in active)).days > INACTIVE_DAYS
        if quiet:
            first = min(active, key=DISTRICT.index)
            coach_findings.append({"rule": "COACH-INACTIVE", "severity": SEVERITY["COACH-INACTIVE"],
                                   "program": "reps-coaching", "coach_id": P[coach].id, "candidate_id": "",
                                   "file": first.file, "sheet": first.sheet, "last_session": max(days).isoformat(),
                                   "active_coachees": sorted(P[p.cand].id for p in active),
                                   "active_coachee_names": sorted(P[p.cand].name for p in active)})

    for p in DISTRICT:
        codes: list[str] = []
        minutes = sum(m for _, m, _ in meetings[p.key])
        eligible = False
        cand, coach = P[p.cand], P[p.coach]
        if p.program == "support-mentoring":
            on = p.agreement or as_of
            if coach.hire is None or add_years(coach.hire, 5) > on:
                codes.append("MENTOR-NOT-ELIGIBLE")
            if coach.position_start is None or add_years(coach.position_start, 1) > on:
                codes.append("MENTOR-NOT-ELIGIBLE")
            if cand.supervisor == p.coach:
                codes.append("MENTOR-NOT-ELIGIBLE")
            if (cand.employment or "").casefold() != "permanent":
                codes.append("MENTEE-NOT-ELIGIBLE")
            if (cand.evaluation or "Standard").casefold() in ("par", "special evaluation", "special"):
                codes.append("MENTEE-NOT-ELIGIBLE")
            if p.agreement is None and p.state != "Withdrawn":
                codes.append("AGREEMENT-MISSING")
                cell_findings.append({"rule": "AGREEMENT-MISSING", "severity": "error", "file": p.file,
                                      "sheet": p.sheet, "cell": p.cells["agreement_date"],
                                      "row_first_cell": p.cells["program"], "candidate_id": cand.id,
                                      "coach_id": coach.id, "note": "no Agreement Date (pair-level)"})
            if p.agreement is not None:
                lo, hi = counting_window(p, as_of)
                by_month: dict[tuple[int, int], int] = {}
                for d, m, e in sorted(meetings[p.key], key=lambda x: x[0]):
                    before = by_month.get((d.year, d.month), 0)
                    by_month[(d.year, d.month)] = before + m
                    if before <= MONTH_LIMIT < before + m:  # at the meeting that passes the limit
                        codes.append("MONTH-OVER-LIMIT")
                        cell_findings.append(entry_place("MONTH-OVER-LIMIT", e, "duration", "date",
                                                         f"{d:%B %Y}: {(before + m) / 60:.2f} h of meetings"))
                if not (p.state == "Withdrawn" and p.completion is None):  # withdrawn on a day not known: not checked
                    codes += ["LOG-MONTH-MISSING" for month in full_months(lo, hi) if month not in by_month]
                end = period_end(p)
                if p.state == "Active" and end < as_of:
                    codes.append("RELATIONSHIP-EXPIRED")
            reached = p.agreement is not None and add_months(p.agreement, RELATIONSHIP_MONTHS) <= as_of
            eligible = (p.state == "Completed" or reached) and not {
                "MENTOR-NOT-ELIGIBLE", "MENTEE-NOT-ELIGIBLE", "AGREEMENT-MISSING"} & set(codes)
        elif p.program == "reps-coaching":
            if coach.training is None or coach.training > p.start:
                codes.append("COACH-NOT-QUALIFIED")
            if p.key in over_capacity:
                codes.append("COACH-OVER-CAPACITY")
            if p.state == "Active" and (commitment_end(p) - as_of).days <= COMMITMENT_DUE_DAYS:
                codes.append("COMMITMENT-DUE")
            if p.state == "Active" and add_months(p.start, FEEDBACK_MONTHS) <= as_of:
                since = add_months(as_of, -FEEDBACK_MONTHS)
                for role in ("Coach", "Coachee"):
                    if not any((c, k, r) == (cand.id, coach.id, role) and since < d <= as_of
                               for c, k, r, d in feedback):
                        codes.append("FEEDBACK-MISSING")
            eligible = p.state == "Completed" and not {"COACH-NOT-QUALIFIED", "COACH-OVER-CAPACITY"} & set(codes)
        elif p.program == "job-embedded" and judged(p):
            dates = phase_dates(p, as_of)
            base = max(SCHOOL_YEAR, p.start)
            agreements = [d for d in dates.get("Agreement", []) if d >= SCHOOL_YEAR]
            agreement = min(agreements) if agreements else None
            late = ((agreement - base).days > AGREEMENT_DUE_DAYS if agreement
                    else (as_of - base).days > AGREEMENT_DUE_DAYS)
            if late:
                codes.append("AGREEMENT-LATE")
            if agreement_reviews_short(p, as_of):
                codes.append("AGREEMENT-REVIEWS-SHORT")
            first = {phase: min(dates[phase]) for phase in PHASES if phase in dates}
            out_of_order = [(a, b) for i, a in enumerate(PHASES) for b in PHASES[i + 1:]
                            if a in first and b in first and first[b] < first[a]]
            codes += ["PHASE-OUT-OF-ORDER"] * len(out_of_order)
            for a, b in out_of_order:  # at the milestone dated too early
                cell_findings.append(milestone_place("PHASE-OUT-OF-ORDER", p, b, a, f"{b} {first[b]} before {a} {first[a]}"))
            missing = {a for i, a in enumerate(PHASES) if a not in first and any(b in first for b in PHASES[i + 1:])}
            codes += ["PHASE-MISSING"] * len(missing)
            for a in missing:  # at the first later phase that is dated
                b = next(b for b in PHASES[PHASES.index(a) + 1:] if b in first)
                cell_findings.append(milestone_place("PHASE-MISSING", p, b, None, f"{a} has no date, {b} is dated"))
            days = sorted({d for d, _, _ in meetings[p.key]})
            if p.state == "Active" and days:
                gaps = [(a, b) for a, b in zip(days, days[1:]) if (b - a).days > MAX_GAP_DAYS]
                if (as_of - days[-1]).days > MAX_GAP_DAYS:
                    gaps.append((days[-1], as_of))
                codes += ["MEETING-GAP"] * len(gaps)
            eligible = (p.state == "Completed" and not late and len(first) == len(PHASES) and not out_of_order)
        assert sorted(codes) == sorted(p.expect), (p.key, codes, p.expect)
        pairs_out.append({
            "pair": p.key, "program": p.program if p.program else p.typed_program, "program_as_typed": p.typed_program,
            "candidate_id": cand.id, "candidate_name": cand.name, "coach_id": coach.id, "coach_name": coach.name,
            "status": p.state, "start": p.start.isoformat() if p.start else None,
            "end": period_end(p).isoformat() if p.program in ("support-mentoring", "reps-coaching") and period_end(p)
            else None,
            "judged": judged(p), "candidate_minutes": 0, "coach_contact_minutes": minutes,
            "candidate_hours": 0.0, "coach_contact_hours": round(minutes / 60, 2),
            "completion_eligible": eligible, "payment_eligible": False, "rules": sorted(codes),
            "assignment": {"file": p.file, "sheet": p.sheet}, "scenario": p.scenario,
        })
    return pairs_out, coach_findings, cell_findings


def district_cell_findings() -> list[dict]:
    """The cells planted in the district's assignments, feedback and milestones sheets."""
    out = []

    def cell(rule, file, sheet, cell, first, cand, coach, note):
        out.append({"rule": rule, "severity": SEVERITY[rule], "file": file, "sheet": sheet, "cell": cell,
                    "row_first_cell": first, "candidate_id": cand, "coach_id": coach, "note": note})

    for p in DISTRICT:
        first = p.cells[next(iter(p.cells))]
        if p.program is None:
            cell("CELL-ENUM", p.file, p.sheet, p.cells["program"], first, P[p.cand].id, P[p.coach].id,
                 f"Program {p.typed_program!r} is not a known program: the pair is not judged")
        if p.extended is not None and p.start and p.extended < p.start:
            cell("CELL-TYPE", p.file, p.sheet, p.cells["extended_until"], first, P[p.cand].id, P[p.coach].id,
                 f"Extended Until {p.extended} is before the start {p.start}: ignored")
    assigned = {(p.cand, p.coach) for p in DISTRICT}
    for f in FEEDBACK:
        role = ROLE.get(" ".join(f.role.split()).casefold())
        if role is None:
            cell("CELL-ENUM", f.file, f.sheet, f.cells["role"], f.cells["employee_id"], P[f.cand].id, P[f.coach].id,
                 f"Role {f.role!r} is not Coach or Coachee")
        elif (f.cand, f.coach) not in assigned:
            cell("LOG-NO-ASSIGNMENT", f.file, f.sheet, f.cells["candidate_id"], f.cells["employee_id"], P[f.cand].id,
                 P[f.coach].id, "feedback for a pair with no assignment")
        assert (out[-1]["rule"] if role is None or (f.cand, f.coach) not in assigned else None) == f.plant, f
    for m in MILESTONES:
        if " ".join(m.phase.split()).casefold() not in PHASE_SPELLING:
            cell("CELL-ENUM", m.file, m.sheet, m.cells["phase"], m.cells["candidate_id"], P[m.cand].id, P[m.coach].id,
                 f"Phase {m.phase!r} is not a phase")
        assert ((" ".join(m.phase.split()).casefold() not in PHASE_SPELLING) == (m.plant == "CELL-ENUM")), m
    return out


# ----------------------------------------------------------------------------------------------
# The oracle: SPEC §4 applied plainly to the values written above


def norm_id(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return str(int(value))
    return " ".join(str(value).split())


def parse_date(value) -> D | None | str:
    """A date, None when blank, or "bad" when unreadable (text dates are month first)."""
    if value is None:
        return None
    if isinstance(value, D):
        return value
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
    if not m:
        return "bad"
    try:
        return D(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return "bad"


def parse_minutes(value) -> int | None:
    """Whole minutes, or None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return round(value * 60)
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    text = value.strip().lower()
    for pattern, fn in [
        (r"(\d+):(\d{2})", lambda m: int(m[1]) * 60 + int(m[2])),
        (r"(\d+(?:\.\d+)?)\s*min", lambda m: round(float(m[1]))),
        (r"(\d+(?:\.\d+)?)\s*h", lambda m: round(float(m[1]) * 60)),
        (r"(\d+)\s*hr\s+(\d+)\s*min", lambda m: int(m[1]) * 60 + int(m[2])),
        (r"\d+(?:\.\d+)?", lambda m: round(float(m[0]) * 60)),
    ]:
        m = re.fullmatch(pattern, text)
        if m:
            return fn(m)
    return None


CONTACT = {"in person": "In Person", "in-person": "In Person", "face to face": "In Person", "phone": "Phone",
           "phone call": "Phone", "telephone": "Phone", "email": "Email", "e-mail": "Email"}


def file_order(name: str) -> tuple:
    return (name.casefold(), name)


def compute() -> dict:
    as_of = AS_OF
    id_to_key = {p.id: k for k, p in P.items()}
    pair_by_ids = {(P[p.cand].id, P[p.coach].id): p for p in PAIRS}
    counted: dict[tuple[str, str], int] = {(p.key, k): 0 for p in PAIRS for k in ("coach", "candidate")}
    coach_entries_by_pair: dict[str, list[D]] = {p.key: [] for p in PAIRS}
    counted_coach_rows: dict[str, int] = {p.key: 0 for p in PAIRS}
    last_counted: dict[str, D] = {}  # the pair's last counted entry of either log: the paid period ends on it if later
    findings = []
    seen = {}
    district_by_ids = {(P[p.cand].id, P[p.coach].id): p for p in DISTRICT}
    district_meetings: dict[str, list[tuple[D, int, Entry]]] = {p.key: [] for p in DISTRICT}

    def row_finding(rule, e: Entry, column: str | None, note: str):
        findings.append({
            "rule": rule, "severity": SEVERITY[rule], "file": e.file, "sheet": e.sheet,
            "cell": e.cells[column] if column else e.first_cell, "row_first_cell": e.first_cell,
            "candidate_id": norm_id(e.cand_id) or "", "coach_id": norm_id(e.coach_id) or "", "note": note,
        })

    order = sorted(ALL_ENTRIES, key=lambda e: (file_order(e.file),))  # stable: sheets and rows keep their order
    for e in order:
        cand, coach = norm_id(e.cand_id), norm_id(e.coach_id)
        day = parse_date(e.day)
        minutes = parse_minutes(e.dur)
        contact = CONTACT.get(" ".join(e.contact.split()).casefold()) if e.kind == "coach" and e.contact else None
        assert minutes == e.minutes or e.plant == "LOG-DURATION-INVALID", (e, minutes)
        errors = False
        if coach not in ROSTER_IDS:
            row_finding("ID-UNKNOWN", e, "coach_id", f"Coach ID {coach} is not in the roster")
            errors = True
        if cand not in ROSTER_IDS:
            row_finding("ID-UNKNOWN", e, "candidate_id", f"Candidate ID {cand} is not in the roster")
            errors = True
        if day is None:
            row_finding("CELL-REQUIRED", e, "date", "Date is blank")
            errors = True
        elif day == "bad":
            row_finding("CELL-TYPE", e, "date", f"Date {e.day!r} is not a date")
            errors = True
        if minutes is None:
            row_finding("CELL-TYPE", e, "duration", f"Duration {e.dur!r} is not a duration")
            errors = True
        elif minutes <= 0:
            row_finding("LOG-DURATION-INVALID", e, "duration", "Duration is 0")
            errors = True
        if e.kind == "coach" and contact is None:
            row_finding("CELL-ENUM", e, "contact_type", f"Type of Contact {e.contact!r} is not In Person, Phone or Email")
            errors = True
        if errors:
            continue
        dp = district_by_ids.get((cand, coach))
        if dp is not None:  # a pair of the mentoring, reps or job-embedded program (SPEC §2a)
            if not judged(dp):
                continue  # unknown program, or a job-embedded pair outside the school year: not counted, not reported
            if day > as_of:
                row_finding("LOG-DATE-FUTURE", e, "date", f"{day} is after the as-of date {as_of}")
                continue
            if minutes > IMPLAUSIBLE:
                row_finding("LOG-DURATION-IMPLAUSIBLE", e, "duration", f"{minutes / 60:.2f} h in one entry (counted)")
            if dp.program == "support-mentoring" and dp.agreement is None:
                row_finding("LOG-OUTSIDE-WINDOW", e, "date", f"meeting on {day} with no Agreement Date recorded (not counted)")
                continue
            if dp.program == "support-mentoring" and day < dp.agreement:
                row_finding("AGREEMENT-MISSING", e, "date", f"meeting on {day} before any signed agreement (not counted)")
                continue
            if dp.program == "reps-coaching" and dp.state == "Withdrawn" and dp.completion is None:
                row_finding("LOG-OUTSIDE-WINDOW", e, "date", f"{day}: withdrawn with no Completion Date (not counted)")
                continue
            lo, hi = counting_window(dp, as_of)
            if day < lo or day > hi:
                row_finding("LOG-OUTSIDE-WINDOW", e, "date", f"{day} is outside {lo} .. {hi} (not counted)")
                continue
            key = (cand, coach, e.kind, day, minutes, contact, " ".join(e.desc.split()).casefold())
            if key in seen:
                row_finding("LOG-DUPLICATE", e, None, "same entry as in another file (counted once)")
                continue
            seen[key] = e
            district_meetings[dp.key].append((day, minutes, e))
            continue
        pair = pair_by_ids.get((cand, coach))
        if pair is None:
            row_finding("LOG-NO-ASSIGNMENT", e, None,
                        f"{P[id_to_key[cand]].name} / {P[id_to_key[coach]].name} have no assignment")
            continue
        if day > as_of:
            row_finding("LOG-DATE-FUTURE", e, "date", f"{day} is after the as-of date {as_of}")
            continue
        if minutes > IMPLAUSIBLE:
            row_finding("LOG-DURATION-IMPLAUSIBLE", e, "duration", f"{minutes / 60:.2f} h in one entry (counted)")
        if e.kind == "coach":
            coach_entries_by_pair[pair.key].append(day)  # for PAIR-INACTIVE: any valid coach-log entry
        if day < pair.pm or day > min(pair.deadline, as_of):
            row_finding("LOG-OUTSIDE-WINDOW", e, "date",
                        f"{day} is outside {pair.pm} .. {pair.deadline} (not counted)")
            continue
        key = (cand, coach, e.kind, day, minutes, contact, " ".join(e.desc.split()).casefold())
        if key in seen:
            first = seen[key]
            row_finding("LOG-DUPLICATE", e, None, "same entry as in another file (counted once)")
            findings[-1]["alternatives"] = [{"file": first.file, "sheet": first.sheet, "cell": first.first_cell}]
            continue
        seen[key] = e
        counted[(pair.key, e.kind)] += minutes
        last_counted[pair.key] = max(day, last_counted.get(pair.key, day))
        if e.kind == "coach":
            counted_coach_rows[pair.key] += 1

    for f in FOOTERS:
        total = sum(parse_minutes(e.dur) or 0 for e in f["entries"]
                    if parse_minutes(e.dur) and parse_date(e.day) not in (None, "bad"))
        value = round(f["value"] * 60)
        if abs(value - total) > 1:
            findings.append({"rule": "LOG-TOTAL-MISMATCH", "severity": "warning", "file": f["file"], "sheet": f["sheet"],
                             "cell": f["value_cell"], "row_first_cell": f["label_cell"],
                             "candidate_id": norm_id(f["entries"][0].cand_id), "coach_id": norm_id(f["entries"][0].coach_id),
                             "note": f"Total Hours {f['value']} but the entries add up to {total / 60:.2f}"})
        else:
            FOOTERS_OK.append(f)

    # ---- pairs
    def target(p: Pair) -> int:
        return p.target if p.target is not None else REQUEST_BY_CAND[p.cand].target

    def coach_reasons(p: Pair) -> list[str]:
        coach, reasons = P[p.coach], []
        if coach.grade < target(p):
            reasons.append(f"grade {coach.grade} below target grade {target(p)}")
        if p.pm is not None:
            if add_years(coach.hire, 2) > p.pm:
                reasons.append("employed less than 2 years at the planning meeting")
            if coach.training is None or coach.training > p.pm:
                reasons.append(f"coach training {coach.training} not on or before the planning meeting {p.pm}")
        if coach.pgs != "Meeting":
            reasons.append("PGS not Meeting")
        recs = [r for r in RECS if r["coach"] == p.coach]
        sup = sum(r["relationship"] == "Supervisor" for r in recs)
        col = sum(r["relationship"] == "Colleague" for r in recs)
        if sup < 1 or col < 2 or any(r["overall"] == "Not recommended" for r in recs):
            reasons.append(f"recommendations incomplete ({sup} supervisor, {col} colleague)")
        return reasons

    def span(p: Pair):
        start = p.pm or p.assigned
        if p.status == "Withdrawn":
            return (start, p.completion) if p.completion else None
        end = p.completion or p.deadline
        return (start, end) if end else None

    concurrent = set()
    for a in PAIRS:
        for b in PAIRS:
            if a is b or a.coach != b.coach or not span(a) or not span(b):
                continue
            (s1, e1), (s2, e2) = span(a), span(b)
            if s1 < e2 and s2 < e1:
                concurrent.add(a.key)

    repeat = set()
    for a in PAIRS:
        earlier = [b for b in PAIRS if b is not a and b.cand == a.cand and target(b) == target(a)
                   and ((b.pm or b.assigned), PAIRS.index(b)) < ((a.pm or a.assigned), PAIRS.index(a))]
        if earlier:
            repeat.add(a.key)

    pairs_out, payments, certificates = [], [], []
    for p in PAIRS:
        status = {"Complete": "Completed", None: "Active"}.get(p.status, p.status)
        goals = p.goals_attained in ("Yes", "Y")
        cand_m, coach_m = counted[(p.key, "candidate")], counted[(p.key, "coach")]
        codes, reasons = [], coach_reasons(p)
        codes += ["COACH-NOT-QUALIFIED"] * len(reasons)
        if p.key in concurrent:
            codes.append("COACH-CONCURRENT")
        req = REQUEST_BY_CAND.get(p.cand)
        enrolled = req is not None and req.enrolled is not None and req.enrolled <= req.date
        if not enrolled:
            codes.append("CANDIDATE-NOT-ENROLLED")
        if p.key in repeat:
            codes.append("CANDIDATE-REPEAT")
        if p.pm is None and (as_of - p.assigned).days > 30:
            codes.append("PAIR-NOT-STARTED")
        recent = [d for d in coach_entries_by_pair[p.key] if 0 <= (as_of - d).days < 30]
        if status == "Active" and p.pm and (as_of - p.pm).days > 30 and not recent:
            codes.append("PAIR-INACTIVE")
        short = cand_m < CANDIDATE_MIN or coach_m < COACH_MIN
        if status == "Active" and p.pm and 0 <= (p.deadline - as_of).days <= 30 and short:
            codes.append("PAIR-AT-RISK")
        overdue = p.pm is not None and ((status == "Active" and p.deadline < as_of)
                                        or (p.completion is not None and p.completion > p.deadline))
        if overdue:
            codes.append("PAIR-OVERDUE")
        if p.completion and p.pm and p.completion < add_months(p.pm, 2):
            codes.append("PAIR-TOO-SHORT")
        if (status == "Completed" or goals) and cand_m < CANDIDATE_MIN:
            codes.append("COMPLETION-HOURS-SHORT")
        completion_eligible = (cand_m >= CANDIDATE_MIN and goals and not reasons and enrolled
                               and p.key not in concurrent and p.key not in repeat and p.pm is not None
                               and (p.completion or as_of) <= p.deadline)
        if p.payment_request and coach_m < COACH_MIN:
            codes.append("PAYMENT-CONTACT-SHORT")
        if p.payment_request and not completion_eligible:
            codes.append("PAYMENT-NOT-COMPLETE")
        payment_eligible = (completion_eligible and coach_m >= COACH_MIN and counted_coach_rows[p.key] > 0
                            and p.payment_request is not None)
        assert sorted(codes) == sorted(p.expect), (p.key, codes, p.expect)
        cand, coach = P[p.cand], P[p.coach]
        pairs_out.append({
            "pair": p.key, "candidate_id": cand.id, "candidate_name": cand.name, "coach_id": coach.id,
            "coach_name": coach.name, "status": status, "target_grade": target(p),
            "planning_meeting_date": p.pm.isoformat() if p.pm else None,
            "deadline": p.deadline.isoformat() if p.deadline else None,
            "completion_date": p.completion.isoformat() if p.completion else None,
            "payment_request_date": p.payment_request.isoformat() if p.payment_request else None,
            "candidate_minutes": cand_m, "coach_contact_minutes": coach_m,
            "candidate_hours": round(cand_m / 60, 2), "coach_contact_hours": round(coach_m / 60, 2),
            "completion_eligible": completion_eligible, "payment_eligible": payment_eligible,
            "rules": sorted(codes), "coach_not_qualified_reasons": reasons, "scenario": p.scenario,
            "program": "itss-coaching", "program_as_typed": None,
            "assignment": {"file": "Assignments and Planning.xlsx", "sheet": "Assignments"},
        })
        if payment_eligible:
            payments.append({"pair": p.key, "candidate_id": cand.id, "candidate_name": cand.name, "coach_id": coach.id,
                             "coach_name": coach.name, "start_date": p.pm.isoformat(),
                             "end_date": max(p.completion, last_counted.get(p.key, p.completion)).isoformat(), "coach_contact_hours": round(coach_m / 60, 2),
                             "candidate_hours": round(cand_m / 60, 2), "amount": STIPEND})
        if status == "Completed" and completion_eligible:
            sup = P[cand.supervisor]
            certificates.append({"pair": p.key, "candidate_id": cand.id, "coach_id": coach.id,
                                 "send_to": f"{sup.name} ({sup.id})", "copies_to": [cand.name, coach.name]})

    # ---- the district's pairs (SPEC §2a)
    district_pairs, coach_findings, pair_cells = judge_district(as_of, district_meetings)
    pairs_out += district_pairs

    # ---- file, sheet and roster findings
    findings.append({"rule": "FILE-DUPLICATE", "severity": "warning", "file": COPY_NAME, "sheet": "", "cell": "",
                     "row_first_cell": "", "candidate_id": "", "coach_id": "",
                     "note": "byte-identical to Coach Log - Jordan Reyes.xlsx: read once",
                     "alternatives": [{"file": "Coach Log - Jordan Reyes.xlsx", "sheet": "", "cell": ""}]})
    findings.append({"rule": "SHEET-UNRECOGNIZED", "severity": "info", "file": "Roster 2026.xlsx", "sheet": "Notes",
                     "cell": "", "row_first_cell": "", "candidate_id": "", "coach_id": "",
                     "note": "free-text notes, no table"})
    findings.append({"rule": "ID-DUPLICATE", "severity": "error", "file": "Roster 2026.xlsx", "sheet": "Employees",
                     "cell": ROSTER_DUP["second"], "row_first_cell": ROSTER_DUP["second"], "candidate_id": "",
                     "coach_id": "", "note": f"employee ID {P['E1'].id} ({P['E1'].name}) appears twice",
                     "alternatives": [{"file": "Roster 2026.xlsx", "sheet": "Employees", "cell": ROSTER_DUP["first"]}]})
    for f in findings:
        if f["rule"] == "ID-UNKNOWN":
            f["also_allowed"] = ["LOG-NO-ASSIGNMENT"]
        if f["file"] == "Coach Log - Jordan Reyes.xlsx":
            f.setdefault("alternatives", []).append({"file": COPY_NAME, "sheet": f["sheet"], "cell": f["cell"]})
    findings.sort(key=lambda f: (file_order(f["file"]), f["sheet"], f["rule"], f["cell"]))

    planted = sorted((e.plant, e.file, e.sheet) for e in ALL_ENTRIES if e.plant)
    found = sorted((f["rule"], f["file"], f["sheet"]) for f in findings if f["rule"] not in
                   ("FILE-DUPLICATE", "SHEET-UNRECOGNIZED", "ID-DUPLICATE", "LOG-TOTAL-MISMATCH"))
    assert planted == found, (planted, found)
    findings += pair_cells + district_cell_findings()
    findings.sort(key=lambda f: (file_order(f["file"]), f["sheet"], f["rule"], f["cell"]))

    later = []  # job-embedded pairs judged at REVIEW_AS_OF, and whether a review is short then
    for dp in DISTRICT:
        if dp.program == "job-embedded" and judged(dp):
            later.append({"pair": dp.key, "candidate_id": P[dp.cand].id, "coach_id": P[dp.coach].id,
                          "reviews_short": agreement_reviews_short(dp, REVIEW_AS_OF)})
    codes_seen = ({f["rule"] for f in findings} | {c for p in pairs_out for c in p["rules"]}
                  | {f["rule"] for f in coach_findings}
                  | ({"AGREEMENT-REVIEWS-SHORT"} if any(x["reviews_short"] for x in later) else set()))
    new_codes = ["MENTOR-NOT-ELIGIBLE", "MENTEE-NOT-ELIGIBLE", "AGREEMENT-MISSING", "MONTH-OVER-LIMIT",
                 "LOG-MONTH-MISSING", "RELATIONSHIP-EXPIRED", "COACH-NOT-QUALIFIED", "COACH-OVER-CAPACITY",
                 "COMMITMENT-DUE", "COACH-INACTIVE", "FEEDBACK-MISSING", "AGREEMENT-LATE", "AGREEMENT-REVIEWS-SHORT",
                 "PHASE-OUT-OF-ORDER", "PHASE-MISSING", "MEETING-GAP"]
    assert not set(new_codes) - codes_seen, set(new_codes) - codes_seen

    inputs = []
    for b in sorted(BOOKS, key=lambda b: file_order(b.name)):
        inputs.append({"file": b.name, "sheets": b.sheets})
    jordan = next(i for i in inputs if i["file"] == "Coach Log - Jordan Reyes.xlsx")
    inputs.append({"file": COPY_NAME, "duplicate_of": jordan["file"], "sheets": jordan["sheets"]})
    inputs.sort(key=lambda i: file_order(i["file"]))

    return {
        "as_of": as_of.isoformat(),
        "program": "itss-coaching",
        "about": "Hand-checked expected outcome of `coaching-batch run sample_workbooks --as-of 2026-11-20` "
                 "(written by scripts/make_samples.py). Hours are counted minutes / 60. Each pair has its 'program' "
                 "(the Program value as typed when it names no program). Pair 'rules' lists every "
                 "pair-level finding expected on the pair, no more and no fewer (COACH-NOT-QUALIFIED, "
                 "MENTOR-NOT-ELIGIBLE and MENTEE-NOT-ELIGIBLE once per failed reason, MONTH-OVER-LIMIT and "
                 "LOG-MONTH-MISSING once per month, FEEDBACK-MISSING once per role, PHASE-* once per phase, "
                 "MEETING-GAP once per gap); pair-level findings have no cell, except AGREEMENT-MISSING, which "
                 "points at the pair's Agreement Date cell, and the codes of 'pair_rules_at_entries', which point at "
                 "the log entry or milestone concerned (listed in 'row_findings' too). 'coach_findings' are findings about a coach, not a "
                 "pair (candidate_id blank). 'later_run' is a second run of the same inbox just after the first "
                 "Agreement Review due date (none is due by the demo date). "
                 "'row_findings' lists the findings planted in rows, sheets and files: 'cell' is "
                 "the offending cell, 'row_first_cell' the first cell of its row (either is acceptable); "
                 "'alternatives' are other places the same finding may be reported, depending on which of two "
                 "identical files or entries is read first; 'also_allowed' are codes an implementation may add "
                 "for the same row. Files are assumed read in name order.",
        "pairs": pairs_out,
        "payments": payments,
        "payment_total": STIPEND * len(payments),
        "certificates": certificates,
        "row_findings": findings,
        "not_flagged": {
            "total_hours_footers_that_match": [{"file": f["file"], "sheet": f["sheet"], "cell": f["label_cell"]}
                                               for f in FOOTERS_OK],
            "continued_on_next_page_rows": [{"file": "Coach Log - Grace Kim.xlsx", "sheet": "Oscar Diaz"}],
        },
        "coach_findings": coach_findings,
        "pair_rules_at_entries": ["MONTH-OVER-LIMIT", "PHASE-OUT-OF-ORDER", "PHASE-MISSING"],
        "later_run": {"as_of": REVIEW_AS_OF.isoformat(), "rule": "AGREEMENT-REVIEWS-SHORT",
                      "note": "review due dates 12/15 and 4/15: one is due by this date", "job_embedded_pairs": later},
        "severities": {code: SEVERITY[code] for code in sorted(codes_seen)},
        "programs": {name: {"title": title, "pairs": sum(p["program"] == name for p in pairs_out),
                            "completion_eligible": sum(p["program"] == name and p["completion_eligible"]
                                                       for p in pairs_out)}
                     for name, title in TITLES.items()},
        "rule_codes_not_exercised": ["FILE-UNREADABLE", "SHEET-MISSING-COLUMN", "TABLE-MISSING", "NAME-AMBIGUOUS",
                                     "PAYMENT-ALREADY-PAID (needs a second run on the same state)",
                                     "AGREEMENT-REVIEWS-SHORT at the demo date (no review is due by 11/20; see "
                                     "later_run)"],
        "inputs": inputs,
    }


FOOTERS_OK: list[dict] = []


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.xlsx"):
        old.unlink()
    write_roster()
    write_recommendations()
    write_requests()
    write_assignments()
    write_coach_logs()
    write_candidate_logs()
    write_mentoring()
    write_reps()
    write_job_embedded()
    shutil.copyfile(OUT / "Coach Log - Jordan Reyes.xlsx", OUT / COPY_NAME)
    expected = compute()
    (OUT / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(BOOKS) + 1} workbooks and expected.json to {OUT.relative_to(ROOT)}/")
    for p in expected["pairs"]:
        flags = ("C" if p["completion_eligible"] else "-") + ("P" if p["payment_eligible"] else "-")
        print(f"  {p['pair']:<4} {p['program'][:12]:<12} {p['candidate_name']:<18} {p['coach_name']:<16} {p['status']:<10} "
              f"{p['candidate_hours']:>6.2f} {p['coach_contact_hours']:>6.2f} {flags} {' '.join(p['rules'])}")
    print(f"  payments: {len(expected['payments'])} = ${expected['payment_total']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
