//! Admin > Categories: incident categories and their sub-categories. New ones, renames, order,
//! and archiving (which keeps their incidents and permissions).

use crate::model::category::tree_order;
use crate::model::{Category, CategoryId};
use crate::service::Session;
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field};
use crate::ui::widget::status::Status;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Fill, Length};

pub const NEW_NAME: &str = "category-new-name";
pub const EDIT_NAME: &str = "category-edit-name";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The Escape key: closes what is open, innermost first.
    Escape,
    /// Start adding a category (`None`) or a sub-category under one.
    Add(Option<CategoryId>),
    NewName(String),
    Create,
    Rename(CategoryId),
    EditName(String),
    SaveName,
    Cancel,
    Move(CategoryId, bool),
    Archive(CategoryId, bool),
}

pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
}

pub struct CategoriesTab {
    categories: Vec<Category>,
    adding: Option<(Option<CategoryId>, String)>,
    renaming: Option<(CategoryId, String)>,
    pub status: Status,
}

impl CategoriesTab {
    pub fn new(session: &Session) -> CategoriesTab {
        let mut t = CategoriesTab {
            categories: Vec::new(),
            adding: None,
            renaming: None,
            status: Status::Quiet,
        };
        t.reload(session);
        t
    }

    pub fn reload(&mut self, session: &Session) {
        match session.categories() {
            Ok(c) => self.categories = c,
            Err(e) => self.status = Status::problem(e),
        }
    }

    fn done(&mut self, session: &Session, r: crate::service::Result<String>) {
        match r {
            Ok(n) => {
                self.status = Status::done(n);
            }
            Err(e) => {
                self.status = Status::problem(e);
            }
        }
        self.reload(session);
    }

    fn escape(&mut self) -> bool {
        let open = self.adding.is_some() || self.renaming.is_some();
        self.adding = None;
        self.renaming = None;
        open
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        match message {
            Message::Escape => {
                self.escape();
                return Action::Effect(Effect::None);
            }
            Message::Add(parent) => {
                self.adding = Some((parent, String::new()));
                self.renaming = None;
                return Action::Effect(Effect::Focus(NEW_NAME));
            }
            Message::NewName(n) => {
                if let Some((_, name)) = &mut self.adding {
                    *name = n;
                }
            }
            Message::Create => {
                if let Some((parent, name)) = self.adding.clone() {
                    match session.create_category(parent, &name) {
                        Ok(_) => {
                            self.adding = None;
                            let note = if parent.is_some() {
                                " User groups that had its parent ticked have it ticked the same way."
                            } else {
                                " It starts with nothing ticked in every user group."
                            };
                            self.done(session, Ok(format!("\"{}\" added.{note}", name.trim())));
                        }
                        Err(e) => {
                            self.status = Status::problem(e);
                            return Action::Effect(Effect::Focus(NEW_NAME));
                        }
                    }
                }
            }
            Message::Rename(id) => {
                if let Some(c) = self.categories.iter().find(|c| c.id == id) {
                    self.renaming = Some((id, c.name.clone()));
                    self.adding = None;
                    return Action::Effect(Effect::Focus(EDIT_NAME));
                }
            }
            Message::EditName(n) => {
                if let Some((_, name)) = &mut self.renaming {
                    *name = n;
                }
            }
            Message::SaveName => {
                if let Some((id, name)) = self.renaming.clone() {
                    match session.rename_category(id, &name) {
                        Ok(()) => {
                            self.renaming = None;
                            self.done(session, Ok("Renamed.".into()));
                        }
                        Err(e) => {
                            self.status = Status::problem(e);
                            return Action::Effect(Effect::Focus(EDIT_NAME));
                        }
                    }
                }
            }
            Message::Cancel => {
                self.adding = None;
                self.renaming = None;
            }
            Message::Move(id, up) => {
                let r = session.move_category(id, up).map(|()| "Moved.".to_string());
                self.done(session, r);
            }
            Message::Archive(id, archived) => {
                let r = session.set_category_archived(id, archived).map(|()| {
                    if archived {
                        "Archived: it no longer appears in the grids or when adding incidents. Its incidents and permissions are kept."
                    } else {
                        "Restored."
                    }
                    .to_string()
                });
                self.done(session, r);
            }
        }
        Action::Effect(Effect::None)
    }

    fn add_form(&self, parent: Option<CategoryId>) -> Option<Element<'_, Message>> {
        let (p, name) = self.adding.as_ref()?;
        if *p != parent {
            return None;
        }
        Some(
            row![
                container(
                    Field::new(
                        if parent.is_some() {
                            "New sub-category"
                        } else {
                            "New category"
                        },
                        NEW_NAME,
                        name,
                        Message::NewName,
                    )
                    .on_submit(Message::Create)
                    .view()
                )
                .width(Length::Fixed(360.0)),
                form::secondary("Cancel", Some(Message::Cancel)),
                form::primary("Add", Some(Message::Create)),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Bottom)
            .padding(iced::Padding::ZERO.left(if parent.is_some() {
                theme::SPACE_L
            } else {
                0.0
            }))
            .into(),
        )
    }

    pub fn view<'a>(&'a self) -> Element<'a, Message> {
        let small = |label: &'static str, msg: Message| {
            focusable(
                button(text(label).size(theme::TEXT_SMALL))
                    .padding([theme::SPACE_XS, theme::SPACE_S])
                    .style(theme::secondary_button)
                    .on_press(msg),
            )
        };
        let ordered = tree_order(&self.categories);
        let mut list = column![].spacing(theme::SPACE_XS);
        let mut last_parent: Option<CategoryId> = None;
        let close_parent =
            |list: iced::widget::Column<'a, Message>, parent: Option<CategoryId>| match parent
                .and_then(|p| self.add_form(Some(p)))
            {
                Some(f) => list.push(f),
                None => list,
            };
        for c in &ordered {
            if c.parent.is_none() {
                list = close_parent(list, last_parent);
                last_parent = Some(c.id);
            }
            let indent = if c.parent.is_some() {
                theme::SPACE_L
            } else {
                0.0
            };
            let name: Element<'_, Message> = match &self.renaming {
                Some((id, n)) if *id == c.id => row![
                    container(
                        Field::new("Name", EDIT_NAME, n, Message::EditName)
                            .on_submit(Message::SaveName)
                            .view()
                    )
                    .width(Length::Fixed(320.0)),
                    form::secondary("Cancel", Some(Message::Cancel)),
                    form::primary("Save", Some(Message::SaveName)),
                ]
                .spacing(theme::SPACE_S)
                .align_y(iced::Bottom)
                .into(),
                _ => {
                    let label = if c.parent.is_some() {
                        format!("— {}", c.name)
                    } else {
                        c.name.clone()
                    };
                    let label = if c.archived {
                        format!("{label} (archived)")
                    } else {
                        label
                    };
                    text(label)
                        .size(theme::TEXT_BODY)
                        .font(if c.parent.is_none() {
                            BOLD
                        } else {
                            iced::Font::DEFAULT
                        })
                        .style(if c.archived {
                            theme::muted
                        } else {
                            theme::plain
                        })
                        .into()
                }
            };
            let mut actions = row![
                small("Rename", Message::Rename(c.id)),
                small("Up", Message::Move(c.id, true)),
                small("Down", Message::Move(c.id, false)),
                if c.archived {
                    small("Restore", Message::Archive(c.id, false))
                } else {
                    small("Archive", Message::Archive(c.id, true))
                },
            ]
            .spacing(theme::SPACE_XS);
            if c.parent.is_none() && !c.archived {
                actions = actions.push(small("Add sub-category", Message::Add(Some(c.id))));
            }
            list = list.push(
                row![
                    container(name)
                        .width(Fill)
                        .padding(iced::Padding::ZERO.left(indent)),
                    actions,
                ]
                .spacing(theme::SPACE_M)
                .align_y(iced::Center),
            );
        }
        list = close_parent(list, last_parent);
        let mut c = column![
            row![
                form::section_title("Categories"),
                iced::widget::space().width(Fill),
                form::secondary("New Category", Some(Message::Add(None))),
            ]
            .align_y(iced::Center),
            text("Incidents are recorded under a category or one of its sub-categories. Each user group's grid decides who may see and add them.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        ]
        .spacing(theme::SPACE_M);
        c = c.push(self.status.view());
        if let Some(f) = self.add_form(None) {
            c = c.push(f);
        }
        c.push(
            container(list)
                .padding(theme::SPACE_M)
                .width(Fill)
                .style(theme::card),
        )
        .into()
    }
}
