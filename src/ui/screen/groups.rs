//! Admin > Groups: a sub-tab per group type with its Restrict access? box and its table of groups,
//! new groups, renames and MIS IDs in place, Archive all and Remove. Edit opens the class editor.

use super::access_report::{self, AccessReport};
use super::class_editor::{self, ClassEditor};
use crate::model::{GroupType, Pupil, PupilGroupId, PupilId, names};
use crate::service::Session;
use crate::service::groups::{GroupRow, GroupTypeSummary};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::status::Status;
use iced::widget::{button, checkbox, column, container, row, text, tooltip};
use iced::{Element, Fill, Length};

pub const NEW_NAME: &str = "groups-new-name";
pub const NEW_MIS: &str = "groups-new-mis";
pub const EDIT_NAME: &str = "groups-edit-name";
pub const EDIT_MIS: &str = "groups-edit-mis";

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    SubTab(GroupType),
    Restrict(bool),
    Confirm,
    CancelConfirm,
    NewGroup,
    NewName(String),
    NewMis(String),
    CreateGroup,
    CancelNew,
    Edit(PupilGroupId),
    EditName(String),
    EditMis(String),
    SaveEdit,
    CancelEdit,
    ArchiveAll(PupilGroupId),
    Remove(PupilGroupId),
    MarkReviewed(PupilGroupId),
    OpenEditor(PupilGroupId),
    ShowWithoutGroup(bool),
    /// "Who can see this pupil?" for a pupil in the list of those without a group.
    WhoCanSee(PupilId),
    Report(access_report::Message),
    Editor(class_editor::Message),
}

/// What the tab shows: the table of groups, or one of the pages opened from it.
enum View {
    Table,
    /// The class editor, when a group's Edit was clicked.
    Editor(Box<ClassEditor>),
    /// "Who can see this pupil?", opened from the pupils without a group.
    Report(Box<AccessReport>),
}

/// Which of the tab's pages is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    List,
    ClassEditor,
    AccessReport,
}

/// What the tab asks of the home screen.
pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
}

/// A question that must be answered before something changes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Restrict {
        on: bool,
        warning: String,
    },
    Archive {
        id: PupilGroupId,
        title: String,
        pupils: usize,
    },
    Remove {
        id: PupilGroupId,
        title: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Draft {
    id: Option<PupilGroupId>,
    name: String,
    mis_id: String,
}

pub struct GroupsTab {
    pub current: GroupType,
    types: Vec<GroupTypeSummary>,
    pending: Option<Pending>,
    new_group: Option<Draft>,
    editing: Option<Draft>,
    show_without_group: bool,
    view: View,
    pub status: Status,
}

impl GroupsTab {
    /// The message line under the heading of the page that is showing (the table, the class
    /// editor or the access report).
    pub fn page_status(&mut self) -> &mut Status {
        match &mut self.view {
            View::Editor(e) => &mut e.status,
            View::Report(r) => &mut r.status,
            View::Table => &mut self.status,
        }
    }

    pub fn new(session: &Session) -> GroupsTab {
        let mut tab = GroupsTab {
            current: GroupType::AcademicLevel,
            types: Vec::new(),
            pending: None,
            new_group: None,
            editing: None,
            show_without_group: false,
            view: View::Table,
            status: Status::Quiet,
        };
        tab.reload(session);
        // Open on the type that is restricted, as that is where the work is.
        if let Some(t) = tab.types.iter().find(|t| t.restricted) {
            tab.current = t.group_type;
        }
        tab
    }

    pub fn reload(&mut self, session: &Session) {
        match session.groups_tab() {
            Ok(t) => self.types = t,
            Err(e) => self.status = Status::problem(e),
        }
    }

    fn summary(&self) -> Option<&GroupTypeSummary> {
        self.types.iter().find(|t| t.group_type == self.current)
    }

    fn row(&self, id: PupilGroupId) -> Option<&GroupRow> {
        self.types
            .iter()
            .flat_map(|t| &t.groups)
            .find(|r| r.group.id == id)
    }

    /// Sets the result of an operation as the message on screen and reloads the table.
    fn done(&mut self, session: &Session, result: crate::service::Result<String>) {
        match result {
            Ok(notice) => {
                self.status = Status::done(notice);
            }
            Err(e) => {
                self.status = Status::problem(e);
            }
        }
        self.reload(session);
    }

    /// The question to ask before switching restriction, if any.
    fn restrict_warning(&self, on: bool) -> Option<String> {
        let s = self.summary()?;
        let t = s.group_type;
        if !on {
            return Some(format!(
                "Stop restricting by {}? Every member of staff whose user group lets them see pupils will then see the pupils of every {}, whatever the access lists say.",
                t.plural(),
                t.label()
            ));
        }
        let mut parts = Vec::new();
        let others: Vec<&str> = self
            .types
            .iter()
            .filter(|o| o.restricted && o.group_type != t)
            .map(|o| o.group_type.plural())
            .collect();
        if !others.is_empty() {
            parts.push(format!(
                "Access is already restricted by {}. With two types restricted they work against each other: a pupil is visible only to staff on the lists of all their groups. Most schools restrict by one type only.",
                others.join(" and ")
            ));
        }
        let missing = s.pupils_without_group.len();
        if missing > 0 {
            parts.push(format!(
                "{} no {}. While {} are restricted, only staff on the list of every {} will see them.",
                names::count(missing, "pupil has", "pupils have"),
                t.label(),
                t.plural(),
                t.label()
            ));
        }
        if s.groups.is_empty() {
            parts.push(format!(
                "There are no {} yet, so nobody would see any pupil.",
                t.plural()
            ));
        }
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }

    /// 0 for the table, 1 for the class editor.
    pub fn page(&self) -> Page {
        match self.view {
            View::Table => Page::List,
            View::Editor(_) => Page::ClassEditor,
            View::Report(_) => Page::AccessReport,
        }
    }

    /// The class editor, when it is open.
    pub fn editor(&self) -> Option<&ClassEditor> {
        match &self.view {
            View::Editor(e) => Some(e),
            _ => None,
        }
    }

    /// Whether leaving now would lose changes.
    pub fn has_unsaved_changes(&self) -> bool {
        matches!(&self.view, View::Editor(e) if e.is_dirty())
    }

    fn after_editor(&mut self, outcome: class_editor::Action, session: &Session) -> Action {
        match outcome {
            class_editor::Action::Effect(e) => Action::Effect(e.map(Message::Editor)),
            class_editor::Action::Close => {
                self.view = View::Table;
                self.reload(session);
                Action::Effect(Effect::None)
            }
        }
    }

    /// Keys for the class editor, when it is open: its lists. (Ctrl+S is the window's.)
    pub fn key(
        &mut self,
        key: &iced::keyboard::Key,
        modifiers: iced::keyboard::Modifiers,
        session: &mut Session,
    ) -> Action {
        match &mut self.view {
            View::Editor(e) => {
                let o = e.key(key, modifiers);
                self.after_editor(o, session)
            }
            _ => Action::Effect(Effect::None),
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        match message {
            Message::Escape => {
                self.escape(session);
                return Action::Effect(Effect::None);
            }
            Message::WhoCanSee(p) => {
                match AccessReport::for_pupil(session, p, "← Back to the groups") {
                    Ok(r) => {
                        self.view = View::Report(Box::new(r));
                        self.status.clear_problem();
                        return Action::Effect(Effect::Focus(access_report::FILTER));
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Report(m) => {
                if let View::Report(r) = &mut self.view
                    && let access_report::Action::Close = r.update(m, session)
                {
                    self.view = View::Table;
                }
            }
            Message::Editor(m) => {
                if let View::Editor(e) = &mut self.view {
                    let o = e.update(m, session, modifiers);
                    return self.after_editor(o, session);
                }
            }
            Message::SubTab(t) => {
                self.current = t;
                self.pending = None;
                self.new_group = None;
                self.editing = None;
                self.show_without_group = false;
                self.status.clear();
            }
            Message::Restrict(on) => match self.restrict_warning(on) {
                Some(warning) => self.pending = Some(Pending::Restrict { on, warning }),
                None => {
                    let t = self.current;
                    let r = session
                        .set_restricted(t, on)
                        .map(|()| format!("Access is now restricted by {}.", t.plural()));
                    self.done(session, r);
                }
            },
            Message::Confirm => match self.pending.take() {
                Some(Pending::Restrict { on, .. }) => {
                    let t = self.current;
                    let r = session.set_restricted(t, on).map(|()| {
                        if on {
                            format!("Access is now restricted by {}.", t.plural())
                        } else {
                            format!("Access is no longer restricted by {}.", t.plural())
                        }
                    });
                    self.done(session, r);
                }
                Some(Pending::Archive { id, title, .. }) => {
                    let r = session.archive_group_pupils(id).map(|n| {
                        format!("{n} pupils of {title} were archived. Their records are kept; Pupils > Archived brings any of them back.")
                    });
                    self.done(session, r);
                }
                Some(Pending::Remove { id, title }) => {
                    let r = session
                        .remove_group(id)
                        .map(|()| format!("{title} was removed."));
                    self.done(session, r);
                }
                None => {}
            },
            Message::CancelConfirm => self.pending = None,
            Message::NewGroup => {
                self.new_group = Some(Draft::default());
                self.editing = None;
                return Action::Effect(Effect::Focus(NEW_NAME));
            }
            Message::NewName(v) => {
                if let Some(d) = &mut self.new_group {
                    d.name = v;
                }
            }
            Message::NewMis(v) => {
                if let Some(d) = &mut self.new_group {
                    d.mis_id = v;
                }
            }
            Message::CreateGroup => {
                let Some(d) = self.new_group.clone() else {
                    return Action::Effect(Effect::None);
                };
                let t = self.current;
                match session.create_group(t, &d.name, &d.mis_id) {
                    Ok(_) => {
                        self.new_group = None;
                        self.done(
                            session,
                            Ok(format!("{} ({}) was created.", d.name.trim(), t.label())),
                        );
                    }
                    Err(e) => {
                        // Keep what was typed so it can be corrected.
                        self.status = Status::problem(e);
                        return Action::Effect(Effect::Focus(NEW_NAME));
                    }
                }
            }
            Message::CancelNew => self.new_group = None,
            Message::Edit(id) => {
                if let Some(r) = self.row(id) {
                    self.editing = Some(Draft {
                        id: Some(id),
                        name: r.group.name.clone(),
                        mis_id: r.group.mis_id.clone().unwrap_or_default(),
                    });
                    self.new_group = None;
                    return Action::Effect(Effect::Focus(EDIT_NAME));
                }
            }
            Message::EditName(v) => {
                if let Some(d) = &mut self.editing {
                    d.name = v;
                }
            }
            Message::EditMis(v) => {
                if let Some(d) = &mut self.editing {
                    d.mis_id = v;
                }
            }
            Message::SaveEdit => {
                let Some(Draft {
                    id: Some(id),
                    name,
                    mis_id,
                }) = self.editing.clone()
                else {
                    return Action::Effect(Effect::None);
                };
                let r = session
                    .rename_group(id, &name)
                    .and_then(|()| session.set_group_mis_id(id, &mis_id));
                match r {
                    Ok(()) => {
                        self.editing = None;
                        self.done(session, Ok(format!("{} saved.", name.trim())));
                    }
                    Err(e) => {
                        self.status = Status::problem(e);
                        self.reload(session);
                        return Action::Effect(Effect::Focus(EDIT_NAME));
                    }
                }
            }
            Message::CancelEdit => self.editing = None,
            Message::ArchiveAll(id) => {
                if let Some(r) = self.row(id) {
                    self.pending = Some(Pending::Archive {
                        id,
                        title: r.group.title(),
                        pupils: r.pupils,
                    });
                }
            }
            Message::Remove(id) => {
                if let Some(r) = self.row(id) {
                    let members = r.pupils + r.archived_pupils;
                    if members > 0 {
                        self.status = Status::problem(format!(
                            "{} cannot be removed while {members} pupils (current or archived) belong to it. Only an empty group can be removed.",
                            r.group.title()
                        ));
                    } else {
                        self.pending = Some(Pending::Remove {
                            id,
                            title: r.group.title(),
                        });
                    }
                }
            }
            Message::MarkReviewed(id) => {
                let r = session
                    .mark_group_reviewed(id)
                    .map(|()| "Marked as reviewed.".to_string());
                self.done(session, r);
            }
            Message::OpenEditor(id) => match ClassEditor::open(session, id) {
                Ok(e) => {
                    self.view = View::Editor(Box::new(e));
                    self.status.clear_unless_problem();
                    return Action::Effect(Effect::Focus(class_editor::LABELS.filters[0]));
                }
                Err(e) => self.status = Status::problem(e),
            },
            Message::ShowWithoutGroup(on) => self.show_without_group = on,
        }
        Action::Effect(Effect::None)
    }

    /// Escape closes whatever small form or question is open, or steps out of the editor.
    fn escape(&mut self, session: &mut Session) -> bool {
        if matches!(self.view, View::Report(_)) {
            self.update(
                Message::Report(access_report::Message::Back),
                session,
                iced::keyboard::Modifiers::default(),
            );
            return true;
        }
        if let View::Editor(e) = &mut self.view {
            let o = e.update(
                class_editor::Message::Escape,
                session,
                iced::keyboard::Modifiers::default(),
            );
            self.after_editor(o, session);
            return true;
        }
        let open = self.pending.is_some() || self.new_group.is_some() || self.editing.is_some();
        self.pending = None;
        self.new_group = None;
        self.editing = None;
        open
    }

    /// `list_height`: how tall the class editor's lists may be to fill the window.
    pub fn view(&self, hide_names: bool, list_height: f32) -> Element<'_, Message> {
        match &self.view {
            View::Editor(e) => return e.view(list_height).map(Message::Editor),
            View::Report(r) => return r.view(hide_names).map(Message::Report),
            View::Table => {}
        }
        let sub_tabs = GroupType::ALL
            .into_iter()
            .fold(row![].spacing(theme::SPACE_XS), |r, t| {
                r.push(focusable(
                    button(text(t.plural()).size(theme::TEXT_BODY))
                        .padding([theme::SPACE_XS + 2.0, theme::SPACE_M])
                        .style(theme::tab_button(t == self.current))
                        .on_press(Message::SubTab(t)),
                ))
            });
        let mut c = column![
            row![
                form::section_title("Groups"),
                iced::widget::space().width(Fill),
                form::secondary("New Group", Some(Message::NewGroup)),
            ]
            .align_y(iced::Center),
            text("Pupils belong to groups of three types. Restrict access by a type, then choose for each of its groups which staff can see its pupils.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
            sub_tabs,
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        let Some(s) = self.summary() else {
            return c.into();
        };
        c = c.push(focusable(
            checkbox(s.restricted)
                .label("Restrict access?")
                .on_toggle(Message::Restrict)
                .size(20)
                .text_size(theme::TEXT_BODY),
        ));
        if let Some(p) = &self.pending {
            c = c.push(self.question(p));
        }
        let missing = s.pupils_without_group.len();
        if missing > 0 {
            let pupils = names::count(missing, "pupil has", "pupils have");
            let message = if s.restricted {
                format!(
                    "{pupils} no {}. While {} are restricted, only staff on every {}'s list can see them.",
                    s.group_type.label(),
                    s.group_type.plural(),
                    s.group_type.label()
                )
            } else {
                format!("{pupils} no {}.", s.group_type.label())
            };
            c = c.push(
                container(
                    row![
                        text(message).size(theme::TEXT_BODY).width(Fill),
                        form::link(
                            if self.show_without_group {
                                "Hide the list"
                            } else {
                                "Show them"
                            },
                            Message::ShowWithoutGroup(!self.show_without_group)
                        ),
                    ]
                    .spacing(theme::SPACE_M)
                    .align_y(iced::Center),
                )
                .padding(theme::SPACE_S + 4.0)
                .width(Fill)
                .style(if s.restricted {
                    theme::warning_banner
                } else {
                    theme::info_banner
                }),
            );
            if self.show_without_group {
                c = c.push(without_group_list(&s.pupils_without_group, hide_names));
            }
        }
        if let Some(d) = &self.new_group {
            c = c.push(self.new_group_form(d, s.group_type));
        }
        c.push(self.table(s)).into()
    }

    fn question<'a>(&'a self, p: &'a Pending) -> Element<'a, Message> {
        let (message, confirm): (String, &str) = match p {
            Pending::Restrict { on: true, warning } => (warning.clone(), "Restrict access"),
            Pending::Restrict { on: false, warning } => (warning.clone(), "Stop restricting"),
            Pending::Archive { title, pupils, .. } => (
                format!(
                    "Archive all {pupils} pupils of {title}? They leave the class lists but their records are kept, and Pupils > Archived can bring any of them back."
                ),
                "Archive all",
            ),
            Pending::Remove { title, .. } => (
                format!("Remove {title}? Its access list goes with it."),
                "Remove",
            ),
        };
        form::question(
            message,
            ("Cancel", Message::CancelConfirm),
            (confirm, Message::Confirm),
        )
    }

    fn new_group_form<'a>(&'a self, d: &'a Draft, t: GroupType) -> Element<'a, Message> {
        container(
            column![
                text(format!("New {}", t.label()))
                    .font(BOLD)
                    .size(theme::TEXT_LARGE),
                row![
                    Field::new("Name", NEW_NAME, &d.name, Message::NewName)
                        .on_submit(Message::CreateGroup)
                        .view(),
                    Field::new("MIS ID (optional)", NEW_MIS, &d.mis_id, Message::NewMis)
                        .on_submit(Message::CreateGroup)
                        .view(),
                ]
                .spacing(theme::SPACE_M),
                row![
                    form::secondary("Cancel", Some(Message::CancelNew)),
                    form::primary("Create group", Some(Message::CreateGroup)),
                ]
                .spacing(theme::SPACE_S),
            ]
            .spacing(theme::SPACE_M),
        )
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card)
        .into()
    }

    fn table<'a>(&'a self, s: &'a GroupTypeSummary) -> Element<'a, Message> {
        let head = |label: &'a str, portion: u16| {
            container(
                text(label)
                    .size(theme::TEXT_SMALL)
                    .font(BOLD)
                    .style(theme::muted),
            )
            .width(Length::FillPortion(portion))
        };
        let mut rows = column![
            row![
                head("Name", 4),
                head("Type", 3),
                head("New", 1),
                head("MIS ID", 2),
                head("Pupils", 1),
                head("Can see", 1),
                head("Edit", 2),
                head("Archive students", 2),
                head("Remove", 2),
            ]
            .spacing(theme::SPACE_S)
        ]
        .spacing(theme::SPACE_XS);
        if s.groups.is_empty() {
            rows = rows.push(
                text(format!(
                    "There are no {} yet. Use New Group to add one.",
                    s.group_type.plural()
                ))
                .size(theme::TEXT_BODY)
                .style(theme::muted),
            );
        }
        for r in &s.groups {
            rows = rows.push(self.group_row(r, s.restricted));
        }
        container(rows)
            .padding(theme::SPACE_M)
            .width(Fill)
            .style(theme::card)
            .into()
    }

    fn group_row<'a>(&'a self, r: &'a GroupRow, restricted: bool) -> Element<'a, Message> {
        let cell = |e: Element<'a, Message>, portion: u16| {
            container(e).width(Length::FillPortion(portion)).clip(true)
        };
        let small = |label: &'a str, msg: Option<Message>| -> Element<'a, Message> {
            focusable(
                button(text(label).size(theme::TEXT_SMALL))
                    .padding([theme::SPACE_XS, theme::SPACE_S])
                    .style(theme::secondary_button)
                    .on_press_maybe(msg),
            )
            .into()
        };
        if let Some(d) = self.editing.as_ref().filter(|d| d.id == Some(r.group.id)) {
            return container(
                row![
                    Field::new("Name", EDIT_NAME, &d.name, Message::EditName)
                        .on_submit(Message::SaveEdit)
                        .view(),
                    Field::new("MIS ID", EDIT_MIS, &d.mis_id, Message::EditMis)
                        .on_submit(Message::SaveEdit)
                        .view(),
                    form::secondary("Cancel", Some(Message::CancelEdit)),
                    form::primary("Save", Some(Message::SaveEdit)),
                ]
                .spacing(theme::SPACE_S)
                .align_y(iced::Bottom),
            )
            .padding([theme::SPACE_S, 0.0])
            .into();
        }
        let name: Element<'a, Message> = tooltip(
            focusable(
                button(text(r.group.name.as_str()).size(theme::TEXT_BODY))
                    .padding(0)
                    .style(theme::link_button)
                    .on_press(Message::Edit(r.group.id)),
            ),
            container(text("Rename or change the MIS ID").size(theme::TEXT_SMALL))
                .padding(theme::SPACE_XS)
                .style(theme::card),
            tooltip::Position::Bottom,
        )
        .into();
        let new: Element<'a, Message> = if r.group.is_new {
            tooltip(
                small("Yes", Some(Message::MarkReviewed(r.group.id))),
                container(
                    text("Created by an import. Click once you have checked it.")
                        .size(theme::TEXT_SMALL),
                )
                .padding(theme::SPACE_XS)
                .style(theme::card),
                tooltip::Position::Bottom,
            )
            .into()
        } else {
            text("No").size(theme::TEXT_BODY).into()
        };
        let body = |s: String| -> Element<'a, Message> { text(s).size(theme::TEXT_BODY).into() };
        row![
            cell(name, 4),
            cell(body(r.group.group_type.label().to_string()), 3),
            cell(new, 1),
            cell(body(r.group.mis_id.clone().unwrap_or_default()), 2),
            cell(body(r.pupils.to_string()), 1),
            cell(
                body(r.can_see.map_or("—".to_string(), |n| n.to_string())),
                1
            ),
            cell(
                if restricted {
                    small("Edit", Some(Message::OpenEditor(r.group.id)))
                } else {
                    body(String::new())
                },
                2
            ),
            cell(
                if r.pupils > 0 {
                    small("Archive all", Some(Message::ArchiveAll(r.group.id)))
                } else {
                    body(String::new())
                },
                2
            ),
            cell(small("Remove", Some(Message::Remove(r.group.id))), 2),
        ]
        .spacing(theme::SPACE_S)
        .align_y(iced::Center)
        .into()
    }
}

/// The most pupils listed by name under "without a group"; the count above says how many in all.
const WITHOUT_GROUP_SHOWN: usize = 300;

/// The pupils without a group of the type, each a link to who can see them.
fn without_group_list(pupils: &[Pupil], hide_names: bool) -> Element<'_, Message> {
    let links = pupils
        .iter()
        .take(WITHOUT_GROUP_SHOWN)
        .fold(row![].spacing(theme::SPACE_S), |r, p| {
            r.push(
                focusable(
                    button(text(p.display_name(hide_names)).size(theme::TEXT_BODY))
                        .padding([theme::SPACE_XS, 0.0])
                        .style(theme::link_button)
                        .on_press(Message::WhoCanSee(p.id)),
                )
                .inset(),
            )
        })
        .wrap();
    let mut c = column![
        text("Click a pupil to see who can see them, and why not.")
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
        links
    ]
    .spacing(theme::SPACE_S);
    if pupils.len() > WITHOUT_GROUP_SHOWN {
        c = c.push(
            text(format!(
                "and {} more (see What can this user see? on a user's profile for every pupil).",
                pupils.len() - WITHOUT_GROUP_SHOWN
            ))
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
        );
    }
    container(c)
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card)
        .into()
}
