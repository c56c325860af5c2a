"""Job-Embedded Coaching (SPEC §2a): the partnership agreement of the school year and its reviews,
the phases of the coaching relationship in order, and regular meetings."""

from __future__ import annotations

import pandas as pd

from ..findings import finding
from ..policy import MeetingGap, PartnershipAgreement, Phases, SchoolYear, month_day
from .dates import day_text, days_text, due_text, month_day_in
from .judgement import Context, Judgement
from .pairs import pair_finding, pair_records
from .periods import school_year_start


def _school_year(context: Context) -> SchoolYear:
    return context.policy.section("school_year") or SchoolYear()


def _year_start(context: Context) -> pd.Timestamp:
    return school_year_start(_school_year(context), context.as_of)


def _milestones(pairs: pd.DataFrame, context: Context, since: pd.Series) -> pd.DataFrame:
    """The milestones of these pairs, each with its pair number: those of its two people dated from
    ``since`` (by pair) on, each with the last day of the pair's own (`_until`, see :func:`_own`): a
    later one is told of, not used. The same two people coached again in a later school year are
    another pair, with milestones of its own."""
    keyed = pairs[["candidate_id", "coach_id", "pair"]].assign(_since=since, _until=_until(pairs, context))
    milestones = context.tables["milestones"].merge(keyed, on=["candidate_id", "coach_id"])
    return milestones[milestones["date"] >= milestones["_since"]].sort_values(["pair", "date", "_row"], kind="stable")


def _of_an_earlier_year(pairs: pd.DataFrame, context: Context, since: pd.Series, phases) -> dict[tuple[int, str], pd.Timestamp]:
    """(pair number, phase) → the latest milestone of ``phases`` of its two people dated before ``since``
    (by pair: the start of its school year), and after the same two people's previous coaching completed:
    recorded, but of an earlier school year (SPEC §2a), so left out; its message names it, as
    LOG-EARLIER-YEAR names a log's entries of an earlier school year, for the coordinator sees it dated."""
    keyed = pairs[["candidate_id", "coach_id", "pair"]].assign(
        _since=since, _from=_after_the_previous(pairs, context))
    milestones = context.tables["milestones"].merge(keyed, on=["candidate_id", "coach_id"])
    earlier = milestones[milestones["phase"].isin(phases) & (milestones["date"] < milestones["_since"])
                         & ~(milestones["date"] < milestones["_from"])]  # no previous coaching: none left out
    return earlier.groupby(["pair", "phase"])["date"].max().to_dict()


def _own(milestones: pd.DataFrame) -> pd.DataFrame:
    """Of :func:`_milestones`, each pair's own: those dated up to its `_until`."""
    return milestones[milestones["date"] <= milestones["_until"]]


def _until(pairs: pd.DataFrame, context: Context) -> pd.Series:
    """The last day of each pair's milestones: as-of, not the completion date (an agreement signed
    or a phase dated after the last meeting is the pair's, SPEC §2a) — unless the same two people
    began again after it was completed: then the day before the next coaching's milestones begin
    (the start of the school year it started in, and never before this one's completion)."""
    as_of = context.as_of
    others = _same_two_people(pairs, context)
    if others is None:
        return pd.Series(as_of, index=pairs.index, dtype="datetime64[ns]")
    again = others[others["_start"] > others["completion_date"]]
    first_again = again.groupby("_pair").agg(next_start=("_start", "min"), completed=("completion_date", "first"))
    school_year = _school_year(context)
    next_from = first_again["next_start"].map(lambda start: school_year_start(school_year, start))
    until = (next_from - pd.Timedelta(days=1)).combine(first_again["completed"], max).reindex(pairs.index)
    return until.where(until < as_of, as_of)


# the meeting was held: the finding's usual fix (hold it and record it) does not apply
_HELD_LATE = ("Check the date of the pair's Agreement milestone; if it is right, the agreement meeting was held late: "
              "record why with the pair's paperwork.")
# a coaching completed: nothing is left to hold, only what was held to record
_COMPLETED_WITHOUT_AGREEMENT = ("The coaching is completed: if its partnership agreement meeting was held, record it in the "
                                "milestones (Phase Agreement) with its date; if not, record why with the pair's paperwork.")
_COMPLETED_WITHOUT_REVIEWS = ("The coaching is completed: record in the milestones (Phase Agreement Review) the reviews of "
                              "the partnership agreement that were held.")


def judge_partnership_agreement(pairs: pd.DataFrame, agreement: PartnershipAgreement, context: Context) -> Judgement:
    """AGREEMENT-LATE (blocks completion) and AGREEMENT-REVIEWS-SHORT, for the current school year."""
    judgement = Judgement()
    as_of, year_start = context.as_of, _year_start(context)
    this_year = _milestones(pairs, context, since=pd.Series(year_start, index=pairs.index))
    own = _own(this_year)
    signed = own[own["phase"] == "Agreement"].groupby("pair")["date"].min()
    # one review a day: a review entered twice (two rows, or two files) does not stand for the next one due
    reviews = own[own["phase"] == "Agreement Review"].groupby("pair")["date"].nunique()
    agreements = this_year[this_year["phase"] == "Agreement"]
    # an Agreement dated before the school year (31 July for 1 August): recorded, of the earlier school year
    earlier = _of_an_earlier_year(pairs, context, pd.Series(year_start, index=pairs.index), ["Agreement"])
    # an Agreement dated after as-of, or the same two people's next coaching's: recorded, not this pair's
    later = (agreements[agreements["date"] > agreements["_until"]]
             .groupby("pair").agg(date=("date", "min"), until=("_until", "first")))
    review_dates = []
    for text in agreement.review_due:
        month, day = month_day(text, "partnership_agreement", "review_due")
        due = month_day_in(year_start.year, month, day)
        review_dates.append(due if due >= year_start else month_day_in(year_start.year + 1, month, day))
    review_dates.sort()  # in the order they fall in the school year, whatever the policy's order
    judged = pairs[pairs["judged"]]
    judgement.need("milestones", judged.index)
    for i, pair in zip(judged.index, pair_records(judged, "start", "status", "completion_date")):
        start = pair["start"]
        due_from = year_start if pd.isna(start) or start < year_start else start
        due = due_from + pd.Timedelta(days=agreement.due_days)
        what = "the start of the school year" if due_from == year_start else "the pair's start"
        dated = signed.get(i, pd.NaT)
        if pd.notna(dated) and dated > due:
            judgement.blocks(i, f"partnership agreement late ({day_text(dated)}, due by {day_text(due)})")
            judgement.findings.append(pair_finding("AGREEMENT-LATE", pair,
                f"Partnership agreement dated {day_text(dated)}, {days_text((dated - due_from).days)} after {what} "
                f"{day_text(due_from)}; due {due_text(agreement.due_days)} (by {day_text(due)})", fix=_HELD_LATE))
        elif pd.isna(dated) and as_of > due:
            fix = _COMPLETED_WITHOUT_AGREEMENT if pair["status"] == "Completed" else None
            if i not in later.index and (i, "Agreement") in earlier:
                recorded = earlier[i, "Agreement"]
                none = (f"No partnership agreement recorded this school year, which starts {day_text(year_start)}: the one "
                        f"recorded is dated {day_text(recorded)}, of an earlier school year")
                judgement.blocks(i, f"no partnership agreement this school year (due by {day_text(due)}, the one recorded "
                                    f"dated {day_text(recorded)} is of an earlier school year)")
                fix = (f"Check the date of the Agreement milestone dated {day_text(recorded)}: if it is this school year's "
                       f"agreement, correct its date; if it is right, it is the earlier school year's: "
                       + ("record this school year's agreement meeting, if held, in the milestones (Phase Agreement) "
                          "with its date, or why there was none with the pair's paperwork." if fix else
                          "hold this school year's partnership agreement meeting and record it in the milestones "
                          "(Phase Agreement)."))
            elif i not in later.index:
                none = "No partnership agreement recorded this school year"
                judgement.blocks(i, f"no partnership agreement this school year (due by {day_text(due)})")
            else:  # recorded, but not this pair's: say so, not that there is none
                recorded, ends = later.at[i, "date"], later.at[i, "until"]
                by = f"the as-of date {day_text(as_of)}" if ends == as_of else day_text(ends)
                whose = ("after it" if ends == as_of else "the same two people's next coaching's (its milestones "
                         f"count from {day_text(ends + pd.Timedelta(days=1))})")
                none = f"No partnership agreement dated by {by}: the one recorded is dated {day_text(recorded)}, {whose}"
                # no "; " inside a reason: the reasons are joined with it, and run.json splits them there
                judgement.blocks(i, f"no partnership agreement by {by} (due by {day_text(due)}, "
                                    f"the one recorded dated {day_text(recorded)})")
            judgement.findings.append(pair_finding("AGREEMENT-LATE", pair,
                f"{none}; it was due {due_text(agreement.due_days, f'{what} {day_text(due_from)}')} (by {day_text(due)})",
                fix=fix))
        elif pd.isna(dated):  # not late yet, but a pair without one is not complete (SPEC §2a: the agreement on time)
            judgement.blocks(i, f"no partnership agreement recorded yet (due by {day_text(due)})")
        until = as_of if pd.isna(pair["completion_date"]) else min(as_of, pair["completion_date"])
        passed = [d for d in review_dates if due < d <= until]  # no review is owed of an agreement not yet due
        held = int(reviews.get(i, 0))
        if held < len(passed):
            judgement.findings.append(pair_finding("AGREEMENT-REVIEWS-SHORT", pair,
                f"{held} of {len(passed)} reviews of the partnership agreement recorded this school year "
                f"(due {', '.join(day_text(d) for d in passed)})",
                fix=_COMPLETED_WITHOUT_REVIEWS if pair["status"] == "Completed" else
                    f"Review the partnership agreement with the {context.policy.words.candidate} and record it in the "
                    f"milestones (Phase Agreement Review)."))
    return judgement


def judge_phases(pairs: pd.DataFrame, phases: Phases, context: Context) -> Judgement:
    """PHASE-OUT-OF-ORDER and PHASE-MISSING (warnings); every phase dated in order is needed for completion.
    A pair's phases are those dated from the start of the school year it started in (a phase may be
    reached a little before its planning meeting) up to as-of, its completion date no end to them
    (see :func:`_until`)."""
    judgement = Judgement()
    order = phases.order
    in_order = f"Check the phase dates: {_listed(order)} come in that order."  # the policy's order, not the preset's
    school_year, year_start = _school_year(context), _year_start(context)
    pair_year_start = pairs["start"].map(lambda start: school_year_start(school_year, start), na_action="ignore")
    since = pair_year_start.fillna(year_start).combine(_after_the_previous(pairs, context), max)
    cycle = _milestones(pairs, context, since=since)
    cycle = cycle[cycle["phase"].isin(order)]
    milestones = _own(cycle)  # the pair's own cycle
    # a phase dated only after as-of (of a pair whose milestones run to as-of, not to a next coaching's):
    # not reached yet, but recorded, and PHASE-MISSING says so
    ahead = cycle[(cycle["date"] > context.as_of) & (cycle["_until"] == context.as_of)]
    ahead = ahead.drop_duplicates(["pair", "phase"], keep="first")
    earlier_year = _of_an_earlier_year(pairs, context, since, order)
    dated_ahead = {(row["pair"], row["phase"]): row["date"] for row in ahead[["pair", "phase", "date"]].to_dict("records")}
    first = milestones.drop_duplicates(["pair", "phase"], keep="first")  # sorted by date: each phase's earliest
    by_pair: dict[int, dict[str, dict]] = {}
    for milestone in first[["pair", "phase", "date", "_src", "_row"]].to_dict("records"):
        by_pair.setdefault(milestone["pair"], {})[milestone["phase"]] = milestone
    judged = pairs[pairs["judged"]]
    judgement.need("milestones", judged.index)
    for i, pair in zip(judged.index, pair_records(judged)):
        dated = by_pair.get(i, {})
        out_of_order = False
        for k, phase in enumerate(order):
            if phase not in dated:
                continue
            here = dated[phase]
            for earlier in order[:k]:
                if earlier in dated and here["date"] < dated[earlier]["date"]:
                    out_of_order = True
                    judgement.findings.append(_at_milestone("PHASE-OUT-OF-ORDER", here, pair, context,
                        f"{phase} dated {day_text(here['date'])}, before {earlier} dated {day_text(dated[earlier]['date'])}",
                        fix=in_order, topic=earlier))
        reached = [k for k, phase in enumerate(order) if phase in dated]
        if reached:
            latest = order[max(reached)]
            for earlier in order[: max(reached)]:
                if earlier not in dated:
                    later, before = dated_ahead.get((i, earlier)), earlier_year.get((i, earlier))
                    none = (f"{earlier} has no date by the as-of date {day_text(context.as_of)} (the one recorded is dated {day_text(later)})"
                            if later is not None else
                            f"{earlier} has no date this school year (the one recorded is dated {day_text(before)}, before "
                            f"{day_text(since[i])}: of an earlier school year)" if before is not None else f"{earlier} has no date")
                    judgement.findings.append(_at_milestone("PHASE-MISSING", dated[latest], pair, context,
                        f"{none}, but {latest} is dated {day_text(dated[latest]['date'])}", topic=earlier))
        missing = [phase for phase in order if phase not in dated]
        if missing:
            before = [f"{phase} dated {day_text(earlier_year[i, phase])}" for phase in missing if (i, phase) in earlier_year]
            of_earlier = f" ({', '.join(before)}: of an earlier school year, before {day_text(since[i])})" if before else ""
            judgement.blocks(i, f"phase{'s' if len(missing) > 1 else ''} not dated: {', '.join(missing)}{of_earlier}")
        if out_of_order:
            judgement.blocks(i, "phases out of order")
    return judgement


def _after_the_previous(pairs: pd.DataFrame, context: Context) -> pd.Series:
    """The day after the same two people's latest assignment completed before this pair began (NaT for
    none), from every assignment, judged this year or not: the milestones (kept by the two people, not
    by pair) of a coaching completed are its own, never the next one's (begun in July, or twice in one
    school year)."""
    others = _same_two_people(pairs, context)
    if others is None:
        return pd.Series(pd.NaT, index=pairs.index, dtype="datetime64[ns]")
    before = others[others["_completed"] < others["start"]]
    latest = before.groupby("_pair")["_completed"].max()
    return (latest + pd.Timedelta(days=1)).reindex(pairs.index)


def _same_two_people(pairs: pd.DataFrame, context: Context) -> pd.DataFrame | None:
    """Each pair (`_pair`, with its `start` and `completion_date`) beside every assignment of its two
    people, judged this year or not (its `_start`, planning meeting else assigned date, and
    `_completed`); None when nobody is coached twice (nothing to look at)."""
    every = context.tables["assignments"]
    if not every.duplicated(["candidate_id", "coach_id"]).any():
        return None
    assignments = every[["candidate_id", "coach_id"]].assign(
        _start=every["planning_meeting_date"].fillna(every["assigned_date"]), _completed=every["completion_date"])
    these = pairs[["candidate_id", "coach_id", "start", "completion_date"]].reset_index(names="_pair")
    return these.merge(assignments, on=["candidate_id", "coach_id"])


def _listed(phases: list[str]) -> str:
    """Phases as a sentence lists them: 'Orientation, Relationship, Goals and Ongoing Support'."""
    return " and ".join([", ".join(phases[:-1]), phases[-1]]) if len(phases) > 1 else "".join(phases)


def _at_milestone(rule: str, milestone: dict, pair: dict, context: Context, message: str, *, fix: str | None = None,
                  topic: str = ""):
    """A finding at a milestone row's Date cell (with the catalogue's fix unless ``fix`` is given);
    ``topic`` tells apart several of one rule at that cell (the earlier phase each is about)."""
    source = context.tables.sources[int(milestone["_src"])]
    return finding(rule, message, file=source.file, sheet=source.sheet, cell=context.tables.cell(milestone["_src"], milestone["_row"], "date"),
                   candidate_id=pair["candidate_id"], coach_id=pair["coach_id"], program=pair["program"], fix=fix, topic=topic)


def judge_meeting_gap(pairs: pd.DataFrame, gap: MeetingGap, context: Context) -> Judgement:
    """MEETING-GAP on an Active pair: consecutive meetings this school year more than so many days
    apart, or the latest meeting that long before as-of, however long ago (counted from the first
    meeting: a pair that has never met has no gap; an entry before its start and the school year is
    none of its meetings)."""
    judgement = Judgement()
    as_of = context.as_of
    fix = (f"Meet regularly: schedule the next {context.policy.words.activity} meeting and keep the collaborative log "
           f"up to date.")
    active = pairs[pairs["status"].eq("Active") & pairs["judged"]]
    counted = context.counted
    meetings = counted.loc[(counted["kind"] == "coach_log") & counted["pair"].isin(active.index), ["pair", "date"]]
    meetings = meetings.drop_duplicates().sort_values(["pair", "date"])
    previous = meetings.groupby("pair")["date"].shift()
    apart = (meetings["date"] - previous).dt.days
    spaced = meetings.assign(previous=previous, days=apart)
    long_gaps = spaced[spaced["days"] > gap.max_days]
    for row in long_gaps.to_dict("records"):
        judgement.findings.append(pair_finding("MEETING-GAP", active.loc[row["pair"]],
            f"No meeting between {day_text(row['previous'])} and {day_text(row['date'])}: {days_text(int(row['days']))}, "
            f"more than {days_text(gap.max_days)}", topic=f"after {day_text(row['previous'])}", fix=fix))
    latest = context.latest_meetings(active)  # in this school year or before it
    # an entry before both the school year and the pair's own start is no meeting of the pair's to run from
    latest = latest[~((latest < _year_start(context)) & (latest < active.loc[latest.index, "start"]))]
    for i, last in latest.items():
        if (as_of - last).days > gap.max_days:
            judgement.findings.append(pair_finding("MEETING-GAP", active.loc[i],
                f"Latest meeting on {day_text(last)}, {days_text((as_of - last).days)} before {day_text(as_of)}: "
                f"more than {days_text(gap.max_days)}", topic="since the latest meeting", fix=fix))
    return judgement
