//! The scheduling problem and its answer, in the JSON format that `sepadan schedule-solve` reads
//! and `schedule-check` validates.

use serde::{Deserialize, Serialize};

/// One meeting slot: a period of an event day. Slots are numbered in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// The event day the slot belongs to (0 = first day).
    pub day: u32,
    /// The venues open in this slot (positions); every venue when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venues: Option<Vec<u32>>,
}

impl Slot {
    /// A slot of `day` with every venue open.
    pub fn on_day(day: u32) -> Self {
        Slot { day, venues: None }
    }

    /// Whether `venue` is open in this slot.
    pub fn is_open(&self, venue: u32) -> bool {
        self.venues
            .as_ref()
            .is_none_or(|open| open.contains(&venue))
    }
}

/// A place where meetings happen, with how many run there at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    pub name: String,
    /// Tables for one-to-one meetings, per slot.
    pub tables: u32,
    /// Rooms for group meetings, per slot.
    pub rooms: u32,
}

/// Someone who meets: an investor or an official.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub id: String,
    /// The slots the participant can meet in, ascending.
    pub available: Vec<u32>,
    /// At most this many meetings a day.
    pub daily_cap: u32,
}

/// An accepted request to be placed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub id: String,
    /// Participant positions: two for a one-to-one meeting, more for a delegation meeting; all
    /// attend together.
    pub parties: Vec<u32>,
    /// Priority: match score × must-meet factor.
    pub weight: f64,
    /// A group meeting needs a room; a one-to-one meeting a table.
    pub group: bool,
    /// Slots the asker would rather meet in: taken first among the free ones, when any is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred: Vec<u32>,
}

/// A placed meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// Request position.
    pub request: u32,
    pub slot: u32,
    pub venue: u32,
    /// Table (one-to-one) or room (group) number at the venue.
    pub seat: u32,
}

/// The whole problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub slots: Vec<Slot>,
    pub venues: Vec<Venue>,
    pub participants: Vec<Participant>,
    pub requests: Vec<Request>,
    /// Slots a participant needs between meetings at different venues on the same day.
    pub travel_buffer_slots: u32,
    /// Free slots a participant needs between any two of its meetings on the same day.
    #[serde(default)]
    pub min_break_slots: u32,
    /// Confirmed meetings: they stay where they are.
    #[serde(default)]
    pub fixed: Vec<Assignment>,
}

impl Instance {
    /// What makes the instance unusable: references out of range, a request without two parties.
    /// The solver expects an instance without such problems.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let people = self.participants.len() as u32;
        for r in &self.requests {
            if r.parties.len() < 2 || r.parties.iter().any(|&p| p >= people) {
                problems.push(format!("request {} needs two or more known parties", r.id));
            }
            if !r.weight.is_finite() || r.weight < 0.0 {
                problems.push(format!(
                    "request {} has a weight that is not a non-negative number",
                    r.id
                ));
            }
        }
        for p in &self.participants {
            if p.available.iter().any(|&s| s as usize >= self.slots.len()) {
                problems.push(format!(
                    "{} is available in a slot that does not exist",
                    p.id
                ));
            }
        }
        for (i, slot) in self.slots.iter().enumerate() {
            let venues = self.venues.len() as u32;
            if slot.venues.iter().flatten().any(|&v| v >= venues) {
                problems.push(format!("slot {i} opens a venue that does not exist"));
            }
        }
        for f in &self.fixed {
            if f.request as usize >= self.requests.len()
                || f.slot as usize >= self.slots.len()
                || f.venue as usize >= self.venues.len()
            {
                problems.push(format!(
                    "confirmed meeting of request {} refers to something that does not exist",
                    f.request
                ));
            }
        }
        problems
    }
}

/// Why a request could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = UnplacedReason)]
pub enum Reason {
    /// Its parties share no available slot.
    NoCommonAvailability,
    /// A party has reached its daily caps on every common day.
    ParticipantFull,
    /// Every common slot is taken by the parties' other meetings or has no free table or room.
    Capacity,
    /// The request was withdrawn; a re-plan leaves it out.
    Cancelled,
}

/// A request left out, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unplaced {
    pub request: u32,
    pub reason: Reason,
}

/// The answer: the meetings placed (fixed ones included) and the requests left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub assignments: Vec<Assignment>,
    pub unplaced: Vec<Unplaced>,
}

impl Schedule {
    /// The total weight placed.
    pub fn objective(&self, instance: &Instance) -> f64 {
        self.assignments
            .iter()
            .map(|a| instance.requests[a.request as usize].weight)
            .sum()
    }
}
