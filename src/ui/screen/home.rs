//! The main window after sign-in: the admin navigation and each tab's content. The header bar
//! around it is drawn by the app (see `ui::widget::header`).

use super::add_incident::{self, AddIncident};
use super::categories::{self, CategoriesTab};
use super::class_editor;
use super::dashboard::{self, DashboardTab};
use super::groups::{self, GroupsTab};
use super::imports::{self, ImportsTab};
use super::overview::{self, OverviewTab};
use super::pupils::{self, PupilsTab};
use super::reports::{self, ReportsTab};
use super::retention::{self, RetentionTab};
use super::transfers::{self, TransfersTab};
use super::users::{self, UsersTab};
use crate::clock::format_local;
use crate::model::SystemPermission;
use crate::model::display::Display;
use crate::service::AuditEntry;
use crate::service::audit_trail::{TrailCheck, TrailReport};
use crate::service::{Me, Session};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD};
use crate::ui::widget::status::Status;
use iced::keyboard::key;
use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill, Length};

pub const AUDIT_SEARCH: &str = "audit-search";
/// The scrollable holding the current page; a newly opened page is scrolled to its top.
pub const PAGE: &str = "home-page";
const AUDIT_ROWS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Dashboard,
    Overview,
    Pupils,
    Reports,
    Groups,
    Users,
    Categories,
    Imports,
    Retention,
    Transfers,
    Audits,
}

impl Tab {
    pub fn label(self) -> &'static str {
        match self {
            Tab::Dashboard => "Dashboard",
            Tab::Overview => "Overview",
            Tab::Pupils => "Pupils",
            Tab::Reports => "Reports",
            Tab::Groups => "Groups",
            Tab::Users => "Users",
            Tab::Categories => "Categories",
            Tab::Imports => "Imports",
            Tab::Retention => "Data Destruction Policies",
            Tab::Transfers => "Transfers",
            Tab::Audits => "Audits",
        }
    }

    /// The id of the tab's button in the strip, for the keyboard focus.
    pub fn focus_id(self) -> &'static str {
        match self {
            Tab::Dashboard => "tab-dashboard",
            Tab::Overview => "tab-overview",
            Tab::Reports => "tab-reports",
            Tab::Pupils => "tab-pupils",
            Tab::Groups => "tab-groups",
            Tab::Users => "tab-users",
            Tab::Categories => "tab-categories",
            Tab::Imports => "tab-imports",
            Tab::Retention => "tab-retention",
            Tab::Transfers => "tab-transfers",
            Tab::Audits => "tab-audits",
        }
    }

    /// The permission a tab needs, if any.
    fn needs(self) -> Option<SystemPermission> {
        match self {
            Tab::Dashboard | Tab::Overview => None,
            Tab::Pupils => Some(SystemPermission::ViewStudentsList),
            Tab::Reports => Some(SystemPermission::RunReports),
            Tab::Groups | Tab::Users | Tab::Categories | Tab::Imports => {
                Some(SystemPermission::ManageSystem)
            }
            Tab::Retention => Some(SystemPermission::DataDestructionPolicy),
            // Manage system or Named person: see `allowed`.
            Tab::Transfers => Some(SystemPermission::NamedPerson),
            Tab::Audits => Some(SystemPermission::ViewAudits),
        }
    }

    fn allowed(self, me: &Me) -> bool {
        match self {
            Tab::Transfers => {
                me.permissions.has(SystemPermission::ManageSystem)
                    || me.permissions.has(SystemPermission::NamedPerson)
            }
            _ => self.needs().is_none_or(|p| me.permissions.has(p)),
        }
    }
}

/// A page of the home screen: a newly opened one is scrolled to its top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    AddIncident,
    Tab(Tab),
    Groups(groups::Page),
    Users(users::Page),
    Pupils(pupils::Page),
}

/// What the home screen asks of the app.
#[derive(Debug)]
pub enum Action {
    Effect(Effect<Message>),
    /// Restore from a backup (signing out first).
    StartRestore,
    /// Draw the window this way from now on (and remember it for the person).
    Display(Display),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The Escape key: closes what is open on top (a dialog, an editor, + Add Incident).
    Escape,
    Tab(Tab),
    /// Left or Right on the tab strip: the tab opens and the strip keeps the focus.
    TabByKey(Tab),
    Groups(groups::Message),
    Users(users::Message),
    Categories(categories::Message),
    Retention(retention::Message),
    Transfers(transfers::Message),
    Pupils(pupils::Message),
    Imports(imports::Message),
    /// + Add Incident in the header bar.
    AddIncident,
    /// Alt+1…9: the tab at that place in the strip.
    TabNumber(usize),
    /// Ctrl+S: the open page's Save, if it has one.
    SaveShortcut,
    /// F1, or Help in the header: the keyboard page; again to close it.
    Help,
    /// A choice on the help page's display settings.
    Display(Display),
    Concern(add_incident::Message),
    AuditSearch(String),
    IdleLock(u32),
    Overview(overview::Message),
    Dashboard(dashboard::Message),
    Reports(reports::Message),
    /// Remind Me in the header bar: the Dashboard, ready for a new reminder.
    RemindMe,
}

pub struct Home {
    pub tab: Tab,
    /// The audit trail's state (its chain and the key file's record of it), checked each time
    /// the Audits tab opens or its search changes.
    chain: Option<TrailReport>,
    /// When the search is an entry number: that entry's fingerprint (`None`: no such entry),
    /// to compare with one noted from the Overview.
    looked_up: Option<(i64, Option<String>)>,
    /// The Overview tab: the health check and backups.
    health: Option<OverviewTab>,
    dashboard: Option<DashboardTab>,
    reports: Option<ReportsTab>,
    groups: Option<GroupsTab>,
    users: Option<UsersTab>,
    categories: Option<CategoriesTab>,
    retention: Option<RetentionTab>,
    transfers: Option<TransfersTab>,
    pupils: Option<PupilsTab>,
    imports: Option<ImportsTab>,
    /// + Add Incident, open over whichever tab is showing.
    pub concern: Option<AddIncident>,
    audit: Vec<AuditEntry>,
    audit_search: String,
    pub idle_minutes: u32,
    pub status: Status,
    /// The keyboard page (F1), shown over the tab until closed.
    pub help: bool,
}

impl Home {
    pub fn new(session: &Session) -> Home {
        let mut home = Home {
            tab: Tab::Dashboard,
            chain: None,
            looked_up: None,
            health: None,
            dashboard: None,
            reports: None,
            groups: None,
            users: None,
            categories: None,
            retention: None,
            transfers: None,
            pupils: None,
            imports: None,
            concern: None,
            audit: Vec::new(),
            audit_search: String::new(),
            idle_minutes: 10,
            status: Status::Quiet,
            help: false,
        };
        home.load(session);
        home
    }

    /// Which page is showing: + Add Incident, or the tab and, within it, the list or the open
    /// editor or profile.
    pub fn page(&self) -> Page {
        if self.concern.is_some() {
            return Page::AddIncident;
        }
        match (self.tab, &self.groups, &self.users, &self.pupils) {
            (Tab::Groups, Some(g), _, _) => Page::Groups(g.page()),
            (Tab::Users, _, Some(u), _) => Page::Users(u.page()),
            (Tab::Pupils, _, _, Some(p)) => Page::Pupils(p.page()),
            (tab, ..) => Page::Tab(tab),
        }
    }

    /// The Groups tab, once it has been opened.
    pub fn groups_tab(&self) -> Option<&GroupsTab> {
        self.groups.as_ref()
    }

    /// The Users tab, once it has been opened.
    pub fn users_tab(&self) -> Option<&UsersTab> {
        self.users.as_ref()
    }

    /// The tabs this user may open, in order.
    pub fn tabs(me: &Me) -> Vec<Tab> {
        [
            Tab::Dashboard,
            Tab::Overview,
            Tab::Pupils,
            Tab::Reports,
            Tab::Groups,
            Tab::Users,
            Tab::Categories,
            Tab::Imports,
            Tab::Retention,
            Tab::Transfers,
            Tab::Audits,
        ]
        .into_iter()
        .filter(|t| t.allowed(me))
        .collect()
    }

    /// What Ctrl+S does on the page that is showing.
    fn save_message(&self) -> Option<Message> {
        if let Some(c) = &self.concern {
            return c
                .can_save()
                .then_some(Message::Concern(add_incident::Message::Save));
        }
        match self.page() {
            Page::Groups(groups::Page::ClassEditor) => Some(Message::Groups(
                groups::Message::Editor(class_editor::Message::Save),
            )),
            Page::Users(users::Page::UserGroup) => self
                .users
                .as_ref()
                .and_then(UsersTab::group_editor)
                .map(|g| Message::Users(users::Message::GroupEditor(g.save_message()))),
            Page::Users(users::Page::Profile) => Some(Message::Users(users::Message::SaveDetails)),
            Page::Users(users::Page::NewUser) => Some(Message::Users(users::Message::Create)),
            _ => None,
        }
    }

    /// Opens a tab at its first page, with nothing left over from an earlier visit (an old
    /// "Saved", a set-up code already handed over). Clicking the tab that is open does the same,
    /// which is the way back from an editor or a profile.
    fn open_tab(&mut self, tab: Tab, session: &Session) {
        self.concern = None;
        self.status.clear();
        // The Overview (a backup may be running) and Imports (a file being previewed or
        // imported) keep their work; they show only what is current anyway.
        match tab {
            Tab::Pupils => self.pupils = None,
            Tab::Groups => self.groups = None,
            Tab::Users => self.users = None,
            Tab::Categories => self.categories = None,
            Tab::Retention => self.retention = None,
            Tab::Transfers => self.transfers = None,
            Tab::Audits => self.audit_search.clear(),
            // The Dashboard is read afresh below; a report's settings and answer stay, since
            // choosing them again would be work.
            Tab::Dashboard => {
                if let Some(d) = &mut self.dashboard {
                    d.status.clear();
                }
            }
            Tab::Reports => {
                if let Some(r) = &mut self.reports {
                    r.status.clear();
                }
            }
            // Their work goes on, but an old message does not stay for the next visit.
            Tab::Overview => {
                if let Some(h) = &mut self.health {
                    h.status.clear();
                }
            }
            Tab::Imports => {
                if let Some(i) = &mut self.imports {
                    i.status.clear();
                }
            }
        }
        self.tab = tab;
        self.load(session);
    }

    /// The message line under the heading of what is showing, where a message about it belongs
    /// (every screen puts its messages there): the tab's own page, + Add Incident, or this
    /// screen's line for the help page, the Audits tab and a tab that could not be read.
    fn page_status(&mut self) -> &mut Status {
        if self.help {
            return &mut self.status;
        }
        if let Some(c) = &mut self.concern {
            return &mut c.status;
        }
        let tab = match self.tab {
            Tab::Dashboard => self.dashboard.as_mut().map(|d| &mut d.status),
            Tab::Reports => self.reports.as_mut().map(|r| &mut r.status),
            Tab::Overview => self.health.as_mut().map(|h| &mut h.status),
            Tab::Pupils => self.pupils.as_mut().map(PupilsTab::page_status),
            Tab::Groups => self.groups.as_mut().map(GroupsTab::page_status),
            Tab::Users => self.users.as_mut().map(UsersTab::page_status),
            Tab::Categories => self.categories.as_mut().map(|c| &mut c.status),
            Tab::Retention => self.retention.as_mut().map(|r| &mut r.status),
            Tab::Transfers => self.transfers.as_mut().map(|t| &mut t.status),
            Tab::Imports => self.imports.as_mut().map(|i| &mut i.status),
            Tab::Audits => None,
        };
        match tab {
            Some(s) => s,
            None => &mut self.status,
        }
    }

    /// Reads what the current tab shows. Errors are shown on the page, never hidden.
    fn load(&mut self, session: &Session) {
        self.status.clear_problem();
        if let Ok(info) = session.school() {
            self.idle_minutes = info.idle_lock_minutes;
        }
        let result = match self.tab {
            Tab::Dashboard => {
                match &mut self.dashboard {
                    Some(d) => d.reload(session),
                    None => self.dashboard = Some(DashboardTab::new(session)),
                }
                Ok(())
            }
            Tab::Reports => {
                match &mut self.reports {
                    Some(r) => r.reload(session),
                    None => self.reports = Some(ReportsTab::new(session)),
                }
                Ok(())
            }
            Tab::Overview => {
                match &mut self.health {
                    Some(h) => h.reload(session),
                    None => self.health = Some(OverviewTab::new(session)),
                }
                Ok(())
            }
            Tab::Groups => {
                match &mut self.groups {
                    Some(g) => g.reload(session),
                    None => self.groups = Some(GroupsTab::new(session)),
                }
                Ok(())
            }
            Tab::Users => {
                match &mut self.users {
                    Some(u) => u.reload(session),
                    None => self.users = Some(UsersTab::new(session)),
                }
                Ok(())
            }
            Tab::Pupils => {
                match &mut self.pupils {
                    Some(p) => {
                        if p.profile.is_none() {
                            p.reload(session);
                        }
                    }
                    None => self.pupils = Some(PupilsTab::new(session)),
                }
                Ok(())
            }
            Tab::Categories => {
                match &mut self.categories {
                    Some(c) => c.reload(session),
                    None => self.categories = Some(CategoriesTab::new(session)),
                }
                Ok(())
            }
            Tab::Imports => {
                self.imports.get_or_insert_with(ImportsTab::new);
                Ok(())
            }
            Tab::Retention => {
                match &mut self.retention {
                    Some(r) => r.reload(session),
                    None => self.retention = Some(RetentionTab::new(session)),
                }
                Ok(())
            }
            Tab::Transfers => {
                match &mut self.transfers {
                    Some(t) => t.reload(session),
                    None => self.transfers = Some(TransfersTab::new(session)),
                }
                Ok(())
            }
            Tab::Audits => session
                .recent_audit(&self.audit_search, AUDIT_ROWS)
                .and_then(|a| {
                    self.audit = a;
                    self.looked_up = None;
                    if let Some(n) = entry_number(&self.audit_search) {
                        self.looked_up = Some((n, session.entry_fingerprint(n)?));
                    }
                    session
                        .check_audit_trail(&TrailCheck::default())
                        .map(|r| self.chain = Some(r))
                }),
        };
        if let Err(e) = result {
            self.status = Status::problem(e);
        }
    }

    /// Someone else (another window, a command) changed the school: what is showing is brought
    /// up to date, unless the person is part-way through an edit, which is never thrown away
    /// (saving it applies only what they changed; see the service).
    pub fn outside_change(&mut self, session: &Session) {
        if self.has_unsaved_changes() || self.concern.is_some() {
            return;
        }
        let before = std::mem::take(&mut self.status);
        self.load(session);
        if !self.status.is_problem() {
            self.status = before;
        }
    }

    /// Whether leaving the current tab now would lose changes.
    pub fn has_unsaved_changes(&self) -> bool {
        self.groups
            .as_ref()
            .is_some_and(GroupsTab::has_unsaved_changes)
            || self
                .pupils
                .as_ref()
                .is_some_and(PupilsTab::has_unsaved_changes)
            || self
                .users
                .as_ref()
                .is_some_and(UsersTab::has_unsaved_changes)
            || self
                .retention
                .as_ref()
                .is_some_and(RetentionTab::has_unsaved_changes)
            || self
                .transfers
                .as_ref()
                .is_some_and(TransfersTab::has_unsaved_changes)
            || self
                .concern
                .as_ref()
                .is_some_and(AddIncident::has_unsaved_changes)
    }

    /// The Pupils tab, once it has been opened.
    pub fn pupils_tab(&self) -> Option<&PupilsTab> {
        self.pupils.as_ref()
    }

    /// The Dashboard, once it has been shown.
    pub fn dashboard_tab(&self) -> Option<&DashboardTab> {
        self.dashboard.as_ref()
    }

    /// The Reports tab, once it has been opened.
    pub fn reports_tab(&self) -> Option<&ReportsTab> {
        self.reports.as_ref()
    }

    fn open_concern(
        &mut self,
        session: &Session,
        pupil: Option<crate::service::records::PupilSummary>,
    ) -> Action {
        if self
            .concern
            .as_ref()
            .is_some_and(AddIncident::has_unsaved_changes)
        {
            return Action::Effect(Effect::None);
        }
        let about_someone = pupil.is_some();
        self.concern = Some(AddIncident::new(session, pupil));
        if about_someone {
            Action::Effect(Effect::Focus(add_incident::DATE))
        } else {
            Action::Effect(Effect::Focus(add_incident::SEARCH))
        }
    }

    fn from_groups(outcome: groups::Action) -> Action {
        match outcome {
            groups::Action::Effect(e) => Action::Effect(e.map(Message::Groups)),
        }
    }

    /// Keys not taken by a text field: the class editor's list navigation, Enter on an import.
    pub fn key(
        &mut self,
        key: &iced::keyboard::Key,
        modifiers: iced::keyboard::Modifiers,
        session: &mut Session,
    ) -> Action {
        match (self.tab, &mut self.groups, &mut self.imports) {
            (Tab::Groups, Some(g), _) => Home::from_groups(g.key(key, modifiers, session)),
            (Tab::Imports, _, Some(i)) => {
                let outcome = i.key(key, session);
                self.after_imports(outcome, session, modifiers)
            }
            (Tab::Users, ..) => match &mut self.users {
                Some(u) => {
                    let users::Action::Effect(e) = u.key(key, modifiers);
                    Action::Effect(e.map(Message::Users))
                }
                None => Action::Effect(Effect::None),
            },
            _ => Action::Effect(Effect::None),
        }
    }

    fn after_imports(
        &mut self,
        outcome: imports::Action,
        session: &mut Session,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        match outcome {
            imports::Action::Effect(e) => Action::Effect(e.map(Message::Imports)),
            imports::Action::OpenGroups(t) => {
                self.go(crate::service::health::Place::Groups(t), session, modifiers)
            }
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        session: &mut Session,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        if let Message::Escape = message {
            if self.help {
                self.help = false;
            } else {
                self.escape(session);
            }
            return Action::Effect(Effect::None);
        }
        if !matches!(message, Message::Help | Message::Display(_)) {
            self.help = false;
        }
        self.status.clear_unless_problem();
        match message {
            Message::Escape => {}
            Message::Tab(_) | Message::TabByKey(_) if self.has_unsaved_changes() => {
                if let Some(c) = &mut self.concern {
                    // Leaving + Add Incident asks the same question as Cancel.
                    c.update(add_incident::Message::Cancel, session);
                } else {
                    *self.page_status() =
                        Status::problem("Save or discard your changes before leaving this page.");
                }
            }
            Message::Tab(tab) => {
                self.open_tab(tab, session);
                if tab == Tab::Audits {
                    return Action::Effect(Effect::Focus(AUDIT_SEARCH));
                }
            }
            Message::TabByKey(tab) => {
                self.open_tab(tab, session);
                return Action::Effect(Effect::Focus(tab.focus_id()));
            }
            Message::Groups(m) => {
                self.status.clear_problem();
                if let Some(g) = &mut self.groups {
                    return Home::from_groups(g.update(m, session, modifiers));
                }
            }
            Message::Users(m) => {
                if let Some(u) = &mut self.users {
                    let users::Action::Effect(e) = u.update(m, session, modifiers);
                    return Action::Effect(e.map(Message::Users));
                }
            }
            Message::AddIncident => return self.open_concern(session, None),
            Message::TabNumber(n) => {
                let tab = n
                    .checked_sub(1)
                    .and_then(|i| Home::tabs(session.me()).get(i).copied());
                if let Some(tab) = tab {
                    return self.update(Message::TabByKey(tab), session, modifiers);
                }
            }
            Message::SaveShortcut => {
                if let Some(m) = self.save_message() {
                    return self.update(m, session, modifiers);
                }
            }
            Message::Help => self.help = !self.help,
            Message::Display(d) => {
                // The page stays open to show the new look.
                self.help = true;
                return Action::Display(d);
            }
            Message::Concern(m) => {
                if let Some(c) = &mut self.concern {
                    match c.update(m, session) {
                        add_incident::Action::Effect(e) => {
                            return Action::Effect(e.map(Message::Concern));
                        }
                        add_incident::Action::Closed(notice) => {
                            self.concern = None;
                            self.load(session);
                            if let Some(notice) = notice {
                                *self.page_status() = Status::Note(notice);
                            }
                        }
                    }
                }
            }
            Message::Pupils(m) => {
                if let Some(p) = &mut self.pupils {
                    match p.update(m, session) {
                        pupils::Action::Effect(e) => return Action::Effect(e.map(Message::Pupils)),
                        pupils::Action::AddIncident(pupil) => {
                            return self.open_concern(session, Some(pupil));
                        }
                    }
                }
            }
            Message::Categories(m) => {
                if let Some(c) = &mut self.categories {
                    let categories::Action::Effect(e) = c.update(m, session);
                    return Action::Effect(e.map(Message::Categories));
                }
            }
            Message::Retention(m) => {
                if let Some(r) = &mut self.retention {
                    let retention::Action::Effect(e) = r.update(m, session);
                    return Action::Effect(e.map(Message::Retention));
                }
            }
            Message::Transfers(m) => {
                if let Some(t) = &mut self.transfers {
                    let transfers::Action::Effect(e) = t.update(m, session);
                    return Action::Effect(e.map(Message::Transfers));
                }
            }
            Message::Imports(m) => {
                if let Some(i) = &mut self.imports {
                    let outcome = i.update(m, session);
                    return self.after_imports(outcome, session, modifiers);
                }
            }
            Message::AuditSearch(s) => {
                self.audit_search = s;
                self.load(session);
            }
            Message::Overview(m) => {
                let Some(h) = &mut self.health else {
                    return Action::Effect(Effect::None);
                };
                return match h.update(m, session) {
                    overview::Action::Effect(Effect::None) => Action::Effect(Effect::None),
                    overview::Action::Go(place) => self.go(place, session, modifiers),
                    overview::Action::Effect(e) => Action::Effect(e.map(Message::Overview)),
                    overview::Action::StartRestore => Action::StartRestore,
                    overview::Action::IdleLock(m) => {
                        self.update(Message::IdleLock(m), session, modifiers)
                    }
                };
            }
            Message::Dashboard(m) => {
                let Some(d) = &mut self.dashboard else {
                    return Action::Effect(Effect::None);
                };
                match d.update(m, session) {
                    dashboard::Action::Effect(e) => {
                        return Action::Effect(e.map(Message::Dashboard));
                    }
                    dashboard::Action::OpenPupil(p) => {
                        let action = self.update(Message::Tab(Tab::Pupils), session, modifiers);
                        if self.tab != Tab::Pupils {
                            return action;
                        }
                        if let Some(tab) = &mut self.pupils {
                            tab.open_profile(session, &p);
                        }
                    }
                }
            }
            Message::Reports(m) => {
                if let Some(r) = &mut self.reports {
                    let reports::Action::Effect(e) = r.update(m, session);
                    return Action::Effect(e.map(Message::Reports));
                }
            }
            Message::RemindMe => {
                if self
                    .concern
                    .as_ref()
                    .is_some_and(AddIncident::has_unsaved_changes)
                {
                    *self.page_status() = Status::problem(
                        "Save or cancel the concern you are writing first; then Remind Me opens on the Dashboard.",
                    );
                    return Action::Effect(Effect::None);
                }
                let action = self.update(Message::Tab(Tab::Dashboard), session, modifiers);
                if self.tab != Tab::Dashboard {
                    return action;
                }
                self.concern = None;
                return Action::Effect(Effect::Focus(dashboard::REMINDER_NOTE));
            }
            Message::IdleLock(m) => match session.set_idle_lock_minutes(m) {
                Ok(()) => {
                    self.idle_minutes = m;
                    self.load(session);
                }
                Err(e) => *self.page_status() = Status::problem(e),
            },
        }
        Action::Effect(Effect::None)
    }

    /// Opens the place where a health-check finding is fixed.
    fn go(
        &mut self,
        place: crate::service::health::Place,
        session: &mut Session,
        modifiers: iced::keyboard::Modifiers,
    ) -> Action {
        use crate::service::health::Place;
        let (tab, then) = match place {
            Place::Groups(t) => (Tab::Groups, vec![groups::Message::SubTab(t)]),
            Place::PupilsWithoutGroup(t) => (
                Tab::Groups,
                vec![
                    groups::Message::SubTab(t),
                    groups::Message::ShowWithoutGroup(true),
                ],
            ),
            Place::AccessList(t, g) => (
                Tab::Groups,
                vec![groups::Message::SubTab(t), groups::Message::OpenEditor(g)],
            ),
            Place::Users | Place::User(_) | Place::UserGroup(_) => (Tab::Users, Vec::new()),
            Place::Audits => (Tab::Audits, Vec::new()),
            Place::Retention => (Tab::Retention, Vec::new()),
            Place::Transfers => (Tab::Transfers, Vec::new()),
            Place::Backup => return Action::Effect(Effect::None),
        };
        let mut action = self.update(Message::Tab(tab), session, modifiers);
        if self.tab != tab {
            return action;
        }
        for m in then {
            action = self.update(Message::Groups(m), session, modifiers);
        }
        match place {
            Place::User(id) => {
                self.update(Message::Users(users::Message::Open(id)), session, modifiers)
            }
            Place::UserGroup(id) => self.update(
                Message::Users(users::Message::OpenGroup(id)),
                session,
                modifiers,
            ),
            _ => action,
        }
    }

    /// The Overview tab, once it has been shown.
    pub fn overview_tab(&self) -> Option<&OverviewTab> {
        self.health.as_ref()
    }

    /// Escape closes an open form or question on the current tab.
    fn escape(&mut self, session: &mut Session) {
        if let Some(c) = &mut self.concern {
            if let add_incident::Action::Closed(_) =
                c.update(add_incident::Message::Cancel, session)
            {
                self.concern = None;
            }
            return;
        }
        // What a tab asks for afterwards (focus, mostly) does not matter once something closed.
        let modifiers = iced::keyboard::Modifiers::default();
        match (
            self.tab,
            &mut self.pupils,
            &mut self.groups,
            &mut self.users,
        ) {
            (Tab::Pupils, Some(p), _, _) => {
                p.update(pupils::Message::Escape, session);
            }
            (Tab::Groups, _, Some(g), _) => {
                g.update(groups::Message::Escape, session, modifiers);
            }
            (Tab::Users, _, _, Some(u)) => {
                u.update(users::Message::Escape, session, modifiers);
            }
            (Tab::Categories, ..) => {
                if let Some(c) = &mut self.categories {
                    c.update(categories::Message::Escape, session);
                }
            }
            (Tab::Imports, ..) => {
                if let Some(i) = &mut self.imports {
                    i.update(imports::Message::Escape, session);
                }
            }
            (Tab::Retention, ..) => {
                if let Some(r) = &mut self.retention {
                    r.update(retention::Message::Escape, session);
                }
            }
            (Tab::Transfers, ..) => {
                if let Some(t) = &mut self.transfers {
                    t.update(transfers::Message::Escape, session);
                }
            }
            _ => {}
        }
    }

    pub fn view<'a>(
        &'a self,
        me: &'a Me,
        hide_names: bool,
        display: Display,
        window_height: f32,
    ) -> Element<'a, Message> {
        // What is left for a list once the header, the tabs, an editor's bar and its hints are
        // drawn: the class editor and Change members fill the window with it.
        let list_height = (window_height - 400.0).max(300.0);
        let tabs = Home::tabs(me);
        let nav = tabs
            .iter()
            .enumerate()
            .fold(row![].spacing(theme::SPACE_XS), |r, (i, &t)| {
                // Left and Right move along the tab strip, as in any tabbed window.
                // (The strip wraps onto a second line when the window is narrow.)
                let (before, after) = (
                    i.checked_sub(1).and_then(|j| tabs.get(j)).copied(),
                    tabs.get(i + 1).copied(),
                );
                r.push(
                    focusable(
                        button(text(t.label()).size(theme::TEXT_BODY))
                            .padding([theme::SPACE_S, theme::SPACE_M])
                            .style(theme::tab_button(t == self.tab && self.concern.is_none()))
                            .on_press(Message::Tab(t)),
                    )
                    .id(t.focus_id())
                    .on_key(move |k, _| match k {
                        key::Named::ArrowLeft => before.map(Message::TabByKey),
                        key::Named::ArrowRight => after.map(Message::TabByKey),
                        _ => None,
                    }),
                )
            });
        let mut body = column![].spacing(theme::SPACE_M);
        if me.permissions.capped_for_no_key || !me.signed_in_with_key {
            body = body.push(form::warning(
                "You are signed in without a soft key, so you have the basic permissions only: you can record concerns and use the library, but you cannot see pupils' records or change settings. Ask your Keyholder administrator to set up a key for you.",
            ));
        }
        body = body.push(self.status.view());
        let content: Element<'a, Message> = match (&self.concern, self.tab) {
            _ if self.help => super::help::view(
                Message::Help,
                super::display::view(display, Message::Display),
            ),
            (Some(c), _) => c.view(hide_names).map(Message::Concern),
            (None, tab) => self.tab_view(tab, me, hide_names, list_height),
        };
        body = body.push(content);
        let page = scrollable(
            container(body)
                .padding([theme::SPACE_S, theme::SPACE_L])
                .width(Fill),
        )
        .id(PAGE)
        .height(Fill);
        let footer = match (&self.concern, self.tab, &self.users) {
            (None, Tab::Users, Some(u)) if !self.help => u.footer().map(|f| f.map(Message::Users)),
            _ => None,
        };
        column![
            container(nav.wrap().vertical_spacing(theme::SPACE_XS))
                .padding([theme::SPACE_S, theme::SPACE_L]),
            page
        ]
        .push(footer)
        .into()
    }

    fn tab_view<'a>(
        &'a self,
        tab: Tab,
        me: &'a Me,
        hide_names: bool,
        list_height: f32,
    ) -> Element<'a, Message> {
        match tab {
            Tab::Dashboard => match &self.dashboard {
                Some(d) => d.view(me, hide_names).map(Message::Dashboard),
                None => text("").into(),
            },
            Tab::Reports => match &self.reports {
                Some(r) => r.view(me, hide_names).map(Message::Reports),
                None => text("").into(),
            },
            Tab::Overview => match &self.health {
                Some(h) => h
                    .view(me, hide_names, self.idle_minutes)
                    .map(Message::Overview),
                None => text("").into(),
            },
            Tab::Pupils => match &self.pupils {
                Some(p) => p.view(me, hide_names).map(Message::Pupils),
                None => text("").into(),
            },
            Tab::Groups => match &self.groups {
                Some(g) => g.view(hide_names, list_height).map(Message::Groups),
                None => text("").into(),
            },
            Tab::Users => match &self.users {
                Some(u) => u.view(hide_names, list_height).map(Message::Users),
                None => text("").into(),
            },
            Tab::Categories => match &self.categories {
                Some(c) => c.view().map(Message::Categories),
                None => text("").into(),
            },
            Tab::Imports => match &self.imports {
                Some(i) => i.view(hide_names).map(Message::Imports),
                None => text("").into(),
            },
            Tab::Retention => match &self.retention {
                Some(r) => r.view(hide_names).map(Message::Retention),
                None => text("").into(),
            },
            Tab::Transfers => match &self.transfers {
                Some(t) => t.view(hide_names).map(Message::Transfers),
                None => text("").into(),
            },
            Tab::Audits => self.audit_view(),
        }
    }

    fn audit_view(&self) -> Element<'_, Message> {
        let mut c = column![form::section_title("Audits")].spacing(theme::SPACE_M);
        if let Some(chain) = &self.chain {
            c = c.push(if chain.is_sound() {
                form::success(chain.describe())
            } else {
                form::error(chain.describe())
            });
        }
        match &self.looked_up {
            Some((n, Some(fingerprint))) => c = c.push(form::success(format!(
                "Entry {n} has the fingerprint {fingerprint}. If you noted a different fingerprint for entry {n}, the audit trail has been rewritten since."
            ))),
            Some((n, None)) => c = c.push(form::warning(format!(
                "There is no entry {n}. If you noted a fingerprint for entry {n}, entries have been removed since."
            ))),
            None => {}
        }
        c = c.push(
            text_input("Search who, what or details", &self.audit_search)
                .id(AUDIT_SEARCH)
                .on_input(Message::AuditSearch)
                .padding(theme::SPACE_S + 2.0)
                .style(theme::input),
        );
        let mut table = column![table_row(
            ["When", "Who", "What", "Details"].map(String::from),
            true
        )];
        for e in &self.audit {
            let details = if e.before.is_empty() && e.after.is_empty() {
                e.summary.clone()
            } else {
                format!("{} (was: {}; now: {})", e.summary, e.before, e.after)
            };
            table = table.push(table_row(
                [
                    format_local(e.at),
                    e.actor_name.clone(),
                    e.action.clone(),
                    details,
                ],
                false,
            ));
        }
        if self.audit.len() == AUDIT_ROWS {
            table = table.push(
                text(format!(
                    "Showing the newest {AUDIT_ROWS}; search to find older entries."
                ))
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
            );
        }
        c.push(
            container(table)
                .padding(theme::SPACE_M)
                .width(Fill)
                .style(theme::card),
        )
        .into()
    }
}

/// One row of a simple table; columns share the width equally, long text wraps.
/// "1234", "#1234" or "entry 1234" typed in the Audits search: that entry's number.
fn entry_number(search: &str) -> Option<i64> {
    let s = search.trim();
    let s = s
        .strip_prefix('#')
        .or_else(|| {
            s.get(..5)
                .filter(|p| p.eq_ignore_ascii_case("entry"))
                .and_then(|_| s.get(5..))
        })
        .unwrap_or(s)
        .trim();
    s.parse::<i64>().ok().filter(|n| *n >= 1)
}

fn table_row<'a, M: 'a, const N: usize>(cells: [String; N], header: bool) -> Element<'a, M> {
    let r = cells
        .into_iter()
        .fold(row![].spacing(theme::SPACE_M), |r, cell| {
            r.push(
                container(
                    text(cell)
                        .size(if header {
                            theme::TEXT_SMALL
                        } else {
                            theme::TEXT_BODY
                        })
                        .font(if header { BOLD } else { iced::Font::DEFAULT })
                        .style(if header { theme::muted } else { theme::plain }),
                )
                .width(Length::FillPortion(1)),
            )
        });
    container(r)
        .padding([theme::SPACE_XS + 2.0, 0.0])
        .width(Fill)
        .into()
}
