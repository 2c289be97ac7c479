#!/usr/bin/env python3
"""Upper bound and exact-model reference for a Sepadan scheduling instance.

Reads an instance written by `sepadan bench scheduling --write-instance FILE` or given to
`sepadan schedule-solve` (format in docs/scheduling.md), optionally the schedule written by `--write-schedule`,
and prints one JSON line. Not part of `cargo test`.

    python3 bench/lp_bound.py [--no-travel] INSTANCE.json [SCHEDULE.json]
    python3 bench/lp_bound.py --cp-sat SECONDS [--hint] [--write-schedule OUT.json] INSTANCE.json [SCHEDULE.json]

Requirements: `pip install highspy numpy` for the LP bound, `pip install ortools` for `--cp-sat`.

The integer model has a 0/1 variable x[r,s,v] per request r, slot s in which all its parties are
available (and have a daily cap above zero), and venue v open in s (a slot's `venues`, every
venue when absent) with at least one table (one-to-one) or room (group meeting). Seats are
interchangeable, so a count per (slot, venue, kind) stands for the seat numbers. Rows:
  request        sum over (s, v) of x[r,s,v] <= 1
  seats          sum over requests of a kind of x[r,s,v] <= tables or rooms of v
  busy           per participant p and slot s: z[p,s] <= 1, where z[p,s] sums x over p's
                 requests in slot s and z[p,s,v] over those at venue v
  break          with min_break_slots = k > 0, per participant and window of slots s..s+k of one
                 day: sum of z[p,t] <= 1 (any two meetings of a participant within k slots of
                 each other conflict, so every such window is a clique; only maximal windows are
                 written, and they replace the busy rows of their slots)
  day            per participant and day: meetings <= daily cap (left out where the participant
                 is available in no more slots that day than the cap: busy rows imply it)
  travel         per participant p, slots s + k < t <= s + travel_buffer_slots on one day, venue v:
                 z[p,s,v] + sum over w != v of z[p,t,w] <= 1, and with three or more venues also
                 sum over w != v of z[p,s,w] + z[p,t,v] <= 1 (with two venues these are exactly
                 the pairs of meetings the buffer forbids; with more they are stronger, still valid)
  fixed          a confirmed meeting's variable is fixed to 1
Rows that cannot bind are left out: a single variable with bound 1, seats no fewer than the
variables that could use them.

LP mode (default) solves the relaxation 0 <= x <= 1 with HiGHS interior point, without crossover,
after presolve. What it reports as `lp_bound` is not the solver's primal value but the Lagrangian
(dual) bound computed here from the solver's row duals y, clipped to y >= 0:
    sum_i b_i y_i + sum_j max(l_j d_j, u_j d_j),   d = c - A^T y,
which is a valid upper bound on the LP relaxation, hence on every schedule, for any y >= 0 —
whatever the solver's accuracy. `lp_primal` is HiGHS's own objective for comparison; the two
agree to the solver tolerance when it reaches optimality. `lp_status` is HiGHS's model status;
`columns`, `rows` and `nonzeros` give the model's size.

--no-travel leaves the travel rows out and, since venues then only differ by their seats, merges
the venues into one per slot with their tables and rooms summed (exact for that model): a weaker
bound (never below the LP bound), faster to compute.

--cp-sat SECONDS solves the integer model instead, with OR-Tools CP-SAT on 2 workers for at most
SECONDS. CP-SAT needs integer weights: each weight is multiplied by 1000 and rounded (exact for
the generated instances, whose weights have three decimals). It reports the best schedule's
objective in the instance's own weights (`cp_sat_objective`), CP-SAT's proven upper bound on the
scaled objective divided by 1000 (`cp_sat_bound`), the status (OPTIMAL or FEASIBLE) and the wall
time. --hint starts CP-SAT from SCHEDULE; --write-schedule writes its schedule in the format
`sepadan schedule-check` reads (seats numbered in order; unplaced requests listed with reason
`no_common_availability` when no variable exists for them, `capacity` otherwise).

With SCHEDULE, the output also has its `objective` and `share_of_lp_bound` (LP mode) or
`share_of_cp_sat` (CP-SAT mode). `seconds` is the script's wall time, model building included.
"""
import contextlib
import json
import os
import sys
import time
from collections import defaultdict

import numpy as np


def build(inst, travel=True):
    """Columns (request, slot, venue) and rows (upper bound, column indices) of the model.

    Without travel rows the venues are merged: column venue is -1 and the seat rows count the
    tables or rooms of all venues together.
    """
    slots, venues, people, requests = inst["slots"], inst["venues"], inst["participants"], inst["requests"]
    buffer = inst["travel_buffer_slots"]
    rest = inst.get("min_break_slots", 0)
    day_of = [s["day"] for s in slots]
    open_at = [set(range(len(venues))) if s.get("venues") is None else set(s["venues"]) for s in slots]
    available = [set(p["available"]) for p in people]
    free_per_day = []
    for p in people:
        count = defaultdict(int)
        for s in p["available"]:
            count[day_of[s]] += 1
        free_per_day.append(count)

    def seats(v, group):
        return venues[v]["rooms"] if group else venues[v]["tables"]

    def venue_choices(s, group):
        choices = [v for v in sorted(open_at[s]) if seats(v, group) > 0]
        return choices if travel else [-1] if choices else []

    columns = []
    index = {}
    for r, req in enumerate(requests):
        common = set.intersection(*(available[p] for p in req["parties"]))
        for s in sorted(common):
            if any(people[p]["daily_cap"] == 0 for p in req["parties"]):
                continue
            for v in venue_choices(s, req["group"]):
                index[(r, s, v)] = len(columns)
                columns.append((r, s, v))

    rows = []  # (upper, [columns])
    by_request = defaultdict(list)
    by_seat = defaultdict(list)
    by_busy = defaultdict(list)
    by_day = defaultdict(list)
    by_place = defaultdict(list)  # (p, s, v) -> columns
    for c, (r, s, v) in enumerate(columns):
        req = requests[r]
        by_request[r].append(c)
        by_seat[(s, v, req["group"])].append(c)
        for p in req["parties"]:
            by_busy[(p, s)].append(c)
            by_day[(p, day_of[s])].append(c)
            if travel:
                by_place[(p, s, v)].append(c)
    for cols in by_request.values():
        if len(cols) > 1:
            rows.append((1, cols))
    for (s, v, group), cols in by_seat.items():
        cap = seats(v, group) if v >= 0 else sum(seats(w, group) for w in open_at[s])
        if cap < len(cols):
            rows.append((cap, cols))
    covered = set()  # (p, s) inside a break window row, which implies its busy row
    if rest > 0:
        slots_of = defaultdict(list)
        for p, s in by_busy:
            slots_of[(p, day_of[s])].append(s)
        for (p, _), used in slots_of.items():
            used.sort()
            last = -1
            for i, s in enumerate(used):
                window = [t for t in used[i:] if t <= s + rest]
                if len(window) > 1 and window[-1] > last:
                    rows.append((1, [c for t in window for c in by_busy[(p, t)]]))
                    covered.update((p, t) for t in window)
                    last = window[-1]
    for key, cols in by_busy.items():
        if len(cols) > 1 and key not in covered:
            rows.append((1, cols))
    for (p, d), cols in by_day.items():
        if people[p]["daily_cap"] < free_per_day[p][d]:
            rows.append((people[p]["daily_cap"], cols))
    if travel:
        venue_count = len(venues)
        for (p, s, v), here in by_place.items():
            for t in range(s + 1 + rest, min(len(slots), s + buffer + 1)):
                if day_of[t] != day_of[s]:
                    break
                there = [c for w in range(venue_count) if w != v for c in by_place.get((p, t, w), ())]
                if there:
                    rows.append((1, here + there))
                if venue_count > 2:
                    there = by_place.get((p, t, v), [])
                    here_other = [c for w in range(venue_count) if w != v for c in by_place.get((p, s, w), ())]
                    if there and here_other:
                        rows.append((1, here_other + there))

    lower = np.zeros(len(columns))
    for f in inst.get("fixed", []):
        key = (f["request"], f["slot"], f["venue"] if travel else -1)
        if key not in index:
            raise SystemExit(f"confirmed meeting of request {f['request']} is in a slot or venue it cannot use")
        lower[index[key]] = 1.0
    weight = np.array([requests[r]["weight"] for r, _, _ in columns], dtype=float)
    return columns, rows, lower, weight


@contextlib.contextmanager
def quiet_stdout():
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def lagrangian_bound(rows, lower, weight, y):
    """max c x s.t. A x <= b, l <= x <= u=1 is at most b.y + sum_j max(l_j d_j, d_j), d = c - A^T y, y >= 0."""
    y = np.maximum(y, 0.0)
    lengths = np.array([len(cols) for _, cols in rows], dtype=np.int64)
    flat_cols = np.fromiter((c for _, cols in rows for c in cols), dtype=np.int64, count=int(lengths.sum()))
    flat_y = np.repeat(y, lengths)
    d = weight - np.bincount(flat_cols, weights=flat_y, minlength=len(weight))
    b = np.array([float(u) for u, _ in rows])
    return float(b @ y + np.maximum(lower * d, d).sum())


def lp_bound(inst, travel=True):
    import highspy

    columns, rows, lower, weight = build(inst, travel)
    n = len(columns)
    with quiet_stdout():  # HiGHS prints its banner to stdout on creation
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.setOptionValue("presolve", "on")
    h.addVars(n, lower, np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), -weight)
    starts, flat = [], []
    for _, cols in rows:
        starts.append(len(flat))
        flat.extend(cols)
    h.addRows(len(rows), np.full(len(rows), -highspy.kHighsInf), np.array([float(u) for u, _ in rows]),
              len(flat), np.array(starts, dtype=np.int32), np.array(flat, dtype=np.int32), np.ones(len(flat)))
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    # HiGHS minimises -c x; its row duals of <= rows are <= 0, the negated ones are the y >= 0 above.
    y = -np.array(h.getSolution().row_dual)
    bound = lagrangian_bound(rows, lower, weight, y)
    return {"lp_bound": bound, "lp_primal": -h.getInfo().objective_function_value, "lp_status": status,
            "columns": n, "rows": len(rows), "nonzeros": len(flat)}


def cp_sat(inst, seconds, hint=None):
    from ortools.sat.python import cp_model

    columns, rows, lower, weight = build(inst, travel=True)
    scaled = [int(round(w * 1000)) for w in weight]
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"x{c}") for c in range(len(columns))]
    for upper, cols in rows:
        if upper == 1:
            model.AddAtMostOne(x[c] for c in cols)
        else:
            model.Add(sum(x[c] for c in cols) <= upper)
    for c in np.flatnonzero(lower):
        model.Add(x[c] == 1)
    model.Maximize(sum(w * v for w, v in zip(scaled, x)))
    if hint is not None:
        placed = {(a["request"], a["slot"], a["venue"]) for a in hint["assignments"]}
        for c, key in enumerate(columns):
            model.AddHint(x[c], key in placed)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = float(seconds)
    status = solver.Solve(model)
    out = {"cp_sat_status": solver.StatusName(status), "cp_sat_time_limit": seconds,
           "cp_sat_wall_seconds": round(solver.WallTime(), 1), "columns": len(columns), "rows": len(rows)}
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return out, None
    chosen = [c for c in range(len(columns)) if solver.Value(x[c])]
    out["cp_sat_objective"] = float(sum(weight[c] for c in chosen))
    out["cp_sat_bound"] = solver.BestObjectiveBound() / 1000
    next_seat = defaultdict(int)
    assignments = []
    for c in chosen:
        r, s, v = columns[c]
        key = (s, v, inst["requests"][r]["group"])
        assignments.append({"request": r, "slot": s, "venue": v, "seat": next_seat[key]})
        next_seat[key] += 1
    placed = {a["request"] for a in assignments}
    has_column = {r for r, _, _ in columns}
    unplaced = [{"request": r, "reason": "capacity" if r in has_column else "no_common_availability"}
                for r in range(len(inst["requests"])) if r not in placed]
    return out, {"assignments": assignments, "unplaced": unplaced}


def main():
    started = time.monotonic()
    args = sys.argv[1:]
    travel = "--no-travel" not in args
    hint = "--hint" in args
    args = [a for a in args if a not in ("--no-travel", "--hint")]
    seconds = write = None
    if "--cp-sat" in args:
        i = args.index("--cp-sat")
        seconds = float(args[i + 1])
        del args[i:i + 2]
    if "--write-schedule" in args:
        i = args.index("--write-schedule")
        write = args[i + 1]
        del args[i:i + 2]
    if not args or (seconds is None and (hint or write)):
        raise SystemExit(__doc__)
    inst = json.load(open(args[0]))
    schedule = json.load(open(args[1])) if len(args) > 1 else None
    if seconds is None:
        out = lp_bound(inst, travel)
        out["travel_rows"] = travel
    else:
        if hint and schedule is None:
            raise SystemExit("--hint needs SCHEDULE")
        out, found = cp_sat(inst, seconds, schedule if hint else None)
        if write and found is not None:
            json.dump(found, open(write, "w"))
    if schedule is not None:
        objective = sum(inst["requests"][a["request"]]["weight"] for a in schedule["assignments"])
        out["objective"] = objective
        if seconds is None:
            out["share_of_lp_bound"] = objective / out["lp_bound"] if out["lp_bound"] else 1.0
        elif "cp_sat_objective" in out:
            out["share_of_cp_sat"] = objective / out["cp_sat_objective"] if out["cp_sat_objective"] else 1.0
    out["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
