//! A deterministic solver: requests are placed by weight, most constrained first, then unplaced
//! requests displace lighter meetings when those can move elsewhere (ejection moves), pass after
//! pass while the total weight grows.

use std::collections::HashMap;

use super::instance::{Assignment, Instance, Reason, Schedule, Unplaced};

/// Improvement passes at most; each pass tries every unplaced request once.
const MAX_PASSES: usize = 6;
const FREE: u32 = u32::MAX;

/// The state of a partial schedule.
struct Board<'a> {
    instance: &'a Instance,
    slots: usize,
    /// Per participant and slot: the venue of its meeting, or FREE.
    venue_at: Vec<u32>,
    /// Per participant and slot: the request there.
    request_at: Vec<u32>,
    /// Per participant and day: meetings.
    per_day: Vec<u32>,
    days: usize,
    /// Per slot, venue and kind (0 table, 1 room): the requests meeting there, lightest first.
    at_place: Vec<Vec<u32>>,
    /// Per request: where it is.
    placed: Vec<Option<(u32, u32)>>,
    fixed: Vec<bool>,
    available: Vec<Vec<bool>>,
    /// Per participant and slot: how many unplaced requests of the participant could meet then.
    demand: Vec<u32>,
    /// Every placement change since the last commit, to roll a tried move back.
    journal: Vec<(u32, Option<(u32, u32)>)>,
    /// Requests a move in progress has placed and must not move again.
    locked: Vec<bool>,
    /// Per request: the slots all its parties are available in.
    common: Vec<Vec<u32>>,
    /// Per participant: how often its meetings changed, to skip retrying requests whose parties'
    /// schedules have not changed since the last failed try.
    changes: Vec<u64>,
}

impl<'a> Board<'a> {
    fn new(instance: &'a Instance) -> Self {
        let slots = instance.slots.len();
        let people = instance.participants.len();
        let days = instance
            .slots
            .iter()
            .map(|s| s.day as usize + 1)
            .max()
            .unwrap_or(0);
        let available = instance
            .participants
            .iter()
            .map(|p| {
                let mut row = vec![false; slots];
                for &s in &p.available {
                    if let Some(cell) = row.get_mut(s as usize) {
                        *cell = true;
                    }
                }
                row
            })
            .collect();
        Board {
            instance,
            slots,
            venue_at: vec![FREE; people * slots],
            request_at: vec![FREE; people * slots],
            per_day: vec![0; people * days.max(1)],
            days: days.max(1),
            at_place: vec![Vec::new(); slots * instance.venues.len() * 2],
            placed: vec![None; instance.requests.len()],
            fixed: vec![false; instance.requests.len()],
            available,
            demand: vec![0; people * slots],
            journal: Vec::new(),
            locked: vec![false; instance.requests.len()],
            common: Vec::new(),
            changes: vec![0; people],
        }
    }

    fn seats(&self, venue: u32, group: bool) -> u32 {
        let v = &self.instance.venues[venue as usize];
        if group { v.rooms } else { v.tables }
    }

    fn use_index(&self, slot: u32, venue: u32, group: bool) -> usize {
        (slot as usize * self.instance.venues.len() + venue as usize) * 2 + usize::from(group)
    }

    fn day(&self, slot: u32) -> usize {
        self.instance.slots[slot as usize].day as usize
    }

    /// The meetings in the way of placing `request` at (slot, venue); `None` when a party is
    /// unavailable then or a fixed meeting is in the way.
    fn blockers(&self, request: u32, slot: u32, venue: u32) -> Option<Vec<u32>> {
        let r = &self.instance.requests[request as usize];
        let mut blockers: Vec<u32> = Vec::new();
        let travel = self.instance.travel_buffer_slots;
        let rest = self.instance.min_break_slots;
        let buffer = travel.max(rest);
        let day = self.day(slot);
        for &p in &r.parties {
            let p = p as usize;
            if !self.available[p][slot as usize] {
                return None;
            }
            let base = p * self.slots;
            let here = self.request_at[base + slot as usize];
            if here != FREE {
                push_once(&mut blockers, here);
            }
            let lo = slot.saturating_sub(buffer);
            let hi = (slot + buffer).min(self.slots as u32 - 1);
            for s in lo..=hi {
                let v = self.venue_at[base + s as usize];
                let gap = s.abs_diff(slot);
                let too_close = gap <= rest || (v != venue && gap <= travel);
                if s != slot && v != FREE && too_close && self.day(s) == day {
                    push_once(&mut blockers, self.request_at[base + s as usize]);
                }
            }
            let cap = self.instance.participants[p].daily_cap;
            if self.per_day[p * self.days + day] >= cap {
                let freed = blockers
                    .iter()
                    .filter(|&&b| self.placed_on_day(b, day) && self.has_party(b, p as u32))
                    .count();
                if self.per_day[p * self.days + day].saturating_sub(freed as u32) >= cap {
                    // The lightest movable meeting of this party that day makes room.
                    let lightest = (0..self.slots as u32)
                        .filter(|&s| self.day(s) == day)
                        .map(|s| self.request_at[base + s as usize])
                        .filter(|&q| q != FREE && !blockers.contains(&q) && !self.fixed[q as usize])
                        .min_by(|a, b| {
                            self.weight(*a).total_cmp(&self.weight(*b)).then(a.cmp(b))
                        })?;
                    blockers.push(lightest);
                }
            }
        }
        let seats = self.seats(venue, r.group);
        let here = &self.at_place[self.use_index(slot, venue, r.group)];
        let used = here.len() as u32;
        if used >= seats {
            let freed = blockers
                .iter()
                .filter(|&&b| self.is_at(b, slot, venue, r.group))
                .count() as u32;
            if used.saturating_sub(freed) >= seats {
                if seats == 0 {
                    return None;
                }
                // The list is kept lightest first.
                let lightest = here
                    .iter()
                    .copied()
                    .find(|q| !blockers.contains(q) && !self.fixed[*q as usize])?;
                blockers.push(lightest);
            }
        }
        blockers.sort_unstable();
        blockers.dedup();
        if blockers.iter().any(|&b| self.fixed[b as usize]) {
            return None;
        }
        Some(blockers)
    }

    /// Whether placing `request` would certainly cost at least its own weight: one of its parties
    /// has no room left on any day, so one of that party's meetings would have to go for good,
    /// and every one it could drop weighs at least as much.
    fn needs_heavier_drop(&self, request: u32) -> bool {
        let weight = self.weight(request);
        self.instance.requests[request as usize]
            .parties
            .iter()
            .any(|&p| {
                let p = p as usize;
                let person = &self.instance.participants[p];
                let full = (0..self.days).all(|day| {
                    let available = self.available[p]
                        .iter()
                        .enumerate()
                        .filter(|(s, a)| **a && self.day(*s as u32) == day)
                        .count() as u32;
                    self.per_day[p * self.days + day] >= person.daily_cap.min(available)
                });
                full && (0..self.slots)
                    .map(|s| self.request_at[p * self.slots + s])
                    .filter(|&q| q != FREE && !self.fixed[q as usize])
                    .all(|q| self.weight(q) >= weight)
            })
    }

    /// How meetings at one place are ordered: by weight, then by request.
    fn order_key(&self, request: u32) -> (f64, u32) {
        (self.weight(request), request)
    }

    fn is_at(&self, request: u32, slot: u32, venue: u32, group: bool) -> bool {
        self.placed[request as usize] == Some((slot, venue))
            && self.instance.requests[request as usize].group == group
    }

    fn placed_on_day(&self, request: u32, day: usize) -> bool {
        self.placed[request as usize].is_some_and(|(s, _)| self.day(s) == day)
    }

    fn has_party(&self, request: u32, p: u32) -> bool {
        self.instance.requests[request as usize]
            .parties
            .contains(&p)
    }

    fn weight(&self, request: u32) -> f64 {
        self.instance.requests[request as usize].weight
    }

    fn place(&mut self, request: u32, slot: u32, venue: u32) {
        self.journal.push((request, self.placed[request as usize]));
        self.put(request, slot, venue);
    }

    fn remove(&mut self, request: u32) {
        self.journal.push((request, self.placed[request as usize]));
        self.take(request);
    }

    /// Undoes every change journalled after `mark`.
    fn rollback(&mut self, mark: usize) {
        while self.journal.len() > mark {
            let Some((request, before)) = self.journal.pop() else {
                break;
            };
            self.take(request);
            if let Some((slot, venue)) = before {
                self.put(request, slot, venue);
            }
        }
    }

    fn put(&mut self, request: u32, slot: u32, venue: u32) {
        let r = &self.instance.requests[request as usize];
        for &p in &r.parties {
            self.changes[p as usize] += 1;
        }
        let day = self.day(slot);
        for &p in &r.parties {
            let i = p as usize * self.slots + slot as usize;
            self.venue_at[i] = venue;
            self.request_at[i] = request;
            self.per_day[p as usize * self.days + day] += 1;
        }
        let u = self.use_index(slot, venue, r.group);
        let weight = r.weight;
        let list = &self.at_place[u];
        let at = list.partition_point(|&q| self.order_key(q) < (weight, request));
        self.at_place[u].insert(at, request);
        self.placed[request as usize] = Some((slot, venue));
    }

    fn take(&mut self, request: u32) {
        let Some((slot, venue)) = self.placed[request as usize].take() else {
            return;
        };
        let r = &self.instance.requests[request as usize];
        let day = self.day(slot);
        for &p in &r.parties {
            self.changes[p as usize] += 1;
            let i = p as usize * self.slots + slot as usize;
            self.venue_at[i] = FREE;
            self.request_at[i] = FREE;
            self.per_day[p as usize * self.days + day] -= 1;
        }
        let u = self.use_index(slot, venue, r.group);
        let key = (r.weight, request);
        let list = &self.at_place[u];
        let at = list.partition_point(|&q| self.order_key(q) < key);
        if list.get(at) == Some(&request) {
            self.at_place[u].remove(at);
        }
    }

    /// Every open (slot, venue) where all the request's parties are available, in a fixed order.
    fn places(&self, request: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let venues = self.instance.venues.len() as u32;
        self.common[request as usize].iter().flat_map(move |&s| {
            (0..venues)
                .filter(move |&v| self.instance.slots[s as usize].is_open(v))
                .map(move |v| (s, v))
        })
    }

    /// The places a request could go with nothing moved, in a fixed order.
    fn free_places(&self, request: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.places(request)
            .filter(move |&(s, v)| self.blockers(request, s, v).is_some_and(|b| b.is_empty()))
    }

    /// Where to put a request with nothing moved: a free place in one of its preferred slots
    /// when there is one, and among those the one whose slot the parties' other unplaced
    /// requests want least, so that contested slots stay open for them.
    fn best_free_place(&self, request: u32) -> Option<(u32, u32)> {
        let r = &self.instance.requests[request as usize];
        self.free_places(request).min_by_key(|&(s, v)| {
            let wanted: u32 = r
                .parties
                .iter()
                .map(|&p| self.demand[p as usize * self.slots + s as usize])
                .sum();
            let used = self.at_place[self.use_index(s, v, r.group)].len();
            (!r.preferred.contains(&s), wanted, used, s, v)
        })
    }

    /// Counts (`delta` 1) or discounts (`delta` −1) a request in its parties' demand.
    fn add_demand(&mut self, request: u32, common: &[u32], delta: i32) {
        for &p in &self.instance.requests[request as usize].parties {
            for &s in common {
                let cell = &mut self.demand[p as usize * self.slots + s as usize];
                *cell = cell.saturating_add_signed(delta);
            }
        }
    }
}

/// Adds a blocker unless it is listed already: a meeting shared by several parties of a request
/// blocks it once.
fn push_once(blockers: &mut Vec<u32>, request: u32) {
    if !blockers.contains(&request) {
        blockers.push(request);
    }
}

/// Places the requests of an instance. Deterministic: the same instance gives the same schedule.
pub fn solve(instance: &Instance) -> Schedule {
    solve_from(instance, &[], &[])
}

/// Re-plans after a change (a cancelled request left out of `previous`, or a new request): the
/// meetings of `previous` stay where they are when they still fit and move only to make room for
/// heavier ones; confirmed meetings (`instance.fixed`) never move.
pub fn replan(instance: &Instance, previous: &Schedule, cancelled: &[u32]) -> Schedule {
    let start: Vec<Assignment> = previous
        .assignments
        .iter()
        .filter(|a| !cancelled.contains(&a.request))
        .copied()
        .collect();
    let mut schedule = solve_from(instance, &start, cancelled);
    for u in &mut schedule.unplaced {
        if cancelled.contains(&u.request) {
            u.reason = Reason::Cancelled;
        }
    }
    schedule
}

/// Solves starting from the meetings of `start` where they still fit, leaving `excluded` out.
fn solve_from(instance: &Instance, start: &[Assignment], excluded: &[u32]) -> Schedule {
    let mut board = Board::new(instance);
    for f in &instance.fixed {
        if (f.request as usize) < instance.requests.len()
            && board.placed[f.request as usize].is_none()
        {
            board.place(f.request, f.slot, f.venue);
            board.fixed[f.request as usize] = true;
        }
    }
    let common_slots: Vec<Vec<u32>> = instance
        .requests
        .iter()
        .map(|r| {
            (0..board.slots as u32)
                .filter(|&s| {
                    r.parties
                        .iter()
                        .all(|&p| board.available[p as usize][s as usize])
                })
                .collect()
        })
        .collect();
    let common: Vec<usize> = common_slots.iter().map(Vec::len).collect();
    board.common = common_slots.clone();
    for a in start {
        let r = a.request;
        if (r as usize) < instance.requests.len()
            && board.placed[r as usize].is_none()
            && board
                .blockers(r, a.slot, a.venue)
                .is_some_and(|b| b.is_empty())
        {
            board.place(r, a.slot, a.venue);
        }
    }
    let mut order: Vec<u32> = (0..instance.requests.len() as u32)
        .filter(|r| !excluded.contains(r))
        .filter(|&r| board.placed[r as usize].is_none())
        .collect();
    order.sort_by(|&a, &b| {
        board
            .weight(b)
            .total_cmp(&board.weight(a))
            .then(common[a as usize].cmp(&common[b as usize]))
            .then(a.cmp(&b))
    });
    for &r in &order {
        board.add_demand(r, &common_slots[r as usize], 1);
    }
    for &r in &order {
        board.add_demand(r, &common_slots[r as usize], -1);
        if let Some((s, v)) = board.best_free_place(r) {
            board.place(r, s, v);
        }
    }
    board.journal.clear();
    // The parties' change count at each request's last failed try.
    let mut tried_at: Vec<Option<u64>> = vec![None; instance.requests.len()];
    for _ in 0..MAX_PASSES {
        let mut improved = false;
        for &r in &order {
            if board.placed[r as usize].is_some() {
                continue;
            }
            let seen: u64 = instance.requests[r as usize]
                .parties
                .iter()
                .map(|&p| board.changes[p as usize])
                .sum();
            if tried_at[r as usize] == Some(seen) {
                continue;
            }
            if try_eject(&mut board, r) {
                improved = true;
            } else {
                tried_at[r as usize] = Some(seen);
            }
        }
        if !improved {
            break;
        }
    }
    finish(instance, &board, &common)
}

/// How deep a chain of moves may go to re-place a displaced meeting.
const CHAIN_DEPTH: usize = 3;
/// Places tried for an unplaced request, and for a displaced one at each further step.
const TRIES: usize = 16;
const TRIES_IN_CHAIN: usize = 4;

/// The places `request` could take by moving others, fewest weight at risk first, skipping places
/// where a locked or confirmed meeting is in the way.
fn candidates(board: &Board<'_>, request: u32, tries: usize) -> Vec<(u32, u32, Vec<u32>)> {
    let mut found: Vec<(f64, u32, u32, Vec<u32>)> = board
        .places(request)
        .filter_map(|(s, v)| {
            let blockers = board.blockers(request, s, v)?;
            if blockers.is_empty() || blockers.iter().any(|&b| board.locked[b as usize]) {
                return None;
            }
            let at_risk: f64 = blockers.iter().map(|&b| board.weight(b)).sum();
            Some((at_risk, s, v, blockers))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    found
        .into_iter()
        .take(tries)
        .map(|(_, s, v, b)| (s, v, b))
        .collect()
}

/// Puts `request` at (slot, venue) after taking its blockers out; false (nothing changed) when
/// the place is still not free.
fn displace(board: &mut Board<'_>, request: u32, slot: u32, venue: u32, blockers: &[u32]) -> bool {
    let mark = board.journal.len();
    for &b in blockers {
        board.remove(b);
    }
    if board
        .blockers(request, slot, venue)
        .is_none_or(|b| !b.is_empty())
    {
        board.rollback(mark);
        return false;
    }
    board.place(request, slot, venue);
    board.locked[request as usize] = true;
    true
}

/// Places a displaced meeting again without losing anything: in a free place, or by moving
/// others that can in turn be placed again, up to `depth` steps.
fn replace_without_loss(board: &mut Board<'_>, request: u32, depth: usize) -> bool {
    if let Some((s, v)) = board.best_free_place(request) {
        board.place(request, s, v);
        board.locked[request as usize] = true;
        return true;
    }
    if depth == 0 {
        return false;
    }
    for (slot, venue, blockers) in candidates(board, request, TRIES_IN_CHAIN) {
        let mark = board.journal.len();
        if !displace(board, request, slot, venue, &blockers) {
            continue;
        }
        if blockers
            .iter()
            .all(|&b| replace_without_loss(board, b, depth - 1))
        {
            return true;
        }
        unlock_since(board, mark);
        board.rollback(mark);
    }
    false
}

fn unlock_since(board: &mut Board<'_>, mark: usize) {
    for i in mark..board.journal.len() {
        let request = board.journal[i].0;
        board.locked[request as usize] = false;
    }
}

/// Places an unplaced `request` by moving the meetings in its way elsewhere; keeps the change
/// only when the total weight grows (what could not be placed again weighs less than it).
fn try_eject(board: &mut Board<'_>, request: u32) -> bool {
    let weight = board.weight(request);
    if board.needs_heavier_drop(request) {
        return false;
    }
    for (slot, venue, blockers) in candidates(board, request, TRIES) {
        let mark = board.journal.len();
        if !displace(board, request, slot, venue, &blockers) {
            continue;
        }
        let mut lost = 0.0;
        for &b in &blockers {
            if !replace_without_loss(board, b, CHAIN_DEPTH) {
                lost += board.weight(b);
            }
        }
        let keep = lost < weight;
        unlock_since(board, mark);
        if keep {
            board.journal.clear();
            return true;
        }
        board.rollback(mark);
    }
    false
}

fn finish(instance: &Instance, board: &Board<'_>, common: &[usize]) -> Schedule {
    let mut taken: HashMap<(u32, u32, bool), Vec<u32>> = HashMap::new();
    let mut assignments = Vec::new();
    for f in &instance.fixed {
        let group = instance.requests[f.request as usize].group;
        taken
            .entry((f.slot, f.venue, group))
            .or_default()
            .push(f.seat);
        assignments.push(*f);
    }
    let mut unplaced = Vec::new();
    for (r, place) in board.placed.iter().enumerate() {
        let r = r as u32;
        match place {
            Some(_) if board.fixed[r as usize] => {}
            Some((slot, venue)) => {
                let group = instance.requests[r as usize].group;
                let used = taken.entry((*slot, *venue, group)).or_default();
                let seat = (0..).find(|s| !used.contains(s)).unwrap_or(0);
                used.push(seat);
                assignments.push(Assignment {
                    request: r,
                    slot: *slot,
                    venue: *venue,
                    seat,
                });
            }
            None => unplaced.push(Unplaced {
                request: r,
                reason: reason(instance, board, r, common[r as usize]),
            }),
        }
    }
    assignments.sort_by_key(|a| (a.slot, a.venue, a.seat, a.request));
    Schedule {
        assignments,
        unplaced,
    }
}

fn reason(instance: &Instance, board: &Board<'_>, request: u32, common: usize) -> Reason {
    if common == 0 {
        return Reason::NoCommonAvailability;
    }
    let r = &instance.requests[request as usize];
    let all_full = (0..board.slots as u32)
        .filter(|&s| {
            r.parties
                .iter()
                .all(|&p| board.available[p as usize][s as usize])
        })
        .all(|s| {
            let day = board.day(s);
            r.parties.iter().any(|&p| {
                board.per_day[p as usize * board.days + day]
                    >= instance.participants[p as usize].daily_cap
            })
        });
    if all_full {
        Reason::ParticipantFull
    } else {
        Reason::Capacity
    }
}
