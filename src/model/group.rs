//! Pupil groups: Houses, Academic Levels and Registration Forms.

use super::PupilGroupId;

/// The three kinds of pupil grouping a school can restrict access by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupType {
    House,
    AcademicLevel,
    RegistrationForm,
}

impl GroupType {
    /// In the order the Groups tab shows them.
    pub const ALL: [GroupType; 3] = [
        GroupType::House,
        GroupType::AcademicLevel,
        GroupType::RegistrationForm,
    ];

    /// The stable name stored in the vault and in export files.
    pub fn key(self) -> &'static str {
        match self {
            GroupType::House => "house",
            GroupType::AcademicLevel => "academic_level",
            GroupType::RegistrationForm => "registration_form",
        }
    }

    pub fn from_key(key: &str) -> Option<GroupType> {
        GroupType::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The type people mean by "House", "Year group", "Reg Group", "academic-level", "Forms"…:
    /// the words of MIS exports, of the help sheets and of the command line. "Class" is not one:
    /// it could mean a year or a form.
    pub fn from_words(text: &str) -> Option<GroupType> {
        let t: String = text
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        match t.as_str() {
            "house" | "houses" | "housegroup" => Some(GroupType::House),
            "academiclevel" | "academiclevels" | "year" | "years" | "yeargroup" | "yeargroups"
            | "ncyear" => Some(GroupType::AcademicLevel),
            "registrationform" | "registrationforms" | "registrationgroup" | "form" | "forms"
            | "formgroup" | "reggroup" | "tutorgroup" => Some(GroupType::RegistrationForm),
            _ => None,
        }
    }

    /// "Academic Level", as shown after a group's name.
    pub fn label(self) -> &'static str {
        match self {
            GroupType::House => "House",
            GroupType::AcademicLevel => "Academic Level",
            GroupType::RegistrationForm => "Registration Form",
        }
    }

    /// "Academic Levels", as shown on the sub-tabs.
    pub fn plural(self) -> &'static str {
        match self {
            GroupType::House => "Houses",
            GroupType::AcademicLevel => "Academic Levels",
            GroupType::RegistrationForm => "Registration Forms",
        }
    }
}

impl std::fmt::Display for GroupType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilGroup {
    pub id: PupilGroupId,
    pub group_type: GroupType,
    pub name: String,
    pub mis_id: Option<String>,
    /// Created by an import and not yet reviewed by an admin.
    pub is_new: bool,
}

impl PupilGroup {
    /// "Year 1 (Academic Level)", the class editor's title.
    pub fn title(&self) -> String {
        format!("{} ({})", self.name, self.group_type.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_distinct() {
        for t in GroupType::ALL {
            assert_eq!(GroupType::from_key(t.key()), Some(t));
        }
        assert_eq!(GroupType::from_key("year"), None);
    }

    #[test]
    fn types_in_everyday_words() {
        assert_eq!(
            GroupType::from_words("Reg Group"),
            Some(GroupType::RegistrationForm)
        );
        assert_eq!(
            GroupType::from_words("Year group"),
            Some(GroupType::AcademicLevel)
        );
        assert_eq!(
            GroupType::from_words("academic-level"),
            Some(GroupType::AcademicLevel)
        );
        assert_eq!(GroupType::from_words("HOUSE"), Some(GroupType::House));
        assert_eq!(GroupType::from_words("Cohort"), None);
        assert_eq!(GroupType::from_words("Class"), None, "a year or a form?");
    }

    #[test]
    fn title_names_the_type() {
        let g = PupilGroup {
            id: PupilGroupId(1),
            group_type: GroupType::AcademicLevel,
            name: "Year 1".into(),
            mis_id: Some("102-42".into()),
            is_new: false,
        };
        assert_eq!(g.title(), "Year 1 (Academic Level)");
    }
}
