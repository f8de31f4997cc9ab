//! The two permission grids of a user group: categories (View Students / View Incidents / Add
//! Incidents, with tri-state parents and column headers) and system permissions (by section).
//! They draw plain data and report clicks; the rules are in `model::grid`.

use crate::model::grid::{self, GridRow, TriState};
use crate::model::{
    CategoryId, CategoryPermission, CategoryPermissions, PermissionSection, SystemPermission,
    SystemPermissions,
};
use crate::ui::theme;
use crate::ui::widget::form::BOLD;
use crate::ui::widget::tri_state::tri_state;
use crate::ui::widget::virtual_list::{self, Scroll};
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Length};

pub const CATEGORY_LIST: &str = "category-grid";
pub const ROW_HEIGHT: f32 = 34.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Row(CategoryId, CategoryPermission),
    Column(CategoryPermission),
    Section(PermissionSection),
    System(SystemPermission),
    Scrolled(Scroll),
}

/// The name of a box for people and tests: "Behaviour: View Incidents".
pub fn box_description(row: &str, column: &str) -> String {
    format!("{row}: {column}")
}

fn column_cell<'a>(e: Element<'a, Message>) -> Element<'a, Message> {
    container(e)
        .width(Length::Fixed(150.0))
        .center_x(Length::Fixed(150.0))
        .into()
}

/// The category grid. `height` is the space for its rows; past that it scrolls, and only the
/// rows in view are laid out, so 60 categories of 10 sub-categories stay quick.
pub fn category_grid<'a>(
    rows: &'a [GridRow],
    grid: &'a CategoryPermissions,
    scroll: Scroll,
    height: f32,
    enabled: bool,
) -> Element<'a, Message> {
    let header = CategoryPermission::ALL.into_iter().fold(
        row![
            text("Category")
                .size(theme::TEXT_SMALL)
                .font(BOLD)
                .width(Fill)
        ]
        .spacing(theme::SPACE_S),
        |r, p| {
            r.push(column_cell(
                column![
                    row![
                        tri_state(
                            grid::column_state(grid, rows, p),
                            format!("All categories: {}", p.label())
                        )
                        .on_toggle_maybe(enabled.then_some(Message::Column(p))),
                        text(p.label()).size(theme::TEXT_SMALL).font(BOLD),
                    ]
                    .spacing(theme::SPACE_XS + 2.0)
                    .align_y(iced::Center),
                    text(p.explanation())
                        .size(11.0)
                        .style(theme::muted)
                        .center(),
                ]
                .spacing(theme::SPACE_XS)
                .align_x(iced::Center)
                .into(),
            ))
        },
    );
    let body: Element<'a, Message> = if rows.is_empty() {
        text("There are no categories yet: add them under Admin > Categories.")
            .size(theme::TEXT_BODY)
            .style(theme::muted)
            .into()
    } else {
        virtual_list::view(
            CATEGORY_LIST,
            rows.len(),
            ROW_HEIGHT,
            scroll,
            move |i| {
                let r = &rows[i];
                let label = if r.parent.is_some() {
                    text(format!("— {}", r.name)).size(theme::TEXT_BODY)
                } else {
                    text(r.name.as_str()).size(theme::TEXT_BODY).font(BOLD)
                };
                let indent = if r.parent.is_some() {
                    theme::SPACE_L
                } else {
                    0.0
                };
                CategoryPermission::ALL
                    .into_iter()
                    .fold(
                        row![
                            container(label)
                                .padding(iced::Padding::ZERO.left(indent))
                                .width(Fill)
                                .clip(true)
                        ]
                        .spacing(theme::SPACE_S)
                        .align_y(iced::Center)
                        .height(Fill),
                        |line, p| {
                            line.push(column_cell(
                                tri_state(
                                    grid::row_state(grid, r, p),
                                    box_description(&r.name, p.label()),
                                )
                                .on_toggle_maybe(enabled.then_some(Message::Row(r.id, p)))
                                .into(),
                            ))
                        },
                    )
                    .into()
            },
            |v| Message::Scrolled(Scroll::from_viewport(&v)),
        )
    };
    let rows_height = (rows.len() as f32 * ROW_HEIGHT).clamp(ROW_HEIGHT, height);
    container(
        column![header, container(body).height(Length::Fixed(rows_height))].spacing(theme::SPACE_S),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::card)
    .into()
}

/// The system grid: each section with its own tick (mixed when partly set) and its permissions.
pub fn system_grid<'a>(system: &SystemPermissions, enabled: bool) -> Element<'a, Message> {
    let section = |s: PermissionSection| -> Element<'a, Message> {
        let mut c = column![
            row![
                tri_state(
                    grid::section_state(system, s),
                    format!("{} (whole section)", s.label())
                )
                .on_toggle_maybe(enabled.then_some(Message::Section(s))),
                text(s.label()).size(theme::TEXT_BODY).font(BOLD),
            ]
            .spacing(theme::SPACE_S)
            .align_y(iced::Center)
        ]
        .spacing(theme::SPACE_S);
        for p in s.permissions() {
            let state = if system.contains(p) {
                TriState::On
            } else {
                TriState::Off
            };
            c = c.push(
                row![
                    tri_state(state, p.label())
                        .on_toggle_maybe(enabled.then_some(Message::System(p))),
                    text(p.label()).size(theme::TEXT_BODY),
                ]
                .spacing(theme::SPACE_S)
                .align_y(iced::Center)
                .padding(iced::Padding::ZERO.left(theme::SPACE_L)),
            );
        }
        c.into()
    };
    use PermissionSection::*;
    container(
        row![
            column![section(General)].width(Length::FillPortion(1)),
            column![section(Reporting), section(Administration)]
                .spacing(theme::SPACE_L)
                .width(Length::FillPortion(1)),
            column![section(Planner), section(Library)]
                .spacing(theme::SPACE_L)
                .width(Length::FillPortion(1)),
        ]
        .spacing(theme::SPACE_L),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::card)
    .into()
}
