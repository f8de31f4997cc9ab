//! Admin > Users: the list of users (sortable, filterable), New User, and each user's profile
//! with their permissions and key actions. A set-up code is shown once, here, to hand over.

use super::access_report::{self, AccessReport};
use super::user_group::{self, UserGroupEditor};
use crate::clock::format_local;
use crate::model::UserDetail;
use crate::model::{KeyState, PermissionSection, UserGroupId, UserId, names};
use crate::service::Session;
use crate::service::user_groups::UserGroupRow;
use crate::service::users::StaffRecord;
use crate::service::users::{IssuedCode, NewUserDetails, UserProfile, UserRow};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::form::{self, BOLD, Field, MONO};
use crate::ui::widget::status::Status;
use crate::ui::widget::virtual_list::{self, Scroll};
use iced::widget::{button, column, container, text, text_input};
use iced::{Element, Fill, Length};

mod groups;
mod list;
mod new_user;
mod profile;

use profile::code_panel;

pub const FILTER: &str = "users-filter";
pub const LIST: &str = "users-list";
pub const STAFF_FILTER: &str = "users-staff-filter";
pub const STAFF_LIST: &str = "users-staff-list";
pub const TITLE: &str = "user-title";
pub const FORENAME: &str = "user-forename";
pub const SURNAME: &str = "user-surname";
pub const EMAIL: &str = "user-email";
pub const JOB_TITLE: &str = "user-job-title";
pub const NEW_GROUP: &str = "users-new-group";
pub const NEW_USER_GROUP: &str = "new-user-group";
const ROW_HEIGHT: f32 = 36.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    JobTitle,
    UserGroup,
    Key,
    LastLogin,
}

/// A user group as the drop-down shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChoice {
    pub id: UserGroupId,
    pub name: String,
}

impl std::fmt::Display for GroupChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailField {
    Title,
    Forename,
    Surname,
    Email,
    JobTitle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileTab {
    Details,
    Permissions,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    Filter(String),
    Sort(SortBy),
    Scrolled(Scroll),
    Open(UserId),
    BackToList,
    NewUser,
    StaffFilter(String),
    StaffScrolled(Scroll),
    PickStaff(i64),
    NotInList,
    Field(DetailField, String),
    Group(GroupChoice),
    Create,
    ProfileTab(ProfileTab),
    SaveDetails,
    SaveGroup,
    IssueCode,
    ResetKey,
    ClearLock,
    Deactivate,
    Confirm,
    CancelConfirm,
    DismissCode,
    OpenGroup(UserGroupId),
    NewGroup,
    NewGroupName(String),
    CreateGroup,
    CancelNewGroup,
    GroupEditor(user_group::Message),
    /// "What can this user see?" for the open profile.
    ShowAccess,
    Access(access_report::Message),
}

/// Which of the tab's pages is showing (whichever user or group it is about).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    List,
    PickStaff,
    NewUser,
    Profile,
    UserGroup,
    Access,
}

/// What the tab asks of the home screen.
pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    ResetKey,
    Deactivate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Draft {
    staff: Option<i64>,
    title: String,
    forename: String,
    surname: String,
    email: String,
    job_title: String,
    group: Option<GroupChoice>,
}

enum View {
    List,
    /// Choosing a member of staff from the MIS list.
    PickStaff,
    NewUser,
    Profile(Box<UserProfile>),
    Group(Box<UserGroupEditor>),
    /// An access report opened from this user's profile.
    Access(Box<AccessReport>, UserId),
}

impl Draft {
    /// Whether this says something different from `base`. Spaces at the ends do not count: they
    /// are not saved.
    fn differs_from(&self, base: &Draft) -> bool {
        let texts = |d: &Draft| {
            [&d.title, &d.forename, &d.surname, &d.email, &d.job_title]
                .map(|t| t.trim().to_string())
        };
        texts(self) != texts(base)
            || self.group.as_ref().map(|g| g.id) != base.group.as_ref().map(|g| g.id)
    }
}

pub struct UsersTab {
    rows: Vec<UserRow>,
    group_rows: Vec<UserGroupRow>,
    new_group: Option<String>,
    staff: Vec<StaffRecord>,
    groups: Vec<GroupChoice>,
    filter: String,
    sort: SortBy,
    descending: bool,
    /// Indexes into `rows` in the order shown, after filter and sort.
    shown: Vec<usize>,
    scroll: Scroll,
    staff_filter: String,
    staff_scroll: Scroll,
    view: View,
    draft: Draft,
    /// What the draft started as (or was last saved as): typing makes it differ.
    draft_base: Draft,
    profile_tab: ProfileTab,
    pending: Option<Pending>,
    pub issued: Option<IssuedCode>,
    pub status: Status,
    /// A problem with one of the details typed, shown beside its field rather than in a banner.
    detail_problem: Option<(UserDetail, String)>,
}

fn key_label(k: KeyState) -> &'static str {
    match k {
        KeyState::Active => "Active",
        KeyState::NotEnrolled => "Not enrolled",
        KeyState::Locked { .. } => "Locked",
    }
}

impl UsersTab {
    /// The message line under the heading of the page that is showing: a user group's editor
    /// and an access report have their own; every other page shows this tab's.
    pub fn page_status(&mut self) -> &mut Status {
        match &mut self.view {
            View::Group(g) => &mut g.status,
            View::Access(r, _) => &mut r.status,
            View::List | View::PickStaff | View::NewUser | View::Profile(_) => &mut self.status,
        }
    }

    pub fn new(session: &Session) -> UsersTab {
        let mut tab = UsersTab {
            rows: Vec::new(),
            group_rows: Vec::new(),
            new_group: None,
            staff: Vec::new(),
            groups: Vec::new(),
            filter: String::new(),
            sort: SortBy::Name,
            descending: false,
            shown: Vec::new(),
            scroll: Scroll::default(),
            staff_filter: String::new(),
            staff_scroll: Scroll::default(),
            view: View::List,
            draft: Draft::default(),
            draft_base: Draft::default(),
            profile_tab: ProfileTab::Details,
            pending: None,
            issued: None,
            status: Status::Quiet,
            detail_problem: None,
        };
        tab.reload(session);
        tab
    }

    pub fn reload(&mut self, session: &Session) {
        let result = session.users_list().and_then(|rows| {
            self.rows = rows;
            self.group_rows = session.user_group_rows()?;
            self.staff = session.staff_available()?;
            self.groups = session
                .user_groups()?
                .into_iter()
                .map(|g| GroupChoice {
                    id: g.id,
                    name: g.name,
                })
                .collect();
            Ok(())
        });
        if let Err(e) = result {
            self.status = Status::problem(e);
        }
        if let View::Profile(p) = &self.view {
            let id = p.user.id;
            match session.user_profile(id) {
                Ok(p) => self.view = View::Profile(Box::new(p)),
                Err(e) => self.status = Status::problem(e),
            }
        }
        self.refresh_shown();
    }

    /// The rows in the order shown: filtered by name, job title or group, then sorted.
    fn refresh_shown(&mut self) {
        let needle = self.filter.trim().to_lowercase();
        let mut shown: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                let r = &self.rows[i];
                needle.is_empty()
                    || r.user.full_name().to_lowercase().contains(&needle)
                    || r.user.job_title.to_lowercase().contains(&needle)
                    || r.group_name.to_lowercase().contains(&needle)
                    || r.user.email.to_lowercase().contains(&needle)
            })
            .collect();
        let name =
            |i: usize| names::sort_key(&self.rows[i].user.forename, &self.rows[i].user.surname);
        shown.sort_by(|&a, &b| {
            let (ra, rb) = (&self.rows[a], &self.rows[b]);
            let primary = match self.sort {
                SortBy::Name => std::cmp::Ordering::Equal,
                SortBy::JobTitle => ra
                    .user
                    .job_title
                    .to_lowercase()
                    .cmp(&rb.user.job_title.to_lowercase()),
                SortBy::UserGroup => ra
                    .group_name
                    .to_lowercase()
                    .cmp(&rb.group_name.to_lowercase()),
                SortBy::Key => key_label(ra.key).cmp(key_label(rb.key)),
                // Most recent first reads naturally; never-signed-in last.
                SortBy::LastLogin => rb.user.last_login_at.cmp(&ra.user.last_login_at),
            };
            let ord = primary.then_with(|| name(a).cmp(&name(b)));
            if self.descending { ord.reverse() } else { ord }
        });
        self.shown = shown;
    }

    /// Names in the order shown, for tests and for reading the screen.
    pub fn shown_names(&self) -> Vec<String> {
        self.shown
            .iter()
            .map(|&i| self.rows[i].user.full_name())
            .collect()
    }

    fn staff_shown(&self) -> Vec<&StaffRecord> {
        let needle = self.staff_filter.trim().to_lowercase();
        self.staff
            .iter()
            .filter(|s| {
                needle.is_empty()
                    || format!("{} {} {}", s.forename, s.surname, s.job_title)
                        .to_lowercase()
                        .contains(&needle)
            })
            .collect()
    }

    fn done(&mut self, session: &Session, result: crate::service::Result<String>) {
        match result {
            Ok(n) => {
                self.status = Status::done(n);
            }
            Err(e) => {
                self.status = Status::problem(e);
            }
        }
        self.reload(session);
    }

    fn profile_id(&self) -> Option<UserId> {
        match &self.view {
            View::Profile(p) => Some(p.user.id),
            _ => None,
        }
    }

    /// Which page of the tab is showing, so each opens at the top.
    pub fn page(&self) -> Page {
        match self.view {
            View::List => Page::List,
            View::PickStaff => Page::PickStaff,
            View::NewUser => Page::NewUser,
            View::Profile(_) => Page::Profile,
            View::Group(_) => Page::UserGroup,
            View::Access(..) => Page::Access,
        }
    }

    /// Whether leaving now would lose something typed or chosen: an edited user group, a new user
    /// being filled in, or a profile's details or user group changed but not saved.
    pub fn has_unsaved_changes(&self) -> bool {
        match &self.view {
            View::Group(g) => g.is_dirty(),
            View::NewUser | View::Profile(_) => self.draft.differs_from(&self.draft_base),
            _ => false,
        }
    }

    /// Shows a problem with the details beside its field and puts the focus there; any other
    /// problem goes in the page's banner.
    fn details_refused(&mut self, e: crate::service::Error) -> Effect<Message> {
        match e {
            crate::service::Error::InDetail(field, message) => {
                self.status.clear();
                self.detail_problem = Some((field, message));
                match field {
                    UserDetail::Title => Effect::Focus(TITLE),
                    UserDetail::Forename => Effect::Focus(FORENAME),
                    UserDetail::Surname => Effect::Focus(SURNAME),
                    UserDetail::Email => Effect::Focus(EMAIL),
                    UserDetail::JobTitle => Effect::Focus(JOB_TITLE),
                    UserDetail::UserGroup => Effect::Focus(NEW_USER_GROUP),
                }
            }
            other => {
                self.detail_problem = None;
                self.status = Status::problem(other);
                Effect::None
            }
        }
    }

    fn detail_problem(&self, field: UserDetail) -> Option<&str> {
        self.detail_problem
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn start_draft(&mut self, d: Draft) {
        self.draft_base = d.clone();
        self.draft = d;
    }

    pub fn group_editor(&self) -> Option<&UserGroupEditor> {
        match &self.view {
            View::Group(g) => Some(g),
            _ => None,
        }
    }

    /// The access report on screen, if one is open.
    pub fn access_report(&self) -> Option<&AccessReport> {
        match &self.view {
            View::Access(r, _) => Some(r),
            _ => None,
        }
    }

    /// Keys for the members page's lists, when a user group's members are open.
    pub fn key(
        &mut self,
        key: &iced::keyboard::Key,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        match &mut self.view {
            View::Group(g) => {
                let o = g.key(key, modifiers);
                match o {
                    user_group::Action::Effect(e) => Action::Effect(e.map(Message::GroupEditor)),
                    _ => Action::Effect(Effect::None),
                }
            }
            _ => Action::Effect(Effect::None),
        }
    }

    fn after_group(&mut self, o: user_group::Action, session: &Session) -> Action {
        match o {
            user_group::Action::Effect(e) => return Action::Effect(e.map(Message::GroupEditor)),
            user_group::Action::Changed => self.reload(session),
            user_group::Action::Close => {
                self.view = View::List;
                self.reload(session);
            }
        }
        Action::Effect(Effect::None)
    }

    /// Each view's messages are handled beside its view (list.rs, new_user.rs, profile.rs,
    /// groups.rs).
    pub fn update(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        match message {
            Message::Escape => {
                self.escape(session);
                Action::Effect(Effect::None)
            }
            m @ (Message::Filter(..)
            | Message::Sort(..)
            | Message::Scrolled(..)
            | Message::Open(..)
            | Message::BackToList) => self.update_list(m, session),
            m @ (Message::StaffScrolled(..)
            | Message::NewUser
            | Message::StaffFilter(..)
            | Message::PickStaff(..)
            | Message::NotInList
            | Message::Field(..)
            | Message::Group(..)
            | Message::Create) => self.update_new_user(m, session),
            m @ (Message::ShowAccess
            | Message::Access(..)
            | Message::ProfileTab(..)
            | Message::SaveDetails
            | Message::SaveGroup
            | Message::IssueCode
            | Message::ResetKey
            | Message::Deactivate
            | Message::ClearLock
            | Message::Confirm
            | Message::CancelConfirm
            | Message::DismissCode) => self.update_profile(m, session),
            m @ (Message::GroupEditor(..)
            | Message::OpenGroup(..)
            | Message::NewGroup
            | Message::NewGroupName(..)
            | Message::CancelNewGroup
            | Message::CreateGroup) => self.update_groups(m, session, modifiers),
        }
    }

    /// Escape steps back: closes a question, then leaves a form or profile for the list.
    fn escape(&mut self, session: &mut Session) -> bool {
        if self.pending.take().is_some() {
            return true;
        }
        if let View::Group(g) = &mut self.view {
            let o = g.update(
                user_group::Message::Escape,
                session,
                iced::keyboard::Modifiers::default(),
            );
            self.after_group(o, session);
            return true;
        }
        if matches!(self.view, View::Access(..)) {
            self.update(
                Message::Access(access_report::Message::Back),
                session,
                iced::keyboard::Modifiers::default(),
            );
            return true;
        }
        if matches!(self.view, View::List) {
            return false;
        }
        self.update(
            Message::BackToList,
            session,
            iced::keyboard::Modifiers::default(),
        );
        true
    }

    /// What stays in view under the page: the user group editor's save bar.
    pub fn footer(&self) -> Option<Element<'_, Message>> {
        match &self.view {
            View::Group(g) => g.save_bar().map(|b| b.map(Message::GroupEditor)),
            _ => None,
        }
    }

    pub fn view(&self, hide_names: bool, list_height: f32) -> Element<'_, Message> {
        match &self.view {
            View::List => self.list_view(),
            View::PickStaff => self.pick_staff_view(),
            View::NewUser => self.new_user_view(),
            View::Profile(p) => self.profile_view(p),
            View::Group(g) => g.view(list_height).map(Message::GroupEditor),
            View::Access(r, _) => r.view(hide_names).map(Message::Access),
        }
    }

    /// The page's last message and a set-up code just issued, shown under the heading of
    /// whichever page is open, as on every other screen.
    fn notices(&self) -> Option<Element<'_, Message>> {
        let mut c = column![].spacing(theme::SPACE_M);
        let mut any = false;
        if let Some(s) = self.status.view() {
            c = c.push(s);
            any = true;
        }
        if let Some(code) = &self.issued {
            c = c.push(code_panel(code));
            any = true;
        }
        any.then(|| c.into())
    }
}
