//! A pupil's profile: details, groups, statuses, what they are monitored for and the incidents
//! the user may read, newest first, each with the actions taken on it. Editing details,
//! incidents, actions and statuses appears only for those allowed to; the chronology opens from
//! here.

use super::access_report::{self, AccessReport};
use super::casework_forms::{ActionForm, ActionMessage, EndForm, StatusForm, StatusMessage};
use super::chronology::{self, ChronologyPage};
use crate::clock::format_local;
use crate::model::{ActionId, IncidentId, PupilId, StatusId, SystemPermission};
use crate::service::records::{PupilDetails, PupilProfile, PupilSummary};
use crate::service::restrictions::ReaderChoice;
use crate::service::{Me, Session};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::people_chooser::{self, Chooser, RestrictionForm, RestrictionMessage};
use crate::ui::widget::status::Status;
use iced::widget::{column, container, row, text, text_editor};
use iced::{Element, Fill, Length};

pub const FORENAME: &str = "pupil-forename";
pub const SURNAME: &str = "pupil-surname";
pub const DOB: &str = "pupil-dob";

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    Back,
    EditDetails,
    Forename(String),
    Surname(String),
    DateOfBirth(String),
    SaveDetails,
    EditIncident(IncidentId),
    IncidentText(text_editor::Action),
    SaveIncident,
    CancelEdit,
    /// Shows or hides the wordings an incident had before its edits.
    ToggleEarlier(IncidentId),
    AddIncident,
    WhoCanSee,
    Report(access_report::Message),
    /// Opens the action form under an incident, empty or with one of its actions to change.
    AddAction(IncidentId),
    EditAction(ActionId),
    ActionForm(ActionMessage),
    SaveAction,
    /// Shows or hides the versions an action had before its edits.
    ToggleEarlierAction(ActionId),
    SetStatus,
    StatusForm(StatusMessage),
    SaveStatus,
    EndStatus(StatusId),
    EndOn(String),
    SaveEnd,
    Chronology,
    ChronologyPage(chronology::Message),
    /// Opens "Who may read it" under an incident.
    Restrict(IncidentId),
    Restriction(RestrictionMessage),
    SaveRestriction,
    /// Opens the lock of the whole record.
    Lock,
    LockReaders(people_chooser::Message),
    SaveLock,
    Unlock,
}

/// Who may read one incident, being changed.
struct RestrictForm {
    incident: IncidentId,
    form: RestrictionForm,
}

pub const RESTRICT_READERS: &str = "profile-restrict-readers";
pub const RESTRICT_ABOUT: &str = "profile-restrict-about";
pub const LOCK_READERS: &str = "profile-lock-readers";

pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
    Close,
    /// Open + Add Incident about this pupil.
    AddIncident(PupilSummary),
}

pub struct ProfilePage {
    pub profile: PupilProfile,
    class: String,
    details: Option<PupilDetails>,
    incident: Option<(IncidentId, text_editor::Content)>,
    /// Incidents whose earlier wordings are open.
    earlier_open: std::collections::BTreeSet<IncidentId>,
    report: Option<AccessReport>,
    action: Option<ActionForm>,
    earlier_actions_open: std::collections::BTreeSet<ActionId>,
    status_form: Option<StatusForm>,
    end: Option<EndForm>,
    pub chronology: Option<ChronologyPage>,
    restricting: Option<RestrictForm>,
    locking: Option<Chooser>,
    reader_choices: Option<ReaderChoice>,
    pub status: Status,
}

impl ProfilePage {
    /// Opens the profile (which records the view in the audit).
    pub fn open(
        session: &mut Session,
        pupil: &PupilSummary,
    ) -> crate::service::Result<ProfilePage> {
        let profile = session.open_pupil_profile(pupil.id)?;
        Ok(ProfilePage {
            profile,
            class: pupil.class.clone(),
            details: None,
            incident: None,
            earlier_open: Default::default(),
            report: None,
            action: None,
            earlier_actions_open: Default::default(),
            status_form: None,
            end: None,
            chronology: None,
            restricting: None,
            locking: None,
            reader_choices: None,
            status: Status::Quiet,
        })
    }

    pub fn id(&self) -> PupilId {
        self.profile.pupil.id
    }

    /// Whether leaving would lose an edit in progress.
    pub fn has_unsaved_changes(&self) -> bool {
        let p = &self.profile.pupil;
        self.details.as_ref().is_some_and(|d| {
            d.forename != p.forename
                || d.surname != p.surname
                || d.date_of_birth != p.date_of_birth.clone().unwrap_or_default()
        }) || self.incident.as_ref().is_some_and(|(id, content)| {
            self.profile
                .incidents
                .iter()
                .find(|i| i.id == *id)
                .is_none_or(|i| i.description != content.text().trim_end())
        }) || self.action.as_ref().is_some_and(ActionForm::has_changes)
            || self
                .status_form
                .as_ref()
                .is_some_and(StatusForm::has_changes)
    }

    /// Closes every form, when none holds anything typed; otherwise says so and returns false.
    fn free_to_open(&mut self) -> bool {
        if self.has_unsaved_changes() {
            self.status = Status::problem("Save or cancel your changes first.");
            return false;
        }
        self.details = None;
        self.incident = None;
        self.action = None;
        self.status_form = None;
        self.end = None;
        self.restricting = None;
        self.locking = None;
        true
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        if let Message::Escape = message {
            return self.escape(session);
        }
        self.status.clear_unless_problem();
        match message {
            // Handled above, before the notice is cleared.
            Message::Escape => return Action::Effect(Effect::None),
            Message::ChronologyPage(m) => {
                if let Some(c) = &mut self.chronology {
                    match c.update(m, session) {
                        chronology::Action::Close => self.chronology = None,
                        chronology::Action::Effect(e) => {
                            return Action::Effect(e.map(Message::ChronologyPage));
                        }
                    }
                }
            }
            Message::Chronology => {
                if self.free_to_open() {
                    match ChronologyPage::open(session, self.id()) {
                        Ok(c) => self.chronology = Some(c),
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::AddAction(incident) => {
                if self.free_to_open() {
                    match ActionForm::new(session, incident) {
                        Ok(f) => self.action = Some(f),
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::EditAction(id) => {
                let found = self
                    .profile
                    .incidents
                    .iter()
                    .flat_map(|i| &i.actions)
                    .find(|a| a.id == id)
                    .cloned();
                if let Some(a) = found
                    && self.free_to_open()
                {
                    match ActionForm::edit(session, &a) {
                        Ok(f) => self.action = Some(f),
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::ActionForm(m) => {
                if let Some(f) = &mut self.action {
                    f.update(m);
                }
            }
            Message::SaveAction => {
                if let Some(f) = &self.action {
                    let saved = f.action().and_then(|a| {
                        match f.editing {
                            Some(id) => session.edit_action(id, &a),
                            None => session.add_action(f.incident, &a),
                        }
                        .map_err(|e| e.to_string())
                    });
                    match saved {
                        Ok(p) => {
                            self.status = Status::done(if f.editing.is_some() {
                                "Action saved; what it said before is kept."
                            } else {
                                "Action added."
                            });
                            self.profile = p;
                            self.action = None;
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::ToggleEarlierAction(id) => {
                if !self.earlier_actions_open.remove(&id) {
                    self.earlier_actions_open.insert(id);
                }
            }
            Message::SetStatus => {
                if self.free_to_open() {
                    self.status_form = Some(StatusForm::new());
                }
            }
            Message::StatusForm(m) => {
                if let Some(f) = &mut self.status_form {
                    f.update(m);
                }
            }
            Message::SaveStatus => {
                if let Some(f) = &self.status_form {
                    let saved = f
                        .status()
                        .and_then(|s| session.set_status(self.id(), &s).map_err(|e| e.to_string()));
                    match saved {
                        Ok(p) => {
                            self.profile = p;
                            self.status_form = None;
                            self.status = Status::done("Status saved.");
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::EndStatus(id) => {
                if self.free_to_open() {
                    self.end = Some(EndForm::new(id));
                }
            }
            Message::EndOn(on) => {
                if let Some(f) = &mut self.end {
                    f.on = on;
                }
            }
            Message::SaveEnd => {
                if let Some(f) = &self.end {
                    let saved = crate::service::records::parse_day(&f.on)
                        .and_then(|day| session.end_status(f.status, day));
                    match saved {
                        Ok(p) => {
                            self.profile = p;
                            self.end = None;
                            self.status = Status::done("Status ended.");
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::Report(m) => {
                if let Some(r) = &mut self.report
                    && let access_report::Action::Close = r.update(m, session)
                {
                    self.report = None;
                }
            }
            Message::WhoCanSee => {
                match AccessReport::for_pupil(session, self.id(), "← Back to the profile") {
                    Ok(r) => self.report = Some(r),
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Back => {
                if self.has_unsaved_changes() {
                    self.status = Status::problem("Save or cancel your changes first.");
                } else {
                    return Action::Close;
                }
            }
            Message::AddIncident => {
                return Action::AddIncident(PupilSummary {
                    id: self.id(),
                    forename: self.profile.pupil.forename.clone(),
                    surname: self.profile.pupil.surname.clone(),
                    class: self.class.clone(),
                });
            }
            Message::EditDetails => {
                let p = &self.profile.pupil;
                self.details = Some(PupilDetails {
                    forename: p.forename.clone(),
                    surname: p.surname.clone(),
                    date_of_birth: p.date_of_birth.clone().unwrap_or_default(),
                });
                return Action::Effect(Effect::Focus(FORENAME));
            }
            Message::Forename(v) => {
                if let Some(d) = &mut self.details {
                    d.forename = v;
                }
            }
            Message::Surname(v) => {
                if let Some(d) = &mut self.details {
                    d.surname = v;
                }
            }
            Message::DateOfBirth(v) => {
                if let Some(d) = &mut self.details {
                    d.date_of_birth = v;
                }
            }
            Message::SaveDetails => {
                if let Some(d) = &self.details {
                    match session.update_pupil_details(self.id(), d) {
                        Ok(p) => {
                            self.profile = p;
                            self.details = None;
                            self.status = Status::done("Details saved.");
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::Restrict(id) => {
                if self.free_to_open() {
                    let current = session.incident_restriction(id);
                    match current.and_then(|r| Ok((r, session.reader_choices()?))) {
                        Ok((r, choices)) => {
                            let me = session.me().user.id;
                            self.reader_choices = Some(choices);
                            self.restricting = Some(RestrictForm {
                                incident: id,
                                form: RestrictionForm::of(&r, me),
                            });
                            return Action::Effect(Effect::Focus(RESTRICT_ABOUT));
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::Restriction(m) => {
                if let Some(f) = &mut self.restricting {
                    f.form.update(m);
                }
            }
            Message::SaveRestriction => {
                if let Some(f) = &self.restricting {
                    let r = f.form.restricting();
                    match session.restrict_incident(f.incident, &r) {
                        Ok(profile) => {
                            let still = profile.incidents.iter().any(|i| i.id == f.incident);
                            self.profile = profile;
                            self.restricting = None;
                            self.status = Status::done(if still {
                                "Saved who may read it."
                            } else {
                                "Saved. You are no longer among those who may read it, so it is not shown to you."
                            });
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::Lock => {
                if self.free_to_open() {
                    match session.reader_choices() {
                        Ok(choices) => {
                            let me = session.me().user.id;
                            self.reader_choices = Some(choices);
                            self.locking = Some(
                                self.profile
                                    .lock_readers
                                    .as_ref()
                                    .map_or_else(|| Chooser::people([me]), Chooser::of),
                            );
                            return Action::Effect(Effect::Focus(LOCK_READERS));
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::LockReaders(m) => {
                if let Some(c) = &mut self.locking {
                    c.update(m);
                }
            }
            Message::SaveLock | Message::Unlock => {
                let readers = match (&message, &self.locking) {
                    (Message::SaveLock, Some(c)) => Some(c.readers()),
                    _ => None,
                };
                if matches!(message, Message::SaveLock) && readers.is_none() {
                    return Action::Effect(Effect::None);
                }
                match session.lock_record(self.id(), readers.as_ref()) {
                    Ok(profile) => {
                        self.profile = profile;
                        self.locking = None;
                        self.status = Status::done(if readers.is_some() {
                            "The record is locked: only the people chosen can read its incidents."
                        } else {
                            "The record is unlocked."
                        });
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::EditIncident(id) => {
                if let Some(i) = self.profile.incidents.iter().find(|i| i.id == id) {
                    self.incident = Some((id, text_editor::Content::with_text(&i.description)));
                }
            }
            Message::IncidentText(action) => {
                if let Some((_, content)) = &mut self.incident {
                    content.perform(action);
                }
            }
            Message::SaveIncident => {
                if let Some((id, content)) = &self.incident {
                    match session.edit_incident(*id, &content.text()) {
                        Ok(p) => {
                            self.profile = p;
                            self.incident = None;
                            self.status = Status::done("Incident saved.");
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::CancelEdit => {
                self.details = None;
                self.incident = None;
                self.action = None;
                self.status_form = None;
                self.end = None;
                self.restricting = None;
                self.locking = None;
                self.status.clear_problem();
            }
            Message::ToggleEarlier(id) => {
                if !self.earlier_open.remove(&id) {
                    self.earlier_open.insert(id);
                }
            }
        }
        Action::Effect(Effect::None)
    }

    /// Escape: closes the report, then an edit, then the profile.
    fn escape(&mut self, session: &mut Session) -> Action {
        if self.report.is_some() {
            return self.update(Message::Report(access_report::Message::Back), session);
        }
        if self.chronology.is_some() {
            return self.update(Message::ChronologyPage(chronology::Message::Back), session);
        }
        if self.details.is_some()
            || self.incident.is_some()
            || self.action.is_some()
            || self.status_form.is_some()
            || self.end.is_some()
            || self.restricting.is_some()
            || self.locking.is_some()
        {
            return self.update(Message::CancelEdit, session);
        }
        self.update(Message::Back, session)
    }

    pub fn view<'a>(&'a self, me: &Me, hide_names: bool) -> Element<'a, Message> {
        if let Some(r) = &self.report {
            return r.view(hide_names).map(Message::Report);
        }
        if let Some(c) = &self.chronology {
            return c.view(hide_names).map(Message::ChronologyPage);
        }
        let p = &self.profile;
        let name = p.pupil.display_name(hide_names);
        let mut actions =
            row![form::secondary("Back to pupils", Some(Message::Back))].spacing(theme::SPACE_S);
        if p.can_record {
            actions = actions.push(form::secondary(
                "+ Add Incident for this pupil",
                Some(Message::AddIncident),
            ));
        }
        // Locking is for the safeguarding team; a lock is changed only by those it is open to.
        if p.can_lock && self.locking.is_none() {
            actions = actions.push(form::secondary(
                if p.lock.is_some() {
                    "Change the lock…"
                } else {
                    "Lock this record…"
                },
                Some(Message::Lock),
            ));
            if p.lock.is_some() {
                actions = actions.push(form::secondary("Unlock", Some(Message::Unlock)));
            }
        }
        actions = actions.push(form::secondary("Chronology", Some(Message::Chronology)));
        if me.permissions.has(SystemPermission::ManageSystem) {
            actions = actions.push(form::secondary(
                "Who can see this pupil?",
                Some(Message::WhoCanSee),
            ));
        }
        let mut c = column![
            actions,
            column![
                text(name).size(theme::TEXT_TITLE).font(BOLD),
                text(self.class.as_str())
                    .size(theme::TEXT_BODY)
                    .style(theme::muted),
            ]
            .spacing(theme::SPACE_XS),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        for h in &p.holds {
            c = c.push(form::warning(format!(
                "These records are on hold: {} (placed by {} on {}{}). Nothing of this pupil's may be destroyed while the hold stands.",
                h.hold.reason,
                h.placed_by,
                crate::clock::format_local(h.hold.placed_at),
                h.hold
                    .ends_on
                    .map(|e| format!(", until {}", e.format("%-d %b %Y")))
                    .unwrap_or_default()
            )));
        }
        if let Some(l) = &p.lock {
            c = c.push(form::warning(format!("{l}.")));
        }
        if let (Some(chooser), Some(choices)) = (&self.locking, &self.reader_choices) {
            c = c.push(form::panel(
                column![
                    text("Lock this pupil's record").size(theme::TEXT_LARGE).font(BOLD),
                    text("Every incident of this pupil's, past and future, can then be read only by the people and user groups chosen (and by whoever recorded it), until it is unlocked. They still need access to the pupil and the category.")
                        .size(theme::TEXT_SMALL)
                        .style(theme::muted),
                    chooser.view(choices, true, LOCK_READERS, "Add a person", Message::LockReaders),
                    form::actions(
                        vec![form::secondary("Cancel", Some(Message::CancelEdit))],
                        form::primary(
                            "Lock the record",
                            (!chooser.is_empty()).then_some(Message::SaveLock),
                        ),
                    ),
                ]
                .spacing(theme::SPACE_M),
            ));
        }
        c = c.push(self.details_card(hide_names));
        c = c.push(self.statuses_card());
        c = c.push(self.incidents_card(hide_names));
        c.into()
    }

    fn details_card(&self, hide_names: bool) -> Element<'_, Message> {
        let p = &self.profile;
        let line = |label: &'static str, value: String| {
            row![
                text(label)
                    .size(theme::TEXT_SMALL)
                    .font(BOLD)
                    .style(theme::muted)
                    .width(Length::Fixed(160.0)),
                text(value).size(theme::TEXT_BODY).width(Fill),
            ]
            .spacing(theme::SPACE_M)
        };
        let mut c =
            column![text("Details").size(theme::TEXT_HEADING).font(BOLD)].spacing(theme::SPACE_S);
        match &self.details {
            Some(d) => {
                c = c.push(
                    row![
                        Field::new("Forename", FORENAME, &d.forename, Message::Forename).view(),
                        Field::new("Surname", SURNAME, &d.surname, Message::Surname).view(),
                        Field::new("Date of birth", DOB, &d.date_of_birth, Message::DateOfBirth)
                            .placeholder("dd/mm/yyyy")
                            .on_submit(Message::SaveDetails)
                            .view(),
                    ]
                    .spacing(theme::SPACE_M),
                );
                c = c.push(form::actions(
                    vec![form::secondary("Cancel", Some(Message::CancelEdit))],
                    form::primary("Save details", Some(Message::SaveDetails)),
                ));
            }
            None => {
                let dob = match (&p.pupil.date_of_birth, hide_names) {
                    (_, true) => "hidden".to_string(),
                    (Some(d), false) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_or_else(|_| d.clone(), |d| d.format("%-d %B %Y").to_string()),
                    (None, false) => "not recorded".to_string(),
                };
                c = c
                    .push(line("Date of birth", dob))
                    .push(line(
                        "MIS ID",
                        p.pupil.mis_id.clone().unwrap_or_else(|| "none".into()),
                    ))
                    .push(line(
                        "UPN",
                        p.pupil.upn.clone().unwrap_or_else(|| "none".into()),
                    ))
                    .push(line(
                        "Groups",
                        if p.groups.is_empty() {
                            "none".into()
                        } else {
                            p.groups.join(", ")
                        },
                    ))
                    .push(line(
                        "Monitored for",
                        if p.monitored.is_empty() {
                            "no category you can see".into()
                        } else {
                            p.monitored.join(", ")
                        },
                    ));
                if p.can_edit_details {
                    c = c.push(form::link("Edit details", Message::EditDetails));
                }
            }
        }
        container(c)
            .padding(theme::SPACE_L)
            .width(Fill)
            .style(theme::card)
            .into()
    }

    fn incidents_card(&self, hide_names: bool) -> Element<'_, Message> {
        let p = &self.profile;
        let mut c = column![
            text("Incidents").size(theme::TEXT_HEADING).font(BOLD),
            text("Newest first. Only the categories your user group may read are shown.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_S);
        if p.incidents.is_empty() {
            c = c.push(text("None to show.").size(theme::TEXT_BODY));
        }
        for i in &p.incidents {
            let mut entry = column![
                row![
                    text(i.category_label.as_str())
                        .size(theme::TEXT_BODY)
                        .font(BOLD)
                        .width(Fill),
                    text(format_local(i.occurred_at))
                        .size(theme::TEXT_SMALL)
                        .style(theme::muted),
                ]
                .align_y(iced::Center),
            ]
            .spacing(theme::SPACE_XS);
            match &self.incident {
                Some((id, content)) if *id == i.id => {
                    entry = entry.push(
                        text_editor(content)
                            .on_action(Message::IncidentText)
                            .height(Length::Fixed(140.0))
                            .padding(theme::SPACE_S),
                    );
                    entry = entry.push(form::actions(
                        vec![form::secondary("Cancel", Some(Message::CancelEdit))],
                        form::primary("Save incident", Some(Message::SaveIncident)),
                    ));
                }
                _ => {
                    entry = entry.push(text(i.description.as_str()).size(theme::TEXT_BODY));
                }
            }
            let mut footer = format!(
                "Recorded by {} on {}",
                i.recorded_by,
                format_local(i.recorded_at)
            );
            if let Some(last) = i.earlier.last() {
                footer.push_str(&match &last.replaced_by {
                    Some(by) => format!(". Edited by {by} on {}", format_local(last.replaced_at)),
                    None => format!(". Edited on {}", format_local(last.replaced_at)),
                });
            }
            if let Some(r) = &i.received {
                footer.push_str(&format!(". {}", r.describe()));
            }
            if !i.linked.is_empty() || i.linked_hidden > 0 {
                let mut names: Vec<String> = i
                    .linked
                    .iter()
                    .map(|l| l.display_name(hide_names))
                    .collect();
                if i.linked_hidden > 0 {
                    names.push(crate::model::names::count(
                        i.linked_hidden,
                        "pupil you cannot see",
                        "pupils you cannot see",
                    ));
                }
                footer.push_str(&format!(". Also involved: {}", names.join(", ")));
            }
            let mut foot = row![
                text(footer)
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted)
                    .width(Fill)
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center);
            if !i.earlier.is_empty() {
                let open = self.earlier_open.contains(&i.id);
                let label = format!(
                    "{} {}",
                    if open { "Hide" } else { "Show" },
                    crate::model::names::count(
                        i.earlier.len(),
                        "earlier wording",
                        "earlier wordings"
                    )
                );
                foot = foot.push(form::link(label, Message::ToggleEarlier(i.id)));
            }
            if p.can_edit_incidents && self.incident.is_none() {
                foot = foot.push(form::link("Edit", Message::EditIncident(i.id)));
            }
            if i.can_restrict && self.restricting.is_none() {
                foot = foot.push(form::link("Who may read it…", Message::Restrict(i.id)));
            }
            entry = entry.push(foot);
            if let Some(r) = &i.restriction {
                entry = entry.push(
                    text(format!("Restricted. {r}."))
                        .size(theme::TEXT_SMALL)
                        .font(BOLD)
                        .style(theme::warning_text),
                );
            }
            if let (Some(f), Some(choices)) = (
                self.restricting.as_ref().filter(|f| f.incident == i.id),
                &self.reader_choices,
            ) {
                entry = entry.push(restrict_form(f, choices));
            }
            if self.earlier_open.contains(&i.id) {
                for e in i.earlier.iter().rev() {
                    entry = entry.push(
                        container(
                            column![
                                text(match &e.replaced_by {
                                    Some(by) => format!(
                                        "Until {}, when {by} edited it:",
                                        format_local(e.replaced_at)
                                    ),
                                    None => format!(
                                        "Until it was edited on {}:",
                                        format_local(e.replaced_at)
                                    ),
                                })
                                .size(theme::TEXT_SMALL)
                                .style(theme::muted),
                                text(e.description.as_str()).size(theme::TEXT_BODY),
                            ]
                            .spacing(theme::SPACE_XS),
                        )
                        .padding(iced::Padding::ZERO.left(theme::SPACE_M)),
                    );
                }
            }
            entry = entry.push(self.actions_view(i));
            c = c.push(
                container(entry)
                    .padding(theme::SPACE_M)
                    .width(Fill)
                    .style(theme::card),
            );
        }
        container(c)
            .padding(theme::SPACE_L)
            .width(Fill)
            .style(theme::card)
            .into()
    }

    /// The actions taken on an incident, oldest first, with the form to add or change one.
    fn actions_view<'a>(
        &'a self,
        i: &'a crate::service::records::IncidentView,
    ) -> Element<'a, Message> {
        let mut c = column![].spacing(theme::SPACE_S);
        if !i.actions.is_empty() {
            c = c.push(
                text(format!(
                    "{} taken",
                    crate::model::names::capitalise(&crate::model::names::count(
                        i.actions.len(),
                        "action",
                        "actions"
                    ))
                ))
                .size(theme::TEXT_SMALL)
                .font(BOLD)
                .style(theme::muted),
            );
        }
        for a in &i.actions {
            if self
                .action
                .as_ref()
                .is_some_and(|f| f.editing == Some(a.id))
            {
                c = c.push(self.action_form());
                continue;
            }
            let mut one = column![
                row![
                    text(a.outcome.label())
                        .size(theme::TEXT_BODY)
                        .font(BOLD)
                        .width(Fill),
                    text(format_local(a.taken_at))
                        .size(theme::TEXT_SMALL)
                        .style(theme::muted),
                ]
                .align_y(iced::Center),
                text(a.description.as_str()).size(theme::TEXT_BODY),
            ]
            .spacing(theme::SPACE_XS);
            if !a.rationale.is_empty() {
                one = one.push(text(format!("Why: {}", a.rationale)).size(theme::TEXT_BODY));
            }
            let mut by = format!(
                "By {}; recorded by {} on {}",
                a.taken_by.name,
                a.recorded_by.name,
                format_local(a.recorded_at)
            );
            if let Some(last) = a.earlier.last() {
                by.push_str(&format!(
                    ". Changed by {} on {}",
                    last.replaced_by.name,
                    format_local(last.replaced_at)
                ));
            }
            let mut foot = row![
                text(by)
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted)
                    .width(Fill)
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center);
            if !a.earlier.is_empty() {
                let open = self.earlier_actions_open.contains(&a.id);
                foot = foot.push(form::link(
                    format!(
                        "{} {}",
                        if open { "Hide" } else { "Show" },
                        crate::model::names::count(
                            a.earlier.len(),
                            "earlier version",
                            "earlier versions"
                        )
                    ),
                    Message::ToggleEarlierAction(a.id),
                ));
            }
            if a.can_edit && self.action.is_none() {
                foot = foot.push(form::link("Change", Message::EditAction(a.id)));
            }
            one = one.push(foot);
            if self.earlier_actions_open.contains(&a.id) {
                for e in a.earlier.iter().rev() {
                    let mut was = column![
                        text(format!(
                            "Until {}, when {} changed it: {} on {} by {}",
                            format_local(e.replaced_at),
                            e.replaced_by.name,
                            e.outcome.label(),
                            format_local(e.taken_at),
                            e.taken_by.name
                        ))
                        .size(theme::TEXT_SMALL)
                        .style(theme::muted),
                        text(e.description.as_str()).size(theme::TEXT_BODY),
                    ]
                    .spacing(theme::SPACE_XS);
                    if !e.rationale.is_empty() {
                        was =
                            was.push(text(format!("Why: {}", e.rationale)).size(theme::TEXT_BODY));
                    }
                    one =
                        one.push(container(was).padding(iced::Padding::ZERO.left(theme::SPACE_M)));
                }
            }
            c = c.push(
                container(one)
                    .padding(iced::Padding::from(theme::SPACE_S).left(theme::SPACE_M))
                    .width(Fill)
                    .style(theme::card),
            );
        }
        match &self.action {
            Some(f) if f.incident == i.id && f.editing.is_none() => c = c.push(self.action_form()),
            None if i.can_add_action => {
                c = c.push(form::link("+ Add action", Message::AddAction(i.id)));
            }
            _ => {}
        }
        container(c)
            .padding(iced::Padding::ZERO.left(theme::SPACE_L))
            .into()
    }

    fn action_form(&self) -> Element<'_, Message> {
        let Some(f) = &self.action else {
            return iced::widget::space().into();
        };
        container(
            column![
                f.view().map(Message::ActionForm),
                form::actions(
                    vec![form::secondary("Cancel", Some(Message::CancelEdit))],
                    form::primary("Save action", Some(Message::SaveAction)),
                ),
            ]
            .spacing(theme::SPACE_S),
        )
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card)
        .into()
    }

    /// The pupil's statuses, open ones first, with setting and ending for those allowed.
    fn statuses_card(&self) -> Element<'_, Message> {
        let p = &self.profile;
        let mut c = column![
            text("Statuses").size(theme::TEXT_HEADING).font(BOLD),
            text("Child protection plan, child in need, looked after, early help, young carer.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_S);
        if p.statuses.is_empty() {
            c = c.push(text("None recorded.").size(theme::TEXT_BODY));
        }
        let mut ordered: Vec<_> = p.statuses.iter().collect();
        ordered.sort_by_key(|s| (!s.is_open(), std::cmp::Reverse(s.started_on)));
        for s in ordered {
            let mut line = row![
                text(s.kind.label())
                    .size(theme::TEXT_BODY)
                    .font(if s.is_open() {
                        BOLD
                    } else {
                        iced::Font::DEFAULT
                    })
                    .width(Length::Fixed(220.0)),
                text(s.period()).size(theme::TEXT_BODY).width(Fill),
                text(format!("Recorded by {}", s.set_by.name))
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center);
            if s.is_open() && p.can_edit_statuses && self.end.is_none() {
                line = line.push(form::link("End…", Message::EndStatus(s.id)));
            }
            c = c.push(line);
            if !s.note.is_empty() {
                c = c.push(
                    text(s.note.as_str())
                        .size(theme::TEXT_SMALL)
                        .style(theme::muted),
                );
            }
            if let Some(f) = self.end.as_ref().filter(|f| f.status == s.id) {
                c = c.push(f.view(Message::EndOn, Message::SaveEnd, Message::CancelEdit));
            }
        }
        match &self.status_form {
            Some(f) => {
                c = c.push(f.view().map(Message::StatusForm));
                c = c.push(form::actions(
                    vec![form::secondary("Cancel", Some(Message::CancelEdit))],
                    form::primary("Save status", Some(Message::SaveStatus)),
                ));
            }
            None if p.can_edit_statuses => {
                c = c.push(form::link("+ Set a status", Message::SetStatus));
            }
            None => {}
        }
        container(c)
            .padding(theme::SPACE_L)
            .width(Fill)
            .style(theme::card)
            .into()
    }
}

/// Who may read one incident: only the people chosen, or everyone the other rules allow; and
/// the staff it is about.
fn restrict_form<'a>(f: &'a RestrictForm, choices: &'a ReaderChoice) -> Element<'a, Message> {
    let mut c = column![
        text("Who may read it").size(theme::TEXT_BODY).font(BOLD),
        f.form.view(
            choices,
            (RESTRICT_READERS, RESTRICT_ABOUT),
            "Only these people can read this (whoever recorded it always can)",
            Message::Restriction,
        ),
    ]
    .spacing(theme::SPACE_S);
    c = c.push(form::actions(
        vec![form::secondary("Cancel", Some(Message::CancelEdit))],
        form::primary("Save who may read it", Some(Message::SaveRestriction)),
    ));
    container(c)
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card)
        .into()
}
