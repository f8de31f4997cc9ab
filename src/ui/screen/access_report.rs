//! "What can this user see?" and "Who can see this pupil?": the access rule's answers with the
//! reason for every refusal, so the admin can see what to change. One can lead to the other (a
//! pupil in a user's report opens that pupil's report), and Back retraces the steps.

use crate::model::{PupilId, UserId};
use crate::service::Session;
use crate::service::access::{PupilAccessReport, Reach, UserAccessReport};
use crate::ui::effect::Effect;
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD};
use crate::ui::widget::status::Status;
use crate::ui::widget::virtual_list::{self, Scroll};
use iced::widget::{button, column, container, row, text, text_input};
use iced::{Element, Fill, Length};

pub const FILTER: &str = "access-filter";
const LIST: &str = "access-list";
const ROW_HEIGHT: f32 = 48.0;

/// Which answers to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    All,
    CanSee,
    CannotSee,
}

impl Show {
    const ALL: [Show; 3] = [Show::All, Show::CanSee, Show::CannotSee];

    fn label(self) -> &'static str {
        match self {
            Show::All => "All",
            Show::CanSee => "Can open profile",
            Show::CannotSee => "Cannot open profile",
        }
    }

    fn keeps(self, reach: Reach) -> bool {
        match self {
            Show::All => true,
            Show::CanSee => reach == Reach::Profile,
            Show::CannotSee => reach != Reach::Profile,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Filter(String),
    Show(Show),
    Scrolled(Scroll),
    OpenPupil(PupilId),
    OpenUser(UserId),
    Back,
}

/// What the page asks of the tab holding it.
pub enum Action {
    /// Focus, scrolling and slow work, for the window to carry out.
    Effect(Effect<Message>),
    /// Back from the first report: return to where it was opened from.
    Close,
}

enum Report {
    User(UserAccessReport),
    Pupil(PupilAccessReport),
}

impl Report {
    fn len(&self) -> usize {
        match self {
            Report::User(r) => r.pupils.len(),
            Report::Pupil(r) => r.users.len(),
        }
    }

    /// Whether row `i` matches the filter (already lower case) and the choice of answers.
    fn keeps(&self, i: usize, filter: &str, show: Show) -> bool {
        let (reach, haystack) = match self {
            Report::User(r) => {
                let p = &r.pupils[i];
                (p.reach, format!("{} {} {}", p.forename, p.surname, p.class))
            }
            Report::Pupil(r) => {
                let u = &r.users[i];
                (u.reach, format!("{} {}", u.name, u.group))
            }
        };
        show.keeps(reach) && (filter.is_empty() || haystack.to_lowercase().contains(filter))
    }
}

pub struct AccessReport {
    report: Report,
    /// Says where Back from the first report goes, e.g. "← Back to the profile".
    back: &'static str,
    /// The reports this one was reached from, for Back.
    trail: Vec<Report>,
    filter: String,
    show: Show,
    scroll: Scroll,
    shown: Vec<usize>,
    pub status: Status,
}

impl AccessReport {
    pub fn for_user(
        session: &Session,
        user: UserId,
        back: &'static str,
    ) -> crate::service::Result<AccessReport> {
        let report = Report::User(session.what_user_can_see(user)?);
        Ok(AccessReport::new(report, back))
    }

    pub fn for_pupil(
        session: &Session,
        pupil: PupilId,
        back: &'static str,
    ) -> crate::service::Result<AccessReport> {
        let report = Report::Pupil(session.who_can_see(pupil)?);
        Ok(AccessReport::new(report, back))
    }

    fn new(report: Report, back: &'static str) -> AccessReport {
        let mut r = AccessReport {
            report,
            back,
            trail: Vec::new(),
            filter: String::new(),
            show: Show::All,
            scroll: Scroll::default(),
            shown: Vec::new(),
            status: Status::Quiet,
        };
        r.refresh_shown();
        r
    }

    fn refresh_shown(&mut self) {
        let filter = self.filter.trim().to_lowercase();
        self.shown = (0..self.report.len())
            .filter(|&i| self.report.keeps(i, &filter, self.show))
            .collect();
    }

    /// Opens `next` on top of the current report, starting with no filter.
    fn push(&mut self, next: crate::service::Result<Report>) {
        match next {
            Ok(next) => {
                let previous = std::mem::replace(&mut self.report, next);
                self.trail.push(previous);
                self.filter.clear();
                self.show = Show::All;
                self.scroll = Scroll::default();
                self.status.clear_problem();
                self.refresh_shown();
            }
            Err(e) => self.status = Status::problem(e),
        }
    }

    /// The title, e.g. "What can Ruth Okafor see?", for tests and the page heading.
    pub fn title(&self, hide_names: bool) -> String {
        match &self.report {
            Report::User(r) => format!("What can {} see?", r.name),
            Report::Pupil(r) => format!("Who can see {}?", r.pupil.display_name(hide_names)),
        }
    }

    /// How many rows the filter and choice leave.
    pub fn shown_count(&self) -> usize {
        self.shown.len()
    }

    pub fn update(&mut self, message: Message, session: &Session) -> Action {
        match message {
            Message::Filter(f) => {
                self.filter = f;
                self.refresh_shown();
            }
            Message::Show(s) => {
                self.show = s;
                self.refresh_shown();
            }
            Message::Scrolled(s) => self.scroll = s,
            Message::OpenPupil(p) => self.push(session.who_can_see(p).map(Report::Pupil)),
            Message::OpenUser(u) => self.push(session.what_user_can_see(u).map(Report::User)),
            Message::Back => match self.trail.pop() {
                Some(previous) => {
                    self.report = previous;
                    self.filter.clear();
                    self.show = Show::All;
                    self.scroll = Scroll::default();
                    self.status.clear_problem();
                    self.refresh_shown();
                }
                None => return Action::Close,
            },
        }
        Action::Effect(Effect::None)
    }

    pub fn view(&self, hide_names: bool) -> Element<'_, Message> {
        let back = if self.trail.is_empty() {
            self.back
        } else {
            "← Back"
        };
        let mut page = column![
            form::link(back, Message::Back),
            form::section_title(self.title(hide_names)),
        ]
        .spacing(theme::SPACE_M);
        page = page.push(match &self.report {
            Report::User(r) => user_summary(r),
            Report::Pupil(r) => pupil_summary(r),
        });
        page = page.push(self.status.view());
        let count = if self.shown.len() == self.report.len() {
            format!("Showing all {}", self.report.len())
        } else {
            format!("Showing {} of {}", self.shown.len(), self.report.len())
        };
        let placeholder = match self.report {
            Report::User(_) => "Filter by pupil name or group",
            Report::Pupil(_) => "Filter by name or user group",
        };
        let choices = Show::ALL
            .iter()
            .fold(row![].spacing(theme::SPACE_XS), |r, s| {
                r.push(focusable(
                    button(text(s.label()).size(theme::TEXT_SMALL))
                        .padding([theme::SPACE_XS, theme::SPACE_S])
                        .style(theme::tab_button(*s == self.show))
                        .on_press(Message::Show(*s)),
                ))
            });
        page = page.push(
            row![
                text_input(placeholder, &self.filter)
                    .id(FILTER)
                    .on_input(Message::Filter)
                    .padding(theme::SPACE_S + 2.0)
                    .style(theme::input),
                choices,
                text(count).size(theme::TEXT_SMALL).style(theme::muted),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
        );
        let first = match self.report {
            Report::User(_) => ["Pupil", "Groups"],
            Report::Pupil(_) => ["User", "User group"],
        };
        let header = row![
            head(first[0], 3),
            head(first[1], 3),
            head("Access", 2),
            head("Why not", 5),
        ]
        .spacing(theme::SPACE_S);
        let list = virtual_list::view(
            LIST,
            self.shown.len(),
            ROW_HEIGHT,
            self.scroll,
            |i| self.row(self.shown[i], hide_names),
            |v| Message::Scrolled(Scroll::from_viewport(&v)),
        );
        page = page.push(
            container(
                column![
                    header,
                    container(list).height(Length::Fixed(ROW_HEIGHT * 10.0))
                ]
                .spacing(theme::SPACE_XS),
            )
            .padding(theme::SPACE_M)
            .width(Fill)
            .style(theme::card),
        );
        page.push(
            text(match self.report {
                Report::User(_) => "Click a pupil to see everyone who can see them.",
                Report::Pupil(_) => "Click a user to see every pupil they can see.",
            })
            .size(theme::TEXT_SMALL)
            .style(theme::muted),
        )
        .into()
    }

    fn row(&self, i: usize, hide_names: bool) -> Element<'_, Message> {
        let (name, second, reach, reasons, open) = match &self.report {
            Report::User(r) => {
                let p = &r.pupils[i];
                (
                    p.display_name(hide_names),
                    p.class.clone(),
                    p.reach,
                    p.reasons
                        .iter()
                        .chain(&p.restricted)
                        .cloned()
                        .collect::<Vec<_>>(),
                    Message::OpenPupil(p.pupil),
                )
            }
            Report::Pupil(r) => {
                let u = &r.users[i];
                (
                    u.name.clone(),
                    u.group.clone(),
                    u.reach,
                    u.reasons
                        .iter()
                        .chain(&u.restricted)
                        .cloned()
                        .collect::<Vec<_>>(),
                    Message::OpenUser(u.user),
                )
            }
        };
        let colour: theme::TextStyle = match reach {
            Reach::Profile => theme::success_text,
            Reach::ListOnly => theme::warning_text,
            Reach::Hidden => theme::danger_text,
        };
        focusable(
            button(
                row![
                    form::row_cell(text(name).size(theme::TEXT_BODY), Length::FillPortion(3)),
                    form::row_cell(
                        text(second).size(theme::TEXT_SMALL).style(theme::muted),
                        Length::FillPortion(3)
                    ),
                    form::row_cell(
                        text(reach.label())
                            .size(theme::TEXT_SMALL)
                            .font(BOLD)
                            .style(colour),
                        Length::FillPortion(2)
                    ),
                    reasons_cell(&reasons),
                ]
                .spacing(theme::SPACE_S)
                .height(Fill)
                // Clear of the scroll bar.
                .padding(iced::Padding::ZERO.right(theme::SPACE_M))
                .align_y(iced::Center),
            )
            .width(Fill)
            .height(Fill)
            .padding([0.0, 0.0])
            .style(theme::link_row)
            .on_press(open),
        )
        .inset()
        .into()
    }
}

fn head(label: &str, portion: u16) -> Element<'_, Message> {
    text(label)
        .size(theme::TEXT_SMALL)
        .font(BOLD)
        .style(theme::muted)
        .width(Length::FillPortion(portion))
        .into()
}

/// Why, in the row's last cell: as many reasons as fit the row's two lines; the rest are
/// counted, and the whole list is in the tooltip.
fn reasons_cell<'a>(reasons: &[String]) -> Element<'a, Message> {
    let all = capitalised(&reasons.join("; "));
    let shown = match reasons {
        [] => String::new(),
        [one] => capitalised(one),
        [first, rest @ ..] => format!("{} (and {} more)", capitalised(first), rest.len()),
    };
    let cell = container(
        text(shown)
            .size(theme::TEXT_SMALL)
            .wrapping(iced::widget::text::Wrapping::WordOrGlyph),
    )
    .clip(true)
    .max_height(ROW_HEIGHT - theme::SPACE_XS)
    .width(Length::FillPortion(5));
    if reasons.len() < 2 {
        return cell.into();
    }
    iced::widget::tooltip(
        cell,
        container(text(all).size(theme::TEXT_SMALL))
            .padding(theme::SPACE_S)
            .max_width(480)
            .style(theme::card),
        iced::widget::tooltip::Position::Left,
    )
    .into()
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn user_summary(r: &UserAccessReport) -> Element<'_, Message> {
    let mut c = column![
        text(format!(
            "{} ({}), soft key {}.",
            r.email,
            r.group,
            r.key.label()
        ))
        .size(theme::TEXT_BODY),
        text(reach_summary(r)).size(theme::TEXT_BODY),
    ]
    .spacing(theme::SPACE_XS);
    c = c.push(if r.can_record {
        form::success("Can record a concern about any pupil: class restrictions never block that.")
    } else {
        form::warning(format!(
            "Cannot record concerns: {}.",
            r.record_reasons.join("; ")
        ))
    });
    container(c)
        .padding(theme::SPACE_M)
        .width(Fill)
        .style(theme::card)
        .into()
}

fn reach_summary(r: &UserAccessReport) -> String {
    let mut s = format!(
        "Can open the profiles of {} of the {} pupils on roll",
        r.count(Reach::Profile),
        r.pupils.len()
    );
    if r.count(Reach::ListOnly) > 0 {
        s.push_str(&format!(
            "; sees {} more in lists without opening them",
            r.count(Reach::ListOnly)
        ));
    }
    s.push_str(&format!("; cannot see {}.", r.count(Reach::Hidden)));
    s
}

fn pupil_summary(r: &PupilAccessReport) -> Element<'_, Message> {
    let groups = if r.groups.is_empty() {
        "In no group.".to_string()
    } else {
        format!("In {}.", r.groups.join(", "))
    };
    container(
        column![
            text(groups).size(theme::TEXT_BODY),
            text(format!(
                "{} of {} users can open this pupil's profile.",
                r.profile_count(),
                r.users.len()
            ))
            .size(theme::TEXT_BODY),
        ]
        .spacing(theme::SPACE_XS),
    )
    .padding(theme::SPACE_M)
    .width(Fill)
    .style(theme::card)
    .into()
}
