//! Typed row identifiers, so a pupil's id can never be passed where a user's is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    UserId,
    UserGroupId,
    PupilId,
    PupilGroupId,
    CategoryId,
    IncidentId,
    ActionId,
    StatusId,
    AlertId,
    ReminderId,
    SavedReportId,
    HoldId,
);
