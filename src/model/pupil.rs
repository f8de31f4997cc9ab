//! Pupils as the school's MIS knows them.

use super::PupilId;
use super::names;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pupil {
    pub id: PupilId,
    pub mis_id: Option<String>,
    pub upn: Option<String>,
    pub forename: String,
    pub surname: String,
    /// ISO date (YYYY-MM-DD), as entered or imported.
    pub date_of_birth: Option<String>,
    pub archived: bool,
}

impl Pupil {
    pub fn full_name(&self) -> String {
        names::full_name(&self.forename, &self.surname)
    }

    /// The name to show: initials when Hide Names is on.
    pub fn display_name(&self, hide_names: bool) -> String {
        names::shown(&self.forename, &self.surname, hide_names)
    }
}
