//! One user group: its name, status, category permissions and system permissions. Nothing is
//! saved until Save User Group; leaving with changes asks first; Administration permissions ask
//! before they are ticked.

use super::members::{self, Members};
use crate::model::grid::{self, GridRow, Preset};
use crate::model::{CategoryPermissions, PermissionSection, SystemPermissions, UserGroupId};
use crate::service::Session;
use crate::service::user_groups::UserGroupRow;
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::permission_grid::{self as pg};
use crate::ui::widget::status::Status;
use crate::ui::widget::virtual_list::Scroll;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Fill};

pub const NAME: &str = "user-group-name";

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    Name(String),
    Active(bool),
    Grid(pg::Message),
    Preset(Preset),
    ConfirmAdmin,
    CancelAdmin,
    Save,
    Back,
    Discard,
    KeepEditing,
    Delete,
    /// Change members: the page for moving staff into and out of this group.
    ChangeMembers,
    Members(members::Message),
}

pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
    Close,
    /// Saved or deleted; the lists behind need reloading.
    Changed,
}

#[derive(Debug, Clone, PartialEq)]
struct Settings {
    name: String,
    active: bool,
    system: SystemPermissions,
    grid: CategoryPermissions,
}

pub struct UserGroupEditor {
    pub id: UserGroupId,
    saved: Settings,
    now: Settings,
    rows: Vec<GridRow>,
    members: usize,
    members_without_key: usize,
    scroll: Scroll,
    /// A change that would add Administration permissions, waiting for confirmation.
    pending_admin: Option<pg::Message>,
    confirming_leave: bool,
    /// Change members, when it is open over the group.
    membership: Option<Members>,
    pub status: Status,
}

impl UserGroupEditor {
    /// What Ctrl+S saves: Change members when it is open, otherwise the group.
    pub fn save_message(&self) -> Message {
        if self.membership.is_some() {
            Message::Members(members::Message::Save)
        } else {
            Message::Save
        }
    }

    pub fn open(session: &Session, id: UserGroupId) -> crate::service::Result<UserGroupEditor> {
        let row = session
            .user_group_rows()?
            .into_iter()
            .find(|g| g.group.id == id)
            .ok_or_else(|| {
                crate::service::Error::Invalid("That user group no longer exists.".into())
            })?;
        let rows = grid::rows(&session.categories()?);
        Ok(UserGroupEditor::new(row, rows))
    }

    fn new(row: UserGroupRow, rows: Vec<GridRow>) -> UserGroupEditor {
        let settings = Settings {
            name: row.group.name.clone(),
            active: row.group.active,
            system: row.group.system,
            grid: row.group.categories.clone(),
        };
        UserGroupEditor {
            id: row.group.id,
            saved: settings.clone(),
            now: settings,
            rows,
            members: row.members,
            members_without_key: row.members_without_key,
            scroll: Scroll::default(),
            pending_admin: None,
            confirming_leave: false,
            membership: None,
            status: Status::Quiet,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.now != self.saved
    }

    pub fn system(&self) -> SystemPermissions {
        self.now.system
    }

    pub fn grid(&self) -> &CategoryPermissions {
        &self.now.grid
    }

    /// Whether applying this click would add an Administration permission.
    fn adds_administration(&self, m: &pg::Message) -> bool {
        let mut after = self.now.system;
        match m {
            pg::Message::System(p) => after.set(*p, !after.contains(*p)),
            pg::Message::Section(s) => grid::toggle_section(&mut after, *s),
            _ => return false,
        }
        !after
            .minus(&self.now.system)
            .iter()
            .all(|p| !p.is_administration())
    }

    fn apply(&mut self, m: pg::Message) {
        match m {
            pg::Message::Row(id, p) => {
                if let Some(r) = self.rows.iter().find(|r| r.id == id) {
                    grid::toggle_row(&mut self.now.grid, r, p);
                }
            }
            pg::Message::Column(p) => grid::toggle_column(&mut self.now.grid, &self.rows, p),
            pg::Message::Section(s) => grid::toggle_section(&mut self.now.system, s),
            pg::Message::System(p) => {
                let on = !self.now.system.contains(p);
                self.now.system.set(p, on);
            }
            pg::Message::Scrolled(s) => self.scroll = s,
        }
    }

    /// The members page, when it is open.
    pub fn membership(&self) -> Option<&Members> {
        self.membership.as_ref()
    }

    /// Keys for the members page's lists, when it is open.
    pub fn key(
        &mut self,
        key: &iced::keyboard::Key,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        match &mut self.membership {
            Some(m) => {
                let members::Action::Effect(e) = m.key(key, modifiers) else {
                    return Action::Effect(Effect::None);
                };
                Action::Effect(e.map(Message::Members))
            }
            None => Action::Effect(Effect::None),
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        match message {
            Message::Escape => return self.escape(session),
            Message::ChangeMembers => match Members::open(session, self.id) {
                Ok(m) => {
                    self.membership = Some(m);
                    self.status.clear_problem();
                    return Action::Effect(Effect::Focus(members::LABELS.filters[0]));
                }
                Err(e) => self.status = Status::problem(e),
            },
            Message::Members(m) => {
                let Some(page) = &mut self.membership else {
                    return Action::Effect(Effect::None);
                };
                match page.update(m, session, modifiers) {
                    members::Action::Effect(e) => return Action::Effect(e.map(Message::Members)),
                    members::Action::Close { changed } => {
                        self.membership = None;
                        if changed {
                            if let Ok(row) = session
                                .user_group_rows()
                                .map(|rows| rows.into_iter().find(|r| r.group.id == self.id))
                                && let Some(row) = row
                            {
                                self.members = row.members;
                                self.members_without_key = row.members_without_key;
                            }
                            return Action::Changed;
                        }
                    }
                }
            }
            Message::Name(n) => self.now.name = n,
            Message::Active(a) => self.now.active = a,
            Message::Grid(m) => {
                if self.adds_administration(&m) {
                    self.pending_admin = Some(m);
                } else {
                    self.apply(m);
                }
                self.status.clear_unless_problem();
            }
            Message::ConfirmAdmin => {
                if let Some(m) = self.pending_admin.take() {
                    self.apply(m);
                }
            }
            Message::CancelAdmin => self.pending_admin = None,
            Message::Preset(p) => {
                // Presets set the system permissions only; Administration is never part of one.
                self.now.system = p.permissions();
                self.status = Status::done(format!(
                    "Applied \"{}\". Adjust it if you need to, then Save User Group.",
                    p.label()
                ));
            }
            Message::Save => {
                let s = self.now.clone();
                match session.save_user_group(self.id, &s.name, s.active, s.system, &s.grid) {
                    Ok(()) => {
                        self.now.name = s.name.trim().to_string();
                        self.saved = self.now.clone();
                        self.status = Status::done("User group saved.");
                        return Action::Changed;
                    }
                    Err(e) => {
                        self.status = Status::problem(e);
                    }
                }
            }
            Message::Back => {
                if self.is_dirty() {
                    self.confirming_leave = true;
                } else {
                    return Action::Close;
                }
            }
            Message::Discard => return Action::Close,
            Message::KeepEditing => self.confirming_leave = false,
            Message::Delete => match session.delete_user_group(self.id) {
                Ok(()) => return Action::Close,
                Err(e) => self.status = Status::problem(e),
            },
        }
        Action::Effect(Effect::None)
    }

    fn escape(&mut self, session: &mut Session) -> Action {
        if self.membership.is_some() {
            return self.update(
                Message::Members(members::Message::Back),
                session,
                iced::keyboard::Modifiers::default(),
            );
        }
        if self.pending_admin.take().is_some() {
            return Action::Effect(Effect::None);
        }
        if self.confirming_leave {
            self.confirming_leave = false;
            return Action::Effect(Effect::None);
        }
        self.update(Message::Back, session, iced::keyboard::Modifiers::default())
    }

    pub fn view(&self, list_height: f32) -> Element<'_, Message> {
        if let Some(m) = &self.membership {
            return m.view(list_height).map(Message::Members);
        }
        let status_button = |label: &'static str, active: bool| {
            focusable(
                button(text(label).size(theme::TEXT_BODY))
                    .padding([theme::SPACE_XS + 2.0, theme::SPACE_M])
                    .style(theme::tab_button(self.now.active == active))
                    .on_press(Message::Active(active)),
            )
        };
        let mut c = column![
            row![
                form::secondary("Back to users", Some(Message::Back)),
                text("User Group Information")
                    .size(theme::TEXT_TITLE)
                    .font(BOLD),
            ]
            .spacing(theme::SPACE_L)
            .align_y(iced::Center),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        if self.confirming_leave {
            c = c.push(form::question(
                "This user group has changes that are not saved. Discard them?",
                ("Keep editing", Message::KeepEditing),
                ("Discard changes", Message::Discard),
            ));
        }
        c = c.push(
            row![
                container(Field::new("Name", NAME, &self.now.name, Message::Name).view())
                    .width(iced::Length::Fixed(360.0)),
                column![
                    text("Statuses").size(theme::TEXT_SMALL).font(BOLD),
                    row![
                        status_button("Active", true),
                        status_button("Inactive", false)
                    ]
                    .spacing(theme::SPACE_XS),
                ]
                .spacing(theme::SPACE_XS),
                text(if self.now.active {
                    "Members can sign in."
                } else {
                    "Members of an inactive group cannot sign in at all."
                })
                .size(theme::TEXT_SMALL)
                .style(if self.now.active {
                    theme::muted
                } else {
                    theme::warning_text
                }),
            ]
            .spacing(theme::SPACE_L)
            .align_y(iced::Bottom),
        );
        let capped = if self.members_without_key > 0 && self.now.system.has_higher_level() {
            form::warning(format!(
                "{} of the {} {} no active soft key, so they only get the basic permissions (Add new incident/action, View files, Add files) whatever is ticked here.",
                self.members_without_key,
                crate::model::names::count(self.members, "member", "members"),
                if self.members_without_key == 1 {
                    "has"
                } else {
                    "have"
                }
            ))
        } else {
            text(format!(
                "{}.",
                crate::model::names::count(self.members, "member", "members")
            ))
            .size(theme::TEXT_SMALL)
            .style(theme::muted)
            .into()
        };
        c = c.push(
            row![
                container(capped).width(Fill),
                form::secondary("Change members", Some(Message::ChangeMembers)),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
        );
        c = c.push(form::section_title("Category Permissions"));
        c = c.push(text("Tick what members may do for each category. Ticking a category sets all its sub-categories; a dash means its sub-categories differ.").size(theme::TEXT_SMALL).style(theme::muted));
        c = c.push(
            pg::category_grid(&self.rows, &self.now.grid, self.scroll, 420.0, true)
                .map(Message::Grid),
        );
        c = c.push(form::section_title("System Permissions"));
        c = c.push(self.guidance());
        if let Some(m) = &self.pending_admin {
            let what = match m {
                pg::Message::System(p) => format!("\"{}\"", p.label()),
                _ => "the Administration permissions".to_string(),
            };
            c = c.push(
                form::question(
format!("Give this group {what}? Administration permissions let members change who can see what, and are meant only for senior staff. Saving will record exactly what was added."),
("Cancel", Message::CancelAdmin),
("Yes, they are senior staff", Message::ConfirmAdmin),
),
            );
        }
        c = c.push(pg::system_grid(&self.now.system, true).map(Message::Grid));
        c = c.push(
            row![
                form::focusable_button(
                    button(text("Delete this user group").size(theme::TEXT_SMALL))
                        .padding([theme::SPACE_XS, theme::SPACE_S])
                        .style(theme::secondary_button),
                    (self.members == 0).then_some(Message::Delete),
                ),
                text("Only a group with no members can be deleted.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Center),
        );
        c.into()
    }

    /// The bar under the page, always in view (the permission grids are long): whether there is
    /// anything to save, and Save User Group. `None` while Change members is open.
    pub fn save_bar(&self) -> Option<Element<'_, Message>> {
        if self.membership.is_some() {
            return None;
        }
        let state = if self.is_dirty() {
            "You have changes that are not saved yet."
        } else {
            "No changes since this user group was opened or saved."
        };
        Some(form::save_bar(
            state,
            form::primary("Save User Group", Some(Message::Save)),
        ))
    }

    fn guidance(&self) -> Element<'_, Message> {
        let preset = |p: Preset| form::secondary(p.label(), Some(Message::Preset(p)));
        container(
            column![
                text("Our advice").font(BOLD).size(theme::TEXT_BODY),
                text("If members will hold a soft key: tick View students list (to browse the classes), View student details (to open a pupil's record) and Add new incident/action. Run reports, the Planner and the Library are often useful too.").size(theme::TEXT_SMALL),
                text("If members will not hold a key: Add new incident/action is all they need, perhaps with the Library. Anything more would not apply without a key anyway.").size(theme::TEXT_SMALL),
                text("Administration permissions are for senior staff only.").size(theme::TEXT_SMALL).style(theme::warning_text),
                row![
                    preset(Preset::KeyHolder),
                    preset(Preset::KeyHolderPlus),
                    preset(Preset::NoKey),
                    preset(Preset::NoKeyPlusLibrary),
                ]
                .spacing(theme::SPACE_S)
                .wrap(),
            ]
            .spacing(theme::SPACE_S),
        )
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::info_banner)
        .into()
    }
}

/// Permissions are shown grouped by section in the list; used by the Users tab too.
pub fn admin_label(system: &SystemPermissions) -> &'static str {
    if PermissionSection::Administration
        .permissions()
        .any(|p| system.contains(p))
    {
        "Yes"
    } else {
        "No"
    }
}
