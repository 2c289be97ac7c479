#!/usr/bin/env python3
"""The LP-relaxation upper bound of a Sepadan scheduling instance, with HiGHS.

Reads an instance written by `sepadan bench scheduling --write-instance FILE` (format in README),
optionally the schedule written by `--write-schedule`, and prints the LP bound and the schedule's
share of it. Needs `pip install highspy numpy`; not part of `cargo test`.

    python3 bench/lp_bound.py [--no-travel] INSTANCE.json [SCHEDULE.json]

--no-travel leaves the travel-buffer rows out: a weaker bound (never below the LP bound), much
faster to compute on the largest instances.
"""
import json
import sys
from collections import defaultdict

import highspy
import numpy as np


def lp_bound(inst, travel=True):
    slots, venues, people, requests = inst["slots"], inst["venues"], inst["participants"], inst["requests"]
    buffer = inst["travel_buffer_slots"]
    available = [set(p["available"]) for p in people]
    columns = []  # (request, slot, venue)
    for r, req in enumerate(requests):
        for s in range(len(slots)):
            if all(s in available[p] for p in req["parties"]):
                for v in range(len(venues)):
                    seats = venues[v]["rooms"] if req["group"] else venues[v]["tables"]
                    if seats > 0:
                        columns.append((r, s, v))
    rows = defaultdict(list)  # key -> column indices
    upper = {}
    for c, (r, s, v) in enumerate(columns):
        req = requests[r]
        day = slots[s]["day"]
        rows[("request", r)].append(c)
        upper[("request", r)] = 1
        key = ("seat", s, v, req["group"])
        rows[key].append(c)
        upper[key] = venues[v]["rooms"] if req["group"] else venues[v]["tables"]
        for p in req["parties"]:
            rows[("busy", p, s)].append(c)
            upper[("busy", p, s)] = 1
            rows[("day", p, day)].append(c)
            upper[("day", p, day)] = people[p]["daily_cap"]
            # Travel: a meeting at venue v in slot s excludes other venues within the buffer.
            for t in range(s, min(len(slots), s + buffer + 1) if travel else s):
                if slots[t]["day"] != day:
                    continue
                for w in range(len(venues)):
                    if w == v or t == s and True:
                        continue
                    key = ("travel", p, s, v, t, w)
                    rows[key].append(c)
                    upper[key] = 1
    # Pair each travel row with the columns of the other end.
    for c, (r, s, v) in enumerate(columns if travel else []):
        for p in requests[r]["parties"]:
            for t0 in range(max(0, s - buffer), s):
                if slots[t0]["day"] != slots[s]["day"]:
                    continue
                for w in range(len(venues)):
                    key = ("travel", p, t0, w, s, v)
                    if w != v and key in rows:
                        rows[key].append(c)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n = len(columns)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array([-requests[r]["weight"] for r, _, _ in columns]))
    keys = list(rows)
    starts, index = [], []
    for key in keys:
        starts.append(len(index))
        index.extend(rows[key])
    h.addRows(len(keys), np.full(len(keys), -highspy.kHighsInf), np.array([float(upper[k]) for k in keys]),
              len(index), np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.ones(len(index)))
    h.run()
    return -h.getInfo().objective_function_value


def main():
    args = sys.argv[1:]
    travel = "--no-travel" not in args
    args = [a for a in args if a != "--no-travel"]
    inst = json.load(open(args[0]))
    bound = lp_bound(inst, travel)
    out = {"lp_bound": bound, "travel_rows": travel}
    if len(args) > 1:
        schedule = json.load(open(args[1]))
        objective = sum(inst["requests"][a["request"]]["weight"] for a in schedule["assignments"])
        out.update(objective=objective, share_of_lp_bound=objective / bound if bound else 1.0)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
