"""Job-Embedded Coaching (SPEC §2a): the partnership agreement of the school year and its reviews,
the phases of the coaching relationship in order, and regular meetings."""

from __future__ import annotations

import pandas as pd

from ..findings import finding
from ..policy import MeetingGap, PartnershipAgreement, Phases, SchoolYear, month_day
from .dates import day_text, month_day_in
from .judgement import Context, Judgement
from .pairs import pair_finding
from .periods import school_year_start


def _school_year(context: Context) -> SchoolYear:
    return context.policy.section("school_year") or SchoolYear()


def _year_start(context: Context) -> pd.Timestamp:
    return school_year_start(_school_year(context), context.as_of)


def _milestones(pairs: pd.DataFrame, context: Context, since: pd.Series) -> pd.DataFrame:
    """The milestones of these pairs, each with its pair number: those of its two people dated from
    ``since`` (by pair) up to its completion date and as-of. The same two people coached again in a
    later school year are another pair, with milestones of its own."""
    as_of = context.as_of
    until = pairs["completion_date"].where(pairs["completion_date"] < as_of, as_of)
    keyed = pairs[["candidate_id", "coach_id", "pair"]].assign(_since=since, _until=until)
    milestones = context.tables["milestones"].merge(keyed, on=["candidate_id", "coach_id"])
    within = (milestones["date"] >= milestones["_since"]) & (milestones["date"] <= milestones["_until"])
    return milestones[within].sort_values(["pair", "date", "_row"], kind="stable")


def judge_partnership_agreement(pairs: pd.DataFrame, agreement: PartnershipAgreement, context: Context) -> Judgement:
    """AGREEMENT-LATE (blocks completion) and AGREEMENT-REVIEWS-SHORT, for the current school year."""
    judgement = Judgement()
    as_of, year_start = context.as_of, _year_start(context)
    this_year = _milestones(pairs, context, since=pd.Series(year_start, index=pairs.index))
    signed = this_year[this_year["phase"] == "Agreement"].groupby("pair")["date"].min()
    reviews = this_year[this_year["phase"] == "Agreement Review"].groupby("pair").size()
    review_dates = []
    for text in agreement.review_due:
        month, day = month_day(text, "partnership_agreement", "review_due")
        due = month_day_in(year_start.year, month, day)
        review_dates.append(due if due >= year_start else month_day_in(year_start.year + 1, month, day))
    for i, pair in zip(pairs[pairs["judged"]].index, pairs[pairs["judged"]].to_dict("records")):
        start = pair["start"]
        due_from = year_start if pd.isna(start) or start < year_start else start
        due = due_from + pd.Timedelta(days=agreement.due_days)
        what = "the start of the school year" if due_from == year_start else "the pair's start"
        dated = signed.get(i, pd.NaT)
        if pd.notna(dated) and dated > due:
            judgement.blocks(i, f"partnership agreement late ({day_text(dated)}, due by {day_text(due)})")
            judgement.findings.append(pair_finding("AGREEMENT-LATE", pair,
                f"Partnership agreement dated {day_text(dated)}, {(dated - due_from).days} days after {what} "
                f"{day_text(due_from)}; due within {agreement.due_days} days (by {day_text(due)})"))
        elif pd.isna(dated) and as_of > due:
            judgement.blocks(i, f"no partnership agreement this school year (due by {day_text(due)})")
            judgement.findings.append(pair_finding("AGREEMENT-LATE", pair,
                f"No partnership agreement recorded this school year; it was due within {agreement.due_days} days "
                f"of {what} {day_text(due_from)} (by {day_text(due)})"))
        until = as_of if pd.isna(pair["completion_date"]) else min(as_of, pair["completion_date"])
        passed = [d for d in review_dates if d <= until]
        held = int(reviews.get(i, 0))
        if held < len(passed):
            judgement.findings.append(pair_finding("AGREEMENT-REVIEWS-SHORT", pair,
                f"{held} of {len(passed)} reviews of the partnership agreement recorded this school year "
                f"(due {', '.join(day_text(d) for d in passed)})"))
    return judgement


def judge_phases(pairs: pd.DataFrame, phases: Phases, context: Context) -> Judgement:
    """PHASE-OUT-OF-ORDER and PHASE-MISSING (warnings); every phase dated in order is needed for completion.
    A pair's phases are those dated from the start of the school year it started in (a phase may be
    reached a little before its planning meeting) up to its completion date and as-of."""
    judgement = Judgement()
    order = phases.order
    in_order = f"Check the phase dates: {_listed(order)} come in that order."  # the policy's order, not the preset's
    school_year, year_start = _school_year(context), _year_start(context)
    pair_year_start = pairs["start"].map(lambda start: school_year_start(school_year, start), na_action="ignore")
    since = pair_year_start.fillna(year_start).combine(_after_the_previous(pairs, context), max)
    milestones = _milestones(pairs, context, since=since)  # the pair's own cycle
    milestones = milestones[milestones["phase"].isin(order)]
    first = milestones.drop_duplicates(["pair", "phase"], keep="first")  # sorted by date: each phase's earliest
    by_pair: dict[int, dict[str, dict]] = {}
    for milestone in first[["pair", "phase", "date", "_src", "_row"]].to_dict("records"):
        by_pair.setdefault(milestone["pair"], {})[milestone["phase"]] = milestone
    for i, pair in zip(pairs[pairs["judged"]].index, pairs[pairs["judged"]].to_dict("records")):
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
                    judgement.findings.append(_at_milestone("PHASE-MISSING", dated[latest], pair, context,
                        f"{earlier} has no date, but {latest} is dated {day_text(dated[latest]['date'])}", topic=earlier))
        missing = [phase for phase in order if phase not in dated]
        if missing:
            judgement.blocks(i, f"phase{'s' if len(missing) > 1 else ''} not dated: {', '.join(missing)}")
        if out_of_order:
            judgement.blocks(i, "phases out of order")
    return judgement


def _after_the_previous(pairs: pd.DataFrame, context: Context) -> pd.Series:
    """The day after the same two people's latest assignment completed before this pair began (NaT for
    none), from every assignment, judged this year or not: the milestones (kept by the two people, not
    by pair) of a coaching completed are its own, never the next one's (begun in July, or twice in one
    school year)."""
    every = context.tables["assignments"]
    if not every.duplicated(["candidate_id", "coach_id"]).any():  # nobody coached twice: nothing to look back at
        return pd.Series(pd.NaT, index=pairs.index, dtype="datetime64[ns]")
    assignments = every[["candidate_id", "coach_id", "completion_date"]].dropna()
    began = pairs[["candidate_id", "coach_id", "start"]].reset_index(names="_pair")
    both = began.merge(assignments, on=["candidate_id", "coach_id"])
    before = both[both["completion_date"] < both["start"]]
    latest = before.groupby("_pair")["completion_date"].max()
    return (latest + pd.Timedelta(days=1)).reindex(pairs.index)


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
    meeting: a pair that has never met has no gap)."""
    judgement = Judgement()
    as_of = context.as_of
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
            f"No meeting between {day_text(row['previous'])} and {day_text(row['date'])}: {int(row['days'])} days, "
            f"more than {gap.max_days}", topic=f"after {day_text(row['previous'])}"))
    latest = context.latest_meetings(active)  # in this school year or before it
    for i, last in latest.items():
        if (as_of - last).days > gap.max_days:
            judgement.findings.append(pair_finding("MEETING-GAP", active.loc[i],
                f"Latest meeting on {day_text(last)}, {(as_of - last).days} days before {day_text(as_of)}: "
                f"more than {gap.max_days} days", topic="since the latest meeting"))
    return judgement
