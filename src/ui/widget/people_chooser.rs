//! Choosing people (and, where they count, user groups): who may read a restricted concern, who
//! a concern is about, whom a locked record is open to. User groups are ticked in a row; people
//! are found by typing part of a name, and those ticked stay listed first. Plain data plus a
//! view, so any form can hold one (each with its own search field id).

use crate::model::restriction::Readers;
use crate::model::{UserGroupId, UserId};
use crate::service::restrictions::ReaderChoice;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, Field};
use iced::Element;
use iced::widget::{checkbox, column, row, text};
use std::collections::BTreeSet;

/// How many people a search lists besides those ticked.
const FOUND: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Search(String),
    User(UserId, bool),
    Group(UserGroupId, bool),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chooser {
    pub users: BTreeSet<UserId>,
    pub groups: BTreeSet<UserGroupId>,
    search: String,
}

impl Chooser {
    /// These people ticked, no user group.
    pub fn people(users: impl IntoIterator<Item = UserId>) -> Chooser {
        Chooser {
            users: users.into_iter().collect(),
            ..Chooser::default()
        }
    }

    pub fn of(readers: &Readers) -> Chooser {
        Chooser {
            users: readers.users.clone(),
            groups: readers.groups.clone(),
            search: String::new(),
        }
    }

    pub fn update(&mut self, message: Message) {
        match message {
            Message::Search(s) => self.search = s,
            Message::User(u, on) => form::tick(&mut self.users, u, on),
            Message::Group(g, on) => form::tick(&mut self.groups, g, on),
        }
    }

    pub fn readers(&self) -> Readers {
        Readers {
            users: self.users.clone(),
            groups: self.groups.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty()
    }

    /// `with_groups`: whether user groups can be chosen as well as people. `search_id` is the
    /// search field's id; `map` turns the chooser's messages into the form's.
    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        choices: &'a ReaderChoice,
        with_groups: bool,
        search_id: &'static str,
        label: &'a str,
        map: impl Fn(Message) -> M + Clone + 'a,
    ) -> Element<'a, M> {
        let mut c = column![].spacing(theme::SPACE_S);
        if with_groups {
            let mut groups = row![].spacing(theme::SPACE_M);
            for (id, name) in &choices.groups {
                let id = *id;
                let m = map.clone();
                groups = groups.push(focusable(
                    checkbox(self.groups.contains(&id))
                        .label(format!("{name} (user group)"))
                        .on_toggle(move |on| m(Message::Group(id, on)))
                        .size(16)
                        .text_size(theme::TEXT_SMALL),
                ));
            }
            c = c.push(groups.wrap().vertical_spacing(theme::SPACE_XS));
        }
        let m = map.clone();
        c = c.push(
            Field::new(label, search_id, &self.search, move |s| {
                m(Message::Search(s))
            })
            .placeholder("Type part of a name")
            .view(),
        );
        let words: Vec<String> = self
            .search
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let ticked = choices
            .users
            .iter()
            .filter(|(id, _)| self.users.contains(id));
        let found = choices
            .users
            .iter()
            .filter(|(id, name)| {
                !self.users.contains(id)
                    && !words.is_empty()
                    && words.iter().all(|w| name.to_lowercase().contains(w))
            })
            .take(FOUND);
        let mut people = row![].spacing(theme::SPACE_M);
        let mut any = false;
        for (id, name) in ticked.chain(found) {
            any = true;
            let id = *id;
            let m = map.clone();
            people = people.push(focusable(
                checkbox(self.users.contains(&id))
                    .label(name.as_str())
                    .on_toggle(move |on| m(Message::User(id, on)))
                    .size(16)
                    .text_size(theme::TEXT_SMALL),
            ));
        }
        if any {
            c = c.push(people.wrap().vertical_spacing(theme::SPACE_XS));
        } else if !words.is_empty() {
            c = c.push(
                text("Nobody of that name.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
        }
        c.into()
    }
}

/// Who may read a concern, as a form part: only the people and user groups chosen (or everyone
/// the other rules allow), and the staff it is about (kept from them, and from their group
/// unless let in). Recording a concern and changing one afterwards both use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionForm {
    pub restrict: bool,
    pub readers: Chooser,
    pub about: Chooser,
    pub group_may_read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestrictionMessage {
    Restrict(bool),
    Readers(Message),
    About(Message),
    GroupMayRead(bool),
}

impl RestrictionForm {
    /// As a restriction is now; the person changing it ticked to begin with when there is none.
    pub fn of(r: &crate::service::restrictions::Restricting, me: UserId) -> RestrictionForm {
        RestrictionForm {
            restrict: r.only.is_some(),
            readers: r
                .only
                .as_ref()
                .map_or_else(|| Chooser::people([me]), Chooser::of),
            about: Chooser::people(r.staff.iter().map(|s| s.user)),
            group_may_read: r.staff.iter().any(|s| s.group_may_read),
        }
    }

    pub fn update(&mut self, m: RestrictionMessage) {
        match m {
            RestrictionMessage::Restrict(on) => self.restrict = on,
            RestrictionMessage::Readers(m) => self.readers.update(m),
            RestrictionMessage::About(m) => self.about.update(m),
            RestrictionMessage::GroupMayRead(on) => self.group_may_read = on,
        }
    }

    pub fn restricting(&self) -> crate::service::restrictions::Restricting {
        crate::service::restrictions::Restricting {
            only: self.restrict.then(|| self.readers.readers()),
            staff: self
                .about
                .users
                .iter()
                .map(|u| crate::model::restriction::StaffInvolved {
                    user: *u,
                    group_may_read: self.group_may_read,
                })
                .collect(),
        }
    }

    /// `ids`: the two search fields' ids (readers, staff).
    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        choices: &'a ReaderChoice,
        ids: (&'static str, &'static str),
        restrict_label: &'a str,
        map: impl Fn(RestrictionMessage) -> M + Clone + 'a,
    ) -> Element<'a, M> {
        let m = map.clone();
        let mut c = column![focusable(
            checkbox(self.restrict)
                .label(restrict_label)
                .on_toggle(move |on| m(RestrictionMessage::Restrict(on)))
                .size(16)
                .text_size(theme::TEXT_BODY)
        )]
        .spacing(theme::SPACE_S);
        if self.restrict {
            c = c.push(
                text("Everyone else sees no sign of it: not on the profile, in reports or in alerts. People chosen still need access to the pupil and the category.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
            let m = map.clone();
            c = c.push(self.readers.view(
                choices,
                true,
                ids.0,
                "Add a person who may read it",
                move |x| m(RestrictionMessage::Readers(x)),
            ));
        }
        let m = map.clone();
        c = c.push(self.about.view(
            choices,
            false,
            ids.1,
            "Staff it is about (optional): they are never shown it",
            move |x| m(RestrictionMessage::About(x)),
        ));
        if !self.about.is_empty() {
            let m = map.clone();
            c = c.push(focusable(
                checkbox(self.group_may_read)
                    .label("Let their user group read it (kept from the group unless ticked)")
                    .on_toggle(move |on| m(RestrictionMessage::GroupMayRead(on)))
                    .size(16)
                    .text_size(theme::TEXT_SMALL),
            ));
        }
        c.into()
    }
}
