//! Where a meeting request, a meeting, a background job and an outbox item stand. Stored and
//! sent as their snake_case names; rows hold these types, so a status cannot be misspelt.

/// Rows store a status as its name: these conversions let diesel load and store it as text.
macro_rules! stored_as_text {
    ($($status:ty),*) => {$(
        impl TryFrom<String> for $status {
            type Error = strum::ParseError;
            fn try_from(name: String) -> Result<Self, Self::Error> {
                name.parse()
            }
        }

        impl $status {
            /// The name it is stored and sent as.
            pub fn name(self) -> &'static str {
                self.into()
            }
        }

        impl From<$status> for String {
            fn from(status: $status) -> String {
                status.name().to_owned()
            }
        }
    )*};
}

stored_as_text!(RequestStatus, MeetingStatus, JobStatus, OutboxState);

vocabulary! {
    /// A meeting request between an investor and a host.
    pub enum RequestStatus {
        /// Waiting for an answer (an introduction: for both sides').
        Pending,
        /// Both sides want the meeting; the scheduler places it.
        Accepted,
        Declined,
        /// Not answered in time.
        Expired,
        Cancelled,
    }
}

impl RequestStatus {
    /// Pending and accepted requests are open: they may still become, or be, a meeting.
    pub const OPEN: [RequestStatus; 2] = [RequestStatus::Pending, RequestStatus::Accepted];
}

vocabulary! {
    /// A meeting placed in a slot.
    pub enum MeetingStatus {
        /// Placed by the scheduler; a later run may still move it.
        Scheduled,
        /// Fixed by staff: the scheduler keeps it where it is.
        Confirmed,
        Cancelled,
    }
}

vocabulary! {
    /// A background job, such as scheduling an event.
    pub enum JobStatus {
        Queued,
        Running,
        Succeeded,
        Failed,
    }
}

impl JobStatus {
    /// Queued and running jobs are under way.
    pub const UNDER_WAY: [JobStatus; 2] = [JobStatus::Queued, JobStatus::Running];

    pub fn is_under_way(self) -> bool {
        Self::UNDER_WAY.contains(&self)
    }
}

vocabulary! {
    /// An email or webhook delivery in the outbox.
    pub enum OutboxState {
        /// Waiting for its next attempt.
        Pending,
        Sent,
        /// Given up on after its last attempt; staff may retry it.
        Dead,
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn every_status_is_stored_and_read_back_as_its_name() {
        fn round_trip<S>(statuses: impl Iterator<Item = S>)
        where
            S: Copy
                + PartialEq
                + std::fmt::Debug
                + TryFrom<String>
                + Into<String>
                + serde::Serialize,
        {
            for status in statuses {
                let name: String = status.into();
                assert_eq!(
                    serde_json::to_value(status).unwrap(),
                    serde_json::json!(name)
                );
                assert!(
                    S::try_from(name).is_ok_and(|back| back == status),
                    "{status:?}"
                );
            }
        }
        round_trip(RequestStatus::iter());
        round_trip(MeetingStatus::iter());
        round_trip(JobStatus::iter());
        round_trip(OutboxState::iter());
        assert!(RequestStatus::try_from("accepted ".to_owned()).is_err());
    }
}
