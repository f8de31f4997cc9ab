//! Add Incident (the "+ Add Incident" button in the header): record a concern about any pupil.
//! Finding the pupil is never blocked by class restrictions, and shows only name and class. What
//! was typed is never thrown away silently: leaving with unsaved text asks first.

use crate::model::{PupilId, UserGroupId, UserId};
use crate::service::Session;
use crate::service::alerts::{AlertChoices, AlertTo, StaffChoice};
use crate::service::records::{CategoryChoice, NewConcern, PupilSummary, parse_date_time};
use crate::service::restrictions::ReaderChoice;
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::people_chooser::{RestrictionForm, RestrictionMessage};
use crate::ui::widget::status::Status;
use iced::widget::{button, checkbox, column, container, row, text, text_editor};
use iced::{Element, Fill, Length};
use std::collections::BTreeSet;

pub const SEARCH: &str = "concern-search";
pub const LINK_SEARCH: &str = "concern-link-search";
pub const DATE: &str = "concern-date";
pub const TIME: &str = "concern-time";
pub const READERS: &str = "concern-readers-search";
pub const ABOUT: &str = "concern-about-search";
/// How many matches are listed under a search box.
const SHOWN_MATCHES: usize = 8;

#[derive(Debug, Clone)]
pub enum Message {
    Search(String),
    Choose(PupilId),
    /// Enter in the search box: the only match, if there is exactly one.
    ChooseFirst,
    ChangePupil,
    Category(CategoryChoice),
    Date(String),
    Time(String),
    Description(text_editor::Action),
    LinkSearch(String),
    Link(PupilId),
    Unlink(PupilId),
    /// Whether a user group is alerted.
    AlertGroup(UserGroupId, bool),
    /// A member of staff to alert as well.
    AlertStaff(StaffChoice),
    UnalertStaff(UserId),
    /// Who may read it.
    Restriction(RestrictionMessage),
    Save,
    Cancel,
    /// Answer to "Discard this concern?".
    Discard(bool),
}

pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
    /// Closed: saved (with what to tell the user) or cancelled.
    Closed(Option<String>),
}

pub struct AddIncident {
    search: String,
    matches: Vec<PupilSummary>,
    pub pupil: Option<PupilSummary>,
    categories: Vec<CategoryChoice>,
    category: Option<CategoryChoice>,
    date: String,
    time: String,
    description: text_editor::Content,
    link_search: String,
    link_matches: Vec<PupilSummary>,
    linked: Vec<PupilSummary>,
    /// Who can be alerted; `None` when that could not be read (the concern can still be saved).
    alert_choices: Option<AlertChoices>,
    alert_groups: BTreeSet<UserGroupId>,
    alert_staff: Vec<StaffChoice>,
    /// Who may read it: `None` while the people who can choose from could not be read.
    reader_choices: Option<ReaderChoice>,
    restriction: RestrictionForm,
    asking_to_discard: bool,
    pub status: Status,
}

impl AddIncident {
    /// A blank form, or one about `pupil` (from a profile), dated now.
    pub fn new(session: &Session, pupil: Option<PupilSummary>) -> AddIncident {
        let now = chrono::Local::now();
        let (categories, status) = match session.categories_to_record() {
            Ok(c) if c.is_empty() => (
                c,
                Status::problem(
                    "Your user group cannot record under any category yet. Ask your Keyholder administrator.",
                ),
            ),
            Ok(c) => (c, Status::Quiet),
            Err(e) => (Vec::new(), Status::problem(e)),
        };
        let alert_choices = session.alert_choices().ok();
        let alert_groups = alert_choices
            .as_ref()
            .map(|c| c.default_groups.iter().copied().collect())
            .unwrap_or_default();
        let me = session.me().user.id;
        AddIncident {
            alert_choices,
            alert_groups,
            alert_staff: Vec::new(),
            reader_choices: session.reader_choices().ok(),
            restriction: RestrictionForm::of(&Default::default(), me),
            search: String::new(),
            matches: Vec::new(),
            pupil,
            category: (categories.len() == 1).then(|| categories[0].clone()),
            categories,
            date: now.format("%d/%m/%Y").to_string(),
            time: now.format("%H:%M").to_string(),
            description: text_editor::Content::new(),
            link_search: String::new(),
            link_matches: Vec::new(),
            linked: Vec::new(),
            asking_to_discard: false,
            status,
        }
    }

    /// Ctrl+S saves only where Save would: not while "Discard this concern?" is being asked.
    pub fn can_save(&self) -> bool {
        !self.asking_to_discard
    }

    /// Whether closing now would lose something the user typed or chose.
    pub fn has_unsaved_changes(&self) -> bool {
        !self.description.text().trim().is_empty()
            || !self.linked.is_empty()
            || !self.search.trim().is_empty()
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::Search(s) => {
                self.matches = self.find(session, &s);
                self.search = s;
            }
            Message::Choose(id) => {
                if let Some(p) = self.matches.iter().find(|p| p.id == id) {
                    self.pupil = Some(p.clone());
                    self.linked.retain(|l| l.id != id);
                    self.status.clear_problem();
                }
            }
            Message::ChooseFirst => {
                if let [only] = self.matches.as_slice() {
                    let id = only.id;
                    return self.update(Message::Choose(id), session);
                }
            }
            Message::ChangePupil => {
                self.pupil = None;
                return Action::Effect(Effect::Focus(SEARCH));
            }
            Message::Category(c) => self.category = Some(c),
            Message::Date(d) => self.date = d,
            Message::Time(t) => self.time = t,
            Message::Description(action) => self.description.perform(action),
            Message::LinkSearch(s) => {
                self.link_matches = self.find(session, &s);
                self.link_search = s;
            }
            Message::Link(id) => {
                if let Some(p) = self.link_matches.iter().find(|p| p.id == id)
                    && !self.linked.iter().any(|l| l.id == id)
                    && self.pupil.as_ref().is_none_or(|main| main.id != id)
                {
                    self.linked.push(p.clone());
                }
                self.link_search.clear();
                self.link_matches.clear();
            }
            Message::Unlink(id) => self.linked.retain(|l| l.id != id),
            Message::AlertGroup(g, on) => {
                form::tick(&mut self.alert_groups, g, on);
            }
            Message::Restriction(m) => {
                let opened = m == RestrictionMessage::Restrict(true);
                self.restriction.update(m);
                if opened {
                    return Action::Effect(Effect::Focus(READERS));
                }
            }
            Message::AlertStaff(s) => {
                if !self.alert_staff.iter().any(|x| x.id == s.id) {
                    self.alert_staff.push(s);
                }
            }
            Message::UnalertStaff(id) => self.alert_staff.retain(|s| s.id != id),
            Message::Save => return self.save(session),
            Message::Cancel => {
                if self.asking_to_discard {
                    // A second Escape answers the question the safe way: keep writing.
                    self.asking_to_discard = false;
                } else if self.has_unsaved_changes() {
                    // The question replaces any old problem, so only one message shows.
                    self.status.clear();
                    self.asking_to_discard = true;
                } else {
                    return Action::Closed(None);
                }
            }
            Message::Discard(true) => return Action::Closed(None),
            Message::Discard(false) => self.asking_to_discard = false,
        }
        Action::Effect(Effect::None)
    }

    fn find(&mut self, session: &Session, search: &str) -> Vec<PupilSummary> {
        match session.find_pupil_to_record(search) {
            Ok(found) => found,
            Err(e) => {
                self.status = Status::problem(e);
                Vec::new()
            }
        }
    }

    fn save(&mut self, session: &mut Session) -> Action {
        let Some(pupil) = &self.pupil else {
            self.status = Status::problem("Choose the pupil the concern is about.");
            return Action::Effect(Effect::Focus(SEARCH));
        };
        let Some(category) = &self.category else {
            self.status = Status::problem("Choose a category.");
            return Action::Effect(Effect::None);
        };
        let occurred_at = match parse_date_time(&self.date, &self.time) {
            Ok(t) => t,
            Err(e) => {
                self.status = Status::problem(e);
                return Action::Effect(Effect::Focus(DATE));
            }
        };
        let concern = NewConcern {
            pupil: pupil.id,
            category: category.id,
            occurred_at,
            description: self.description.text(),
            linked: self.linked.iter().map(|l| l.id).collect(),
            restriction: self.restriction.restricting(),
        };
        let to = AlertTo {
            staff: self.alert_staff.iter().map(|s| s.id).collect(),
            groups: self.alert_groups.iter().copied().collect(),
        };
        match session.record_and_alert(&concern, &to) {
            Ok(r) => {
                let alerted = match r.alerted {
                    0 => String::new(),
                    n => format!(
                        " {} alerted: they will see it on their Dashboard.",
                        crate::model::names::count(n, "person", "people")
                    ),
                };
                Action::Closed(Some(if r.readable {
                    format!(
                        "Your concern about {} has been recorded.{alerted}",
                        pupil.display_name(false)
                    )
                } else {
                    format!(
                        "Thank you: your concern about {} has been recorded and is with the staff who look after {} records.{alerted} Your user group cannot read incidents in this category, so you will not see it on the pupil's profile; that is expected.",
                        pupil.display_name(false),
                        category.label
                    )
                }))
            }
            Err(e) => {
                self.status = Status::problem(e);
                Action::Effect(Effect::None)
            }
        }
    }

    pub fn view(&self, hide_names: bool) -> Element<'_, Message> {
        let mut c = column![
            form::section_title("Add Incident"),
            text("Record a concern about any pupil. You will see only their name and class here, whatever your access to their records.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        if self.asking_to_discard {
            c = c.push(form::question(
                "Discard this concern? What you have typed will be lost.",
                ("Keep writing", Message::Discard(false)),
                ("Discard", Message::Discard(true)),
            ));
        }
        let pupil: Element<'_, Message> = match &self.pupil {
            Some(p) => row![
                text(format!("{} ({})", p.display_name(hide_names), p.class))
                    .size(theme::TEXT_BODY)
                    .font(BOLD)
                    .width(Fill),
                form::link("Change pupil", Message::ChangePupil),
            ]
            .align_y(iced::Center)
            .into(),
            None => column![
                Field::new("Pupil", SEARCH, &self.search, Message::Search)
                    .placeholder("Type part of the pupil's name, then click them")
                    .on_submit(Message::ChooseFirst)
                    .view(),
                matches(&self.matches, &self.search, hide_names, Message::Choose),
            ]
            .spacing(theme::SPACE_XS)
            .into(),
        };
        let category = column![
            text("Category").size(theme::TEXT_SMALL).font(BOLD),
            form::drop_down(
                self.categories.clone(),
                self.category.clone(),
                Message::Category,
                "Choose a category",
                Fill,
            ),
        ]
        .spacing(theme::SPACE_XS);
        let when = row![
            Field::new("Date", DATE, &self.date, Message::Date)
                .placeholder("dd/mm/yyyy")
                .on_submit(Message::Save)
                .view(),
            Field::new("Time", TIME, &self.time, Message::Time)
                .placeholder("hh:mm")
                .on_submit(Message::Save)
                .view(),
        ]
        .spacing(theme::SPACE_M);
        let description = column![
            text("What happened").size(theme::TEXT_SMALL).font(BOLD),
            text_editor(&self.description)
                .placeholder("Describe what you saw or were told, in the words used where you can.")
                .on_action(Message::Description)
                .height(Length::Fixed(180.0))
                .padding(theme::SPACE_S + 2.0),
        ]
        .spacing(theme::SPACE_XS);
        let mut linked = column![
            text("Other pupils involved (optional)")
                .size(theme::TEXT_SMALL)
                .font(BOLD)
        ]
        .spacing(theme::SPACE_XS);
        for l in &self.linked {
            linked = linked.push(
                row![
                    text(format!("{} ({})", l.display_name(hide_names), l.class))
                        .size(theme::TEXT_BODY)
                        .width(Fill),
                    form::link("Remove", Message::Unlink(l.id)),
                ]
                .align_y(iced::Center),
            );
        }
        linked = linked.push(
            iced::widget::text_input("Type part of a name to add a pupil", &self.link_search)
                .id(LINK_SEARCH)
                .on_input(Message::LinkSearch)
                .padding(theme::SPACE_S + 2.0)
                .style(theme::input),
        );
        linked = linked.push(matches(
            &self.link_matches,
            &self.link_search,
            hide_names,
            Message::Link,
        ));
        let alerts = self.alerts_view();
        let readers = self.readers_view();
        c = c.push(
            container(
                column![pupil, category, when, description, linked, readers, alerts]
                    .spacing(theme::SPACE_L),
            )
            .padding(theme::SPACE_L)
            .width(Fill)
            .style(theme::card),
        );
        c.push(form::actions(
            vec![form::secondary("Cancel", Some(Message::Cancel))],
            form::primary("Save incident", Some(Message::Save)),
        ))
        .into()
    }
}

impl AddIncident {
    /// Who may read it: everyone the class rule and the categories allow, or only the people
    /// and user groups chosen; and the staff it is about, who never may.
    fn readers_view(&self) -> Element<'_, Message> {
        let Some(choices) = &self.reader_choices else {
            return column![].into();
        };
        column![
            text("Who may read it").size(theme::TEXT_SMALL).font(BOLD),
            self.restriction.view(
                choices,
                (READERS, ABOUT),
                "Only these people can read this (you always can)",
                Message::Restriction,
            ),
        ]
        .spacing(theme::SPACE_S)
        .into()
    }

    /// Who the concern alerts: user groups to tick (the school's default already ticked) and
    /// named staff to add.
    fn alerts_view(&self) -> Element<'_, Message> {
        let mut c = column![
            text("Alert").size(theme::TEXT_SMALL).font(BOLD),
            text("Each person alerted sees this concern on their Dashboard when they next sign in, with only what their own access lets them open.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_XS);
        let Some(choices) = &self.alert_choices else {
            return c.into();
        };
        let mut groups = row![].spacing(theme::SPACE_L);
        for g in &choices.groups {
            let id = g.id;
            groups = groups.push(
                checkbox(self.alert_groups.contains(&id))
                    .label(format!(
                        "{} ({})",
                        g.name,
                        crate::model::names::count(g.members, "person", "people")
                    ))
                    .on_toggle(move |on| Message::AlertGroup(id, on))
                    .size(16)
                    .text_size(theme::TEXT_SMALL),
            );
        }
        c = c.push(groups.wrap());
        for s in &self.alert_staff {
            c = c.push(
                row![
                    text(s.to_string()).size(theme::TEXT_BODY).width(Fill),
                    form::link("Remove", Message::UnalertStaff(s.id)),
                ]
                .align_y(iced::Center),
            );
        }
        let others: Vec<StaffChoice> = choices
            .staff
            .iter()
            .filter(|s| !self.alert_staff.iter().any(|x| x.id == s.id))
            .cloned()
            .collect();
        c.push(form::drop_down(
            others,
            None,
            Message::AlertStaff,
            "Alert a member of staff as well",
            Fill,
        ))
        .into()
    }
}

/// The first matches of a name search, each a button choosing that pupil.
fn matches<'a>(
    found: &'a [PupilSummary],
    search: &str,
    hide_names: bool,
    on_choose: fn(PupilId) -> Message,
) -> Element<'a, Message> {
    if search.trim().is_empty() {
        return column![].into();
    }
    if found.is_empty() {
        return text("No pupil on roll has a name like that.")
            .size(theme::TEXT_SMALL)
            .style(theme::muted)
            .into();
    }
    let mut c = found
        .iter()
        .take(SHOWN_MATCHES)
        .fold(column![].spacing(2.0), |c, p| {
            c.push(
                focusable(
                    button(
                        text(format!("{} ({})", p.display_name(hide_names), p.class))
                            .size(theme::TEXT_BODY),
                    )
                    .width(Fill)
                    .padding([theme::SPACE_XS, theme::SPACE_S])
                    .style(theme::link_row)
                    .on_press(on_choose(p.id)),
                )
                .inset(),
            )
        });
    if found.len() > SHOWN_MATCHES {
        c = c.push(
            text(format!(
                "{} more: type more of the name.",
                found.len() - SHOWN_MATCHES
            ))
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
        );
    }
    c.into()
}
