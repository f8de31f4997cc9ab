//! Labelled fields, messages and buttons.

use crate::ui::theme;
use crate::ui::widget::focus::{Focusable, focusable};
use iced::widget::{button, column, container, row, text, text_input};
use iced::{Element, Fill, Length, font};

pub const BOLD: iced::Font = iced::Font {
    weight: font::Weight::Bold,
    ..iced::Font::DEFAULT
};

pub const MONO: iced::Font = iced::Font::MONOSPACE;

/// A page title with an optional line of explanation under it.
pub fn heading<'a, M: 'a>(title: &'a str, subtitle: Option<&'a str>) -> Element<'a, M> {
    let mut c = column![text(title).size(theme::TEXT_TITLE).font(BOLD)].spacing(theme::SPACE_XS);
    if let Some(s) = subtitle {
        c = c.push(text(s).size(theme::TEXT_BODY).style(theme::muted));
    }
    c.into()
}

pub fn section_title<'a, M: 'a>(title: impl text::IntoFragment<'a>) -> Element<'a, M> {
    text(title).size(theme::TEXT_HEADING).font(BOLD).into()
}

/// A text field with its label above and an optional hint below. `id` lets tests and the
/// keyboard find it; `on_submit` is what Enter does.
pub struct Field<'a, M> {
    pub label: &'a str,
    pub value: &'a str,
    pub id: &'static str,
    pub placeholder: &'a str,
    pub secure: bool,
    pub hint: Option<String>,
    /// What is wrong with what was typed, shown under the field in place of the hint.
    pub problem: Option<&'a str>,
    pub on_input: Box<dyn Fn(String) -> M + 'a>,
    pub on_submit: Option<M>,
}

impl<'a, M: Clone + 'a> Field<'a, M> {
    pub fn new(
        label: &'a str,
        id: &'static str,
        value: &'a str,
        on_input: impl Fn(String) -> M + 'a,
    ) -> Self {
        Field {
            label,
            value,
            id,
            placeholder: "",
            secure: false,
            hint: None,
            problem: None,
            on_input: Box::new(on_input),
            on_submit: None,
        }
    }

    pub fn secure(mut self) -> Self {
        self.secure = true;
        self
    }

    pub fn placeholder(mut self, p: &'a str) -> Self {
        self.placeholder = p;
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }

    pub fn problem(mut self, p: Option<&'a str>) -> Self {
        self.problem = p;
        self
    }

    pub fn on_submit(mut self, m: M) -> Self {
        self.on_submit = Some(m);
        self
    }

    pub fn view(self) -> Element<'a, M> {
        let input = text_input(self.placeholder, self.value)
            .id(self.id)
            .secure(self.secure)
            .on_input(self.on_input)
            .on_submit_maybe(self.on_submit)
            .padding(theme::SPACE_S + 2.0)
            .size(theme::TEXT_BODY)
            .style(theme::input);
        let mut c = column![text(self.label).size(theme::TEXT_SMALL).font(BOLD), input]
            .spacing(theme::SPACE_XS);
        if let Some(p) = self.problem {
            c = c.push(problem_line(p));
        } else if let Some(h) = self.hint {
            c = c.push(text(h).size(theme::TEXT_SMALL).style(theme::muted));
        }
        c.width(Fill).into()
    }
}

/// A problem with one field, written under it in bold as well as in red.
pub fn problem_line<'a, M: 'a>(message: &'a str) -> Element<'a, M> {
    text(message)
        .size(theme::TEXT_SMALL)
        .font(BOLD)
        .style(theme::danger_text)
        .into()
}

fn banner<'a, M: 'a>(
    message: impl text::IntoFragment<'a>,
    style: fn(&iced::Theme) -> container::Style,
) -> Element<'a, M> {
    container(text(message).size(theme::TEXT_BODY))
        .padding(theme::SPACE_S + 4.0)
        .width(Fill)
        .style(style)
        .into()
}

pub fn error<'a, M: 'a>(message: impl text::IntoFragment<'a>) -> Element<'a, M> {
    banner(message, theme::error_banner)
}

pub fn warning<'a, M: 'a>(message: impl text::IntoFragment<'a>) -> Element<'a, M> {
    banner(message, theme::warning_banner)
}

pub fn info<'a, M: 'a>(message: impl text::IntoFragment<'a>) -> Element<'a, M> {
    banner(message, theme::info_banner)
}

pub fn success<'a, M: 'a>(message: impl text::IntoFragment<'a>) -> Element<'a, M> {
    banner(message, theme::success_banner)
}

/// The bar across the top of an editor: the way back on the left, what is being edited (with a
/// line under it), and its Save on the right.
pub fn editor_bar<'a, M: Clone + 'a>(
    back: (&'a str, M),
    title: &'a str,
    subtitle: &'a str,
    save: (&'a str, M),
) -> Element<'a, M> {
    row![
        secondary(back.0, Some(back.1)),
        column![
            text(title).size(theme::TEXT_TITLE).font(BOLD),
            text(subtitle).size(theme::TEXT_BODY).style(theme::muted),
        ],
        iced::widget::space().width(Fill),
        primary(save.0, Some(save.1)),
    ]
    .spacing(theme::SPACE_L)
    .align_y(iced::Center)
    .into()
}

/// A bar kept under a long page's scrolling part: what there is to save, and the Save button.
pub fn save_bar<'a, M: 'a>(state: &'a str, save: Element<'a, M>) -> Element<'a, M> {
    container(
        row![
            text(state).size(theme::TEXT_SMALL).style(theme::muted),
            iced::widget::space().width(Fill),
            save,
        ]
        .spacing(theme::SPACE_M)
        .align_y(iced::Center),
    )
    .padding([theme::SPACE_S, theme::SPACE_L])
    .width(Fill)
    .style(theme::card)
    .into()
}

/// Any button, reachable with Tab and pressed with Enter or Space; `None` disables it (and Tab
/// passes it over).
pub fn focusable_button<'a, M: Clone + 'a>(
    b: iced::widget::Button<'a, M>,
    on_press: Option<M>,
) -> Focusable<'a, M> {
    let enabled = on_press.is_some();
    focusable(b.on_press_maybe(on_press)).enabled(enabled)
}

fn styled<'a, M: Clone + 'a>(
    label: &'a str,
    style: fn(&iced::Theme, button::Status) -> button::Style,
    on_press: Option<M>,
) -> Element<'a, M> {
    focusable_button(
        button(text(label).size(theme::TEXT_BODY))
            .padding([theme::SPACE_S + 2.0, theme::SPACE_M + 4.0])
            .style(style),
        on_press,
    )
    .into()
}

/// The main action of a screen. `None` disables it.
pub fn primary<'a, M: Clone + 'a>(label: &'a str, on_press: Option<M>) -> Element<'a, M> {
    styled(label, theme::primary_button, on_press)
}

pub fn secondary<'a, M: Clone + 'a>(label: &'a str, on_press: Option<M>) -> Element<'a, M> {
    styled(label, theme::secondary_button, on_press)
}

/// A button for a step that removes or overrides something; used where a question asks first.
pub fn danger<'a, M: Clone + 'a>(label: &'a str, on_press: M) -> Element<'a, M> {
    styled(label, theme::danger_button, Some(on_press))
}

/// A question to answer before going on: what will happen, the way back (`back`) and the way
/// forward (`forward`), each a label and its message.
pub fn question<'a, M: Clone + 'a>(
    message: impl text::IntoFragment<'a>,
    back: (&'a str, M),
    forward: (&'a str, M),
) -> Element<'a, M> {
    container(
        column![
            text(message).size(theme::TEXT_BODY),
            row![
                secondary(back.0, Some(back.1)),
                danger(forward.0, forward.1)
            ]
            .spacing(theme::SPACE_S),
        ]
        .spacing(theme::SPACE_M),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::warning_banner)
    .into()
}

pub fn link<'a, M: Clone + 'a>(label: impl text::IntoFragment<'a>, on_press: M) -> Element<'a, M> {
    focusable_button(
        button(text(label).size(theme::TEXT_BODY))
            .padding(0)
            .style(theme::link_button),
        Some(on_press),
    )
    .into()
}

/// A row of buttons: secondary ones on the left, the primary on the right.
pub fn actions<'a, M: 'a>(left: Vec<Element<'a, M>>, right: Element<'a, M>) -> Element<'a, M> {
    let mut r = row![].spacing(theme::SPACE_S).align_y(iced::Center);
    for l in left {
        r = r.push(l);
    }
    r.push(iced::widget::space().width(Fill)).push(right).into()
}

/// One cell of a list whose rows have a fixed height: one line, clipped at its edge, so a long
/// name or large text never spills into the next row (opening the row shows it in full).
pub fn row_cell<'a, M: 'a>(t: iced::widget::Text<'a>, width: Length) -> Element<'a, M> {
    container(t.wrapping(text::Wrapping::None))
        .clip(true)
        .width(width)
        .height(Fill)
        .align_y(iced::Center)
        .into()
}

/// A form-width white card centred on the page, scrolling if the window is short.
pub fn page<'a, M: 'a>(content: impl Into<Element<'a, M>>, width: f32) -> Element<'a, M> {
    let card = container(content)
        .padding(theme::SPACE_L + 4.0)
        .width(Length::Fixed(width))
        .style(theme::card);
    iced::widget::scrollable(
        container(card)
            .center_x(Fill)
            .padding([theme::SPACE_XL, theme::SPACE_M]),
    )
    .height(Fill)
    .into()
}

/// A short list of mutually exclusive options shown as rows, the chosen one highlighted. Better
/// than a drop-down when there are only a few options: all of them are visible at once.
pub fn choice_list<'a, M: Clone + 'a>(
    options: impl IntoIterator<Item = (String, bool)>,
    on_select: impl Fn(usize) -> M,
) -> Element<'a, M> {
    options
        .into_iter()
        .enumerate()
        .fold(
            column![].spacing(theme::SPACE_XS),
            |c, (i, (label, chosen))| {
                c.push(focusable_button(
                    button(text(label).size(theme::TEXT_BODY).font(if chosen {
                        BOLD
                    } else {
                        iced::Font::DEFAULT
                    }))
                    .width(Fill)
                    .padding([theme::SPACE_S, theme::SPACE_M])
                    .style(theme::tab_button(chosen)),
                    Some(on_select(i)),
                ))
            },
        )
        .into()
}

/// A drop-down that Tab reaches: Enter or Space opens it, Up and Down change the choice without
/// opening it.
pub fn drop_down<'a, T, M>(
    options: Vec<T>,
    selected: Option<T>,
    on_select: impl Fn(T) -> M + Clone + 'a,
    placeholder: &'a str,
    width: Length,
) -> Focusable<'a, M>
where
    T: ToString + PartialEq + Clone + 'a,
    M: Clone + 'a,
{
    let at = selected
        .as_ref()
        .and_then(|s| options.iter().position(|o| o == s));
    let choose = on_select.clone();
    let list = options.clone();
    let enabled = !options.is_empty();
    focusable(
        iced::widget::pick_list(options, selected, on_select)
            .placeholder(placeholder)
            .width(width)
            .padding(theme::SPACE_S + 2.0)
            .text_size(theme::TEXT_BODY)
            .style(theme::drop_down),
    )
    .enabled(enabled)
    .on_key(move |key, _| {
        let next = match (key, at) {
            (iced::keyboard::key::Named::ArrowDown, None) => 0,
            (iced::keyboard::key::Named::ArrowDown, Some(i)) => {
                (i + 1).min(list.len().saturating_sub(1))
            }
            (iced::keyboard::key::Named::ArrowUp, Some(i)) => i.saturating_sub(1),
            _ => return None,
        };
        list.get(next).cloned().map(&choose)
    })
}

/// Labelled values, the labels in a column of their own: "Date of birth   4 March 2015".
pub fn facts<'a, M: 'a>(rows: impl IntoIterator<Item = (&'a str, String)>) -> Element<'a, M> {
    rows.into_iter()
        .fold(column![].spacing(theme::SPACE_XS), |c, (label, value)| {
            c.push(
                row![
                    text(label)
                        .size(theme::TEXT_SMALL)
                        .font(BOLD)
                        .width(Length::Fixed(140.0)),
                    text(value).size(theme::TEXT_BODY).width(Fill),
                ]
                .spacing(theme::SPACE_S),
            )
        })
        .into()
}

/// A white card the width of the page, holding one part of it.
pub fn panel<'a, M: 'a>(content: impl Into<Element<'a, M>>) -> Element<'a, M> {
    container(content)
        .padding(theme::SPACE_L)
        .width(Fill)
        .style(theme::card)
        .into()
}

/// Ticks (`on`) or unticks `item` in the set a list of checkboxes stands for.
pub fn tick<T: Ord>(ticked: &mut std::collections::BTreeSet<T>, item: T, on: bool) {
    if on {
        ticked.insert(item);
    } else {
        ticked.remove(&item);
    }
}

/// A whole number typed into a field, or what is wrong with it in the person's words ("\"ten\"
/// is not a number of days. Type a whole number, for example 30.").
pub fn whole_number(typed: &str, of: &str, example: u32) -> Result<u32, String> {
    typed.trim().parse::<u32>().map_err(|_| {
        format!(
            "\"{}\" is not a number of {of}. Type a whole number, for example {example}.",
            typed.trim()
        )
    })
}
