//! Pupils: the pupils the signed-in user may see, reached through the class structure (Academic
//! Levels, Registration Forms, Houses) or by name. Pupils they may not see are not shown and not
//! counted. Clicking a pupil opens their profile.

use super::pupil_profile::{self, ProfilePage};
use crate::model::{GroupType, PupilGroupId, SystemPermission};
use crate::service::records::{ClassGroup, PupilSummary};
use crate::service::{Me, Session};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD};
use crate::ui::widget::status::Status;
use crate::ui::widget::virtual_list::{self, Scroll};
use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill, Length};

pub const SEARCH: &str = "pupils-search";
const LIST: &str = "pupils-list";
const ARCHIVED_LIST: &str = "pupils-archived";
const ROW_HEIGHT: f32 = 36.0;
/// The same order as the Groups tab's sub-tabs.
const TYPES: [GroupType; 3] = GroupType::ALL;

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    Search(String),
    Type(GroupType),
    Group(PupilGroupId),
    Scrolled(Scroll),
    Open(usize),
    Profile(pupil_profile::Message),
    /// Administrators: the archived pupils, to bring one back on roll.
    ShowArchived,
    ReturnToRoll(usize),
}

/// Which of the tab's pages is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    List,
    Profile,
}

pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
    AddIncident(PupilSummary),
}

pub struct PupilsTab {
    /// No pupil is on roll yet (a new school before its first import).
    empty_school: bool,
    search: String,
    group_type: GroupType,
    groups: Vec<ClassGroup>,
    group: Option<PupilGroupId>,
    /// What the list shows: search results, or the chosen group's pupils.
    shown: Vec<PupilSummary>,
    scroll: Scroll,
    /// The archived pupils, while that list is showing (administrators only).
    archived: Option<Vec<PupilSummary>>,
    pub profile: Option<ProfilePage>,
    pub status: Status,
    /// The pupil just returned to roll, for the confirmation (named as Hide Names says).
    returned: Option<PupilSummary>,
}

impl PupilsTab {
    /// The message line under the heading of the page that is showing (the list, a profile or
    /// its chronology).
    pub fn page_status(&mut self) -> &mut Status {
        match &mut self.profile {
            Some(p) => match &mut p.chronology {
                Some(c) => &mut c.status,
                None => &mut p.status,
            },
            None => &mut self.status,
        }
    }

    pub fn new(session: &Session) -> PupilsTab {
        let mut t = PupilsTab {
            empty_school: false,
            search: String::new(),
            group_type: GroupType::AcademicLevel,
            groups: Vec::new(),
            group: None,
            shown: Vec::new(),
            scroll: Scroll::default(),
            archived: None,
            profile: None,
            status: Status::Quiet,
            returned: None,
        };
        t.reload(session);
        t
    }

    pub fn reload(&mut self, session: &Session) {
        self.status.clear_problem();
        if self.archived.is_some() {
            match session.archived_pupils() {
                Ok(a) => self.archived = Some(a),
                Err(e) => self.status = Status::problem(e),
            }
        }
        self.empty_school = session.has_pupils_on_roll().is_ok_and(|any| !any);
        match session.class_structure(self.group_type) {
            Ok(g) => self.groups = g,
            Err(e) => {
                self.groups.clear();
                self.status = Status::problem(e);
            }
        }
        if self
            .group
            .is_none_or(|id| !self.groups.iter().any(|g| g.group.id == id))
        {
            self.group = self.groups.first().map(|g| g.group.id);
        }
        self.refresh_shown(session);
    }

    fn refresh_shown(&mut self, session: &Session) {
        self.scroll = Scroll::default();
        if self.search.trim().is_empty() {
            self.shown = self
                .groups
                .iter()
                .find(|g| Some(g.group.id) == self.group)
                .map(|g| g.pupils.clone())
                .unwrap_or_default();
        } else {
            match session.my_pupils(&self.search) {
                Ok(found) => self.shown = found,
                Err(e) => self.status = Status::problem(e),
            }
        }
    }

    pub fn page(&self) -> Page {
        if self.profile.is_some() {
            Page::Profile
        } else {
            Page::List
        }
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.profile
            .as_ref()
            .is_some_and(ProfilePage::has_unsaved_changes)
    }

    fn after_profile(&mut self, o: pupil_profile::Action, session: &Session) -> Action {
        match o {
            pupil_profile::Action::Effect(e) => Action::Effect(e.map(Message::Profile)),
            pupil_profile::Action::Close => {
                self.profile = None;
                self.reload(session);
                Action::Effect(Effect::Focus(SEARCH))
            }
            pupil_profile::Action::AddIncident(p) => Action::AddIncident(p),
        }
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        if !matches!(
            message,
            Message::Scrolled(_) | Message::Profile(_) | Message::Escape
        ) {
            self.returned = None;
        }
        match message {
            Message::Escape => {
                self.escape(session);
                return Action::Effect(Effect::None);
            }
            Message::ShowArchived => {
                self.search.clear();
                self.scroll = Scroll::default();
                self.archived = Some(Vec::new());
                self.reload(session);
            }
            Message::ReturnToRoll(i) => {
                let Some(p) = self.archived.as_ref().and_then(|a| a.get(i)).cloned() else {
                    return Action::Effect(Effect::None);
                };
                match session.return_to_roll(p.id) {
                    Ok(()) => {
                        self.returned = Some(p);
                        self.reload(session);
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Profile(m) => {
                if let Some(p) = &mut self.profile {
                    let o = p.update(m, session);
                    return self.after_profile(o, session);
                }
            }
            Message::Search(s) => {
                self.archived = None;
                self.search = s;
                self.refresh_shown(session);
            }
            Message::Type(t) => {
                self.archived = None;
                self.group_type = t;
                self.group = None;
                self.search.clear();
                self.reload(session);
            }
            Message::Group(id) => {
                self.group = Some(id);
                self.search.clear();
                self.refresh_shown(session);
            }
            Message::Scrolled(s) => self.scroll = s,
            Message::Open(i) => {
                if let Some(p) = self.shown.get(i).cloned() {
                    self.open_profile(session, &p);
                }
            }
        }
        Action::Effect(Effect::None)
    }

    /// Opens a pupil's profile from elsewhere (an alert on the Dashboard).
    pub fn open_profile(&mut self, session: &mut Session, pupil: &PupilSummary) {
        match ProfilePage::open(session, pupil) {
            Ok(page) => {
                self.profile = Some(page);
                self.status.clear_problem();
            }
            Err(e) => self.status = Status::problem(e),
        }
    }

    fn escape(&mut self, session: &mut Session) -> bool {
        match &mut self.profile {
            Some(p) => {
                let o = p.update(pupil_profile::Message::Escape, session);
                self.after_profile(o, session);
                true
            }
            None if !self.search.is_empty() => {
                self.search.clear();
                self.refresh_shown(session);
                true
            }
            None if self.archived.is_some() => {
                self.archived = None;
                self.reload(session);
                true
            }
            None => false,
        }
    }

    /// The names in the list, for tests.
    pub fn shown_names(&self) -> Vec<String> {
        self.shown.iter().map(|p| p.display_name(false)).collect()
    }

    pub fn view<'a>(&'a self, me: &Me, hide_names: bool) -> Element<'a, Message> {
        if let Some(p) = &self.profile {
            return p.view(me, hide_names).map(Message::Profile);
        }
        let mut c = column![
            form::section_title("Pupils"),
            text("The pupils you may see. Click a name to open the profile.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
            text_input("Search by name", &self.search)
                .id(SEARCH)
                .on_input(Message::Search)
                .padding(theme::SPACE_S + 2.0)
                .style(theme::input),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        if let Some(p) = &self.returned {
            c = c.push(form::success(format!(
                "{} is back on roll, in the groups they had.",
                p.display_name(hide_names)
            )));
        }
        let tab = |label: &'a str, chosen: bool, m: Message| {
            focusable(
                button(text(label).size(theme::TEXT_BODY))
                    .padding([theme::SPACE_XS + 2.0, theme::SPACE_M])
                    .style(theme::tab_button(chosen))
                    .on_press(m),
            )
        };
        let browsing = self.search.is_empty() && self.archived.is_none();
        let mut types = TYPES.iter().fold(row![].spacing(theme::SPACE_XS), |r, t| {
            r.push(tab(
                t.plural(),
                *t == self.group_type && browsing,
                Message::Type(*t),
            ))
        });
        if me.permissions.has(SystemPermission::ManageSystem) {
            types = types.push(tab(
                "Archived",
                self.archived.is_some(),
                Message::ShowArchived,
            ));
        }
        c = c.push(types);
        if let Some(archived) = &self.archived {
            return c
                .push(archived_view(archived, self.scroll, hide_names))
                .into();
        }
        let groups = self.groups.iter().fold(column![].spacing(2.0), |col, g| {
            let chosen = Some(g.group.id) == self.group && browsing;
            col.push(
                focusable(
                    button(
                        row![
                            text(g.group.name.as_str())
                                .size(theme::TEXT_BODY)
                                .width(Fill),
                            text(g.pupils.len().to_string())
                                .size(theme::TEXT_SMALL)
                                .style(theme::muted_unless(chosen)),
                        ]
                        .spacing(theme::SPACE_S),
                    )
                    .width(Fill)
                    .padding([theme::SPACE_S, theme::SPACE_M])
                    .style(theme::tab_button(chosen))
                    .on_press(Message::Group(g.group.id)),
                )
                .inset(),
            )
        });
        let heading = if !self.search.trim().is_empty() {
            format!("{} matching \"{}\"", self.shown.len(), self.search.trim())
        } else {
            match self.groups.iter().find(|g| Some(g.group.id) == self.group) {
                Some(g) => format!("{} ({})", g.group.name, g.pupils.len()),
                None if self.empty_school => {
                    "No pupils yet. An administrator adds them from the MIS file on the Imports tab.".to_string()
                }
                None => format!("You cannot see any pupils by {}.", self.group_type.label()),
            }
        };
        let list = virtual_list::view(
            LIST,
            self.shown.len(),
            ROW_HEIGHT,
            self.scroll,
            |i| {
                focusable(
                    button(
                        name_and_class(&self.shown[i], hide_names)
                            .height(Fill)
                            .align_y(iced::Center),
                    )
                    .width(Fill)
                    .height(Fill)
                    .padding([0.0, theme::SPACE_S])
                    .style(theme::link_row)
                    .on_press(Message::Open(i)),
                )
                .inset()
                .into()
            },
            |v| Message::Scrolled(Scroll::from_viewport(&v)),
        );
        c.push(
            row![
                container(scrollable(groups).height(Length::Fixed(ROW_HEIGHT * 14.0)))
                    .padding(theme::SPACE_S)
                    .width(Length::Fixed(280.0))
                    .style(theme::card),
                container(
                    column![
                        text(heading).size(theme::TEXT_BODY).font(BOLD),
                        container(list).height(Length::Fixed(ROW_HEIGHT * 13.0)),
                    ]
                    .spacing(theme::SPACE_S)
                )
                .padding(theme::SPACE_M)
                .width(Fill)
                .style(theme::card),
            ]
            .spacing(theme::SPACE_M),
        )
        .into()
    }
}

/// A row of a pupil list: the name (initials with Hide Names on) and the class.
fn name_and_class(p: &PupilSummary, hide_names: bool) -> iced::widget::Row<'_, Message> {
    row![
        form::row_cell(
            text(p.display_name(hide_names)).size(theme::TEXT_BODY),
            Length::FillPortion(3)
        ),
        form::row_cell(
            text(p.class.as_str())
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            Length::FillPortion(2)
        ),
    ]
}

/// The archived pupils with a button each to bring them back. Years of leavers add up, so only
/// the rows in view are laid out.
fn archived_view(
    archived: &[PupilSummary],
    scroll: Scroll,
    hide_names: bool,
) -> Element<'_, Message> {
    let list = virtual_list::view(
        ARCHIVED_LIST,
        archived.len(),
        ROW_HEIGHT,
        scroll,
        |i| {
            name_and_class(&archived[i], hide_names)
                .push(form::link("Return to roll", Message::ReturnToRoll(i)))
                .spacing(theme::SPACE_M)
                // Room on the right for the scroll bar, which sits over the list.
                .padding(iced::Padding::from([0.0, theme::SPACE_S]).right(theme::SPACE_L))
                .height(Fill)
                .align_y(iced::Center)
                .into()
        },
        |v| Message::Scrolled(Scroll::from_viewport(&v)),
    );
    let heading = if archived.is_empty() {
        "No pupils are archived.".to_string()
    } else {
        format!("Archived pupils ({})", archived.len())
    };
    container(
        column![
            text(heading).size(theme::TEXT_BODY).font(BOLD),
            text("Archived pupils keep their records but appear in nobody's lists, and their profiles cannot be opened. Returning a pupil to roll brings them back in the groups they had, for the staff who can see those groups.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            container(list).height(Length::Fixed(ROW_HEIGHT * 13.0)),
        ]
        .spacing(theme::SPACE_S),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::card)
    .into()
}
