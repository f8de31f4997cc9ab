//! Admin > Transfers (needs Manage system or Named person): every transfer of a pupil's
//! child-protection file sent and received, with its state; a new transfer (pupil, receiving
//! school, what to include, a Keyholder file or a PDF pack), whose passphrase is shown once;
//! receiving a file (preview first, nothing written until confirmed); and entering the receipt
//! that completes a transfer sent.

use crate::model::school_transfer::{Method, State};
use crate::model::{CategoryId, PupilId};
use crate::service::Session;
use crate::service::casework::typed_destination;
use crate::service::records::{CategoryChoice, PupilSummary, parse_day};
use crate::service::transfers::{
    OpenedTransfer, PupilMatch, Receipt, Sent, SentLine, Target, TargetChoice, TransferLog,
    TransferPreview, TransferRequest,
};
use crate::ui::effect::{Dialog, Effect, FileDialog};
use crate::ui::theme;
use crate::ui::widget::focus::focusable;
use crate::ui::widget::form::{self, BOLD, Field, MONO};
use crate::ui::widget::status::Status;
use iced::widget::{checkbox, column, container, row, text};
use iced::{Element, Fill, Length};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub const SEARCH: &str = "transfer-search";
pub const SCHOOL: &str = "transfer-school";
pub const CONTACT: &str = "transfer-contact";
pub const FROM: &str = "transfer-from";
pub const UNTIL: &str = "transfer-until";
pub const FOLDER: &str = "transfer-folder";
pub const FILE: &str = "transfer-file";
pub const PASSPHRASE: &str = "transfer-passphrase";
pub const CODE: &str = "transfer-receipt-code";
pub const RECEIVED_BY: &str = "transfer-received-by";
pub const RECEIVED_ON: &str = "transfer-received-on";
pub const RECEIPT_FOLDER: &str = "transfer-receipt-folder";

/// The most pupils a search shows.
const FOUND: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Escape,
    NewTransfer,
    Receive,
    /// Back to the list, dropping the form.
    Cancel,
    Search(String),
    Pick(PupilId),
    School(String),
    Contact(String),
    AllCategories(bool),
    Category(CategoryId, bool),
    From(String),
    Until(String),
    KeepCopy(bool),
    Paper(bool),
    Folder(String),
    /// Send: asks where to save the file.
    Create,
    /// Send into the folder typed.
    CreateTyped,
    CreateAt(Option<PathBuf>),
    /// The passphrase has been noted: back to the list.
    Done,
    File(String),
    ChooseFile,
    Chosen(Option<PathBuf>),
    Passphrase(String),
    Open,
    Map(String, TargetChoice),
    ConfirmReceive,
    ReceiptFolder(String),
    SaveReceipt,
    SaveReceiptTyped,
    SaveReceiptAt(Option<PathBuf>),
    StartConfirm(String),
    Code(String),
    ReceivedBy(String),
    ReceivedOn(String),
    Confirm,
    SaveKept(String),
    SaveKeptAt(String, Option<PathBuf>),
}

impl Message {
    /// Typing into a field: the message above stays (and the page keeps its shape, so the
    /// field keeps the focus).
    fn is_typing(&self) -> bool {
        matches!(
            self,
            Message::Search(_)
                | Message::School(_)
                | Message::Contact(_)
                | Message::From(_)
                | Message::Until(_)
                | Message::Folder(_)
                | Message::File(_)
                | Message::Passphrase(_)
                | Message::ReceiptFolder(_)
                | Message::Code(_)
                | Message::ReceivedBy(_)
                | Message::ReceivedOn(_)
        )
    }
}

pub enum Action {
    Effect(Effect<Message>),
}

struct NewForm {
    search: String,
    found: Vec<PupilSummary>,
    pupil: Option<PupilSummary>,
    school: String,
    contact: String,
    all_categories: bool,
    ticked: BTreeSet<CategoryId>,
    choices: Vec<CategoryChoice>,
    from: String,
    until: String,
    keep_copy: bool,
    paper: bool,
    folder: String,
}

struct ReceiveForm {
    file: String,
    passphrase: String,
    opened: Option<(OpenedTransfer, TransferPreview)>,
    mapping: BTreeMap<String, Target>,
}

enum Mode {
    List,
    New(Box<NewForm>),
    /// A transfer just written, with its passphrase, shown this once.
    Sent(Sent),
    Receive(Box<ReceiveForm>),
    Received(Receipt, String),
}

/// A receipt being entered for a sent transfer.
struct Confirming {
    reference: String,
    paper: bool,
    code: String,
    by: String,
    on: String,
}

pub struct TransfersTab {
    log: TransferLog,
    mode: Mode,
    confirming: Option<Confirming>,
    pub status: Status,
}

impl TransfersTab {
    pub fn new(session: &Session) -> TransfersTab {
        let mut t = TransfersTab {
            log: TransferLog::default(),
            mode: Mode::List,
            confirming: None,
            status: Status::Quiet,
        };
        t.reload(session);
        t
    }

    pub fn reload(&mut self, session: &Session) {
        match session.transfers() {
            Ok(log) => self.log = log,
            Err(e) => self.status = Status::problem(e),
        }
    }

    /// Whether something typed would be lost by leaving (a passphrase not yet noted counts).
    pub fn has_unsaved_changes(&self) -> bool {
        self.confirming.is_some() || !matches!(self.mode, Mode::List | Mode::Received(..))
    }

    fn back_to_list(&mut self, session: &Session) {
        self.mode = Mode::List;
        self.confirming = None;
        self.reload(session);
    }

    fn form(&mut self) -> Option<&mut NewForm> {
        match &mut self.mode {
            Mode::New(f) => Some(f),
            _ => None,
        }
    }

    fn receive_form(&mut self) -> Option<&mut ReceiveForm> {
        match &mut self.mode {
            Mode::Receive(f) => Some(f),
            _ => None,
        }
    }

    fn search(f: &mut NewForm, session: &Session) -> Result<(), String> {
        f.found = session
            .pupils_to_transfer(&f.search)
            .map_err(|e| e.to_string())?
            .into_iter()
            .take(FOUND)
            .collect();
        Ok(())
    }

    fn request(f: &NewForm) -> Result<TransferRequest, String> {
        let pupil = f
            .pupil
            .as_ref()
            .ok_or("Choose the pupil whose file is being sent.")?;
        let day = |d: &str| {
            if d.trim().is_empty() {
                Ok(None)
            } else {
                parse_day(d).map(Some).map_err(|e| e.to_string())
            }
        };
        if !f.all_categories && f.ticked.is_empty() {
            return Err("Tick the categories to include, or tick Every category.".into());
        }
        Ok(TransferRequest {
            pupil: pupil.id,
            to_school: f.school.clone(),
            to_contact: f.contact.clone(),
            categories: if f.all_categories {
                Vec::new()
            } else {
                f.ticked.iter().copied().collect()
            },
            from: day(&f.from)?,
            until: day(&f.until)?,
            keep_copy: f.keep_copy,
            method: if f.paper {
                Method::Paper
            } else {
                Method::Keyholder
            },
        })
    }

    /// The file name offered: by the pupil's class and the day, never their name (file names
    /// show in folder listings).
    fn file_name(f: &NewForm) -> String {
        let day = chrono::Local::now().format("%Y-%m-%d");
        let who = f
            .pupil
            .as_ref()
            .map_or_else(|| "pupil".to_string(), |p| format!("record {}", p.id.0));
        if f.paper {
            format!("Transfer pack {who} {day}.pdf")
        } else {
            format!(
                "Transfer {who} {day}.{}",
                crate::service::transfer_file::EXTENSION
            )
        }
    }

    pub fn update(&mut self, message: Message, session: &mut Session) -> Action {
        if !message.is_typing() {
            self.status.clear_unless_problem();
        }
        match message {
            Message::Escape => match &self.mode {
                Mode::Sent(_) => {
                    self.status = Status::note(
                        "Note the passphrase first: it is not shown again. Then press Done.",
                    );
                }
                _ if self.confirming.is_some() => {
                    self.confirming = None;
                    self.status.clear();
                }
                _ => {
                    self.back_to_list(session);
                    self.status.clear();
                }
            },
            Message::Cancel => {
                self.back_to_list(session);
                self.status.clear();
            }
            Message::NewTransfer => {
                let mut f = NewForm {
                    search: String::new(),
                    found: Vec::new(),
                    pupil: None,
                    school: String::new(),
                    contact: String::new(),
                    all_categories: true,
                    ticked: BTreeSet::new(),
                    choices: session.categories_to_transfer().unwrap_or_default(),
                    from: String::new(),
                    until: String::new(),
                    keep_copy: false,
                    paper: false,
                    folder: String::new(),
                };
                if let Err(e) = Self::search(&mut f, session) {
                    self.status = Status::problem(e);
                }
                self.confirming = None;
                self.mode = Mode::New(Box::new(f));
                return Action::Effect(Effect::Focus(SEARCH));
            }
            Message::Receive => {
                self.confirming = None;
                self.mode = Mode::Receive(Box::new(ReceiveForm {
                    file: String::new(),
                    passphrase: String::new(),
                    opened: None,
                    mapping: BTreeMap::new(),
                }));
                return Action::Effect(Effect::Focus(FILE));
            }
            Message::Search(s) => {
                let mut problem = None;
                if let Some(f) = self.form() {
                    f.search = s;
                    problem = Self::search(f, session).err();
                }
                if let Some(p) = problem {
                    self.status = Status::problem(p);
                }
            }
            Message::Pick(id) => {
                self.status.clear();
                if let Some(f) = self.form() {
                    f.pupil = f.found.iter().find(|p| p.id == id).cloned();
                    // The list gives way to the form; typing in the search brings it back.
                    f.found.retain(|p| p.id == id);
                    return Action::Effect(Effect::Focus(SCHOOL));
                }
            }
            Message::School(s) => {
                if let Some(f) = self.form() {
                    f.school = s;
                }
            }
            Message::Contact(s) => {
                if let Some(f) = self.form() {
                    f.contact = s;
                }
            }
            Message::AllCategories(on) => {
                if let Some(f) = self.form() {
                    f.all_categories = on;
                }
            }
            Message::Category(id, on) => {
                if let Some(f) = self.form() {
                    form::tick(&mut f.ticked, id, on);
                }
            }
            Message::From(s) => {
                if let Some(f) = self.form() {
                    f.from = s;
                }
            }
            Message::Until(s) => {
                if let Some(f) = self.form() {
                    f.until = s;
                }
            }
            Message::KeepCopy(on) => {
                if let Some(f) = self.form() {
                    f.keep_copy = on;
                }
            }
            Message::Paper(on) => {
                if let Some(f) = self.form() {
                    f.paper = on;
                }
            }
            Message::Folder(s) => {
                if let Some(f) = self.form() {
                    f.folder = s;
                }
            }
            Message::Create => {
                let Some(f) = self.form() else {
                    return Action::Effect(Effect::None);
                };
                if let Err(e) = Self::request(f) {
                    self.status = Status::problem(e);
                    return Action::Effect(Effect::None);
                }
                let file_name = Self::file_name(f);
                let kind = if f.paper {
                    FileDialog::SavePdf { file_name }
                } else {
                    FileDialog::SaveTransfer { file_name }
                };
                return Action::Effect(Effect::Dialog(Dialog::new(kind, Message::CreateAt)));
            }
            Message::CreateTyped => {
                let Some(f) = self.form() else {
                    return Action::Effect(Effect::None);
                };
                match typed_destination(&f.folder, &Self::file_name(f)) {
                    Ok(path) => return self.update(Message::CreateAt(Some(path)), session),
                    Err(e) => {
                        self.status = Status::problem(e);
                        return Action::Effect(Effect::Focus(FOLDER));
                    }
                }
            }
            Message::CreateAt(None) => {}
            Message::CreateAt(Some(path)) => {
                let Some(f) = self.form() else {
                    return Action::Effect(Effect::None);
                };
                let sent = Self::request(f)
                    .and_then(|r| session.send_transfer(&r, &path).map_err(|e| e.to_string()));
                match sent {
                    Ok(sent) => {
                        self.mode = Mode::Sent(sent);
                        self.reload(session);
                        self.status.clear();
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::Done => {
                let done = match &self.mode {
                    Mode::Sent(s) => Some(format!(
                        "Transfer {} is logged as sent. Enter its receipt when {} gives it.",
                        s.reference,
                        self.log
                            .sent
                            .iter()
                            .find(|l| l.transfer.reference == s.reference)
                            .map_or("the receiving school", |l| l.transfer.to_school.as_str())
                    )),
                    _ => None,
                };
                self.back_to_list(session);
                self.status = Status::note_maybe(done);
            }
            Message::File(s) => {
                if let Some(f) = self.receive_form() {
                    f.file = s;
                    f.opened = None;
                }
            }
            Message::ChooseFile => {
                return Action::Effect(Effect::Dialog(Dialog::new(
                    FileDialog::OpenTransfer,
                    Message::Chosen,
                )));
            }
            Message::Chosen(None) => {}
            Message::Chosen(Some(path)) => {
                if let Some(f) = self.receive_form() {
                    f.file = path.display().to_string();
                    f.opened = None;
                    return Action::Effect(Effect::Focus(PASSPHRASE));
                }
            }
            Message::Passphrase(s) => {
                if let Some(f) = self.receive_form() {
                    f.passphrase = s;
                    f.opened = None;
                }
            }
            Message::Open => {
                let Some(f) = self.receive_form() else {
                    return Action::Effect(Effect::None);
                };
                if f.file.trim().is_empty() {
                    self.status =
                        Status::problem("Choose the transfer file the other school sent.");
                    return Action::Effect(Effect::Focus(FILE));
                }
                match session.open_transfer(&PathBuf::from(f.file.trim()), &f.passphrase) {
                    Ok(opened) => {
                        f.mapping = opened
                            .1
                            .categories
                            .iter()
                            .map(|c| (c.theirs.clone(), c.proposed))
                            .collect();
                        f.opened = Some(opened);
                        self.status.clear();
                    }
                    Err(e) => {
                        f.opened = None;
                        self.status = Status::problem(e);
                        return Action::Effect(Effect::Focus(PASSPHRASE));
                    }
                }
            }
            Message::Map(theirs, choice) => {
                if let Some(f) = self.receive_form() {
                    f.mapping.insert(theirs, choice.target);
                }
            }
            Message::ConfirmReceive => {
                let Some(f) = self.receive_form() else {
                    return Action::Effect(Effect::None);
                };
                let Some((opened, _)) = &f.opened else {
                    return Action::Effect(Effect::None);
                };
                match session.receive_transfer(opened, &f.mapping) {
                    Ok(receipt) => {
                        self.status = Status::done(if receipt.already {
                            format!(
                                "This file was received before, so nothing has been changed. Its receipt code is {}.",
                                receipt.code
                            )
                        } else {
                            format!(
                                "Received: {} added to the record of {}.",
                                crate::model::names::count(
                                    receipt.incidents,
                                    "incident",
                                    "incidents"
                                ),
                                receipt.pupil_name
                            )
                        });
                        self.mode = Mode::Received(receipt, String::new());
                        self.reload(session);
                    }
                    Err(e) => self.status = Status::problem(e),
                }
            }
            Message::ReceiptFolder(s) => {
                if let Mode::Received(_, folder) = &mut self.mode {
                    *folder = s;
                }
            }
            Message::SaveReceipt => {
                if let Mode::Received(r, _) = &self.mode {
                    return Action::Effect(Effect::Dialog(Dialog::new(
                        FileDialog::SavePdf {
                            file_name: format!("Receipt {}.pdf", r.reference),
                        },
                        Message::SaveReceiptAt,
                    )));
                }
            }
            Message::SaveReceiptTyped => {
                if let Mode::Received(r, folder) = &self.mode {
                    match typed_destination(folder, &format!("Receipt {}.pdf", r.reference)) {
                        Ok(path) => {
                            return self.update(Message::SaveReceiptAt(Some(path)), session);
                        }
                        Err(e) => self.status = Status::problem(e),
                    }
                }
            }
            Message::SaveReceiptAt(None) => {}
            Message::SaveReceiptAt(Some(path)) => {
                if let Mode::Received(r, _) = &self.mode {
                    let reference = r.reference.clone();
                    self.status = Status::of(
                        session
                            .export_receipt_pdf(&reference, &path)
                            .map(|()| format!("Saved the receipt to {}.", path.display())),
                    );
                }
            }
            Message::StartConfirm(reference) => {
                let paper = self.log.sent.iter().any(|l| {
                    l.transfer.reference == reference && l.transfer.method == Method::Paper
                });
                self.confirming = Some(Confirming {
                    reference,
                    paper,
                    code: String::new(),
                    by: String::new(),
                    on: String::new(),
                });
                return Action::Effect(Effect::Focus(if paper { RECEIVED_ON } else { CODE }));
            }
            Message::Code(s) => {
                if let Some(c) = &mut self.confirming {
                    c.code = s;
                }
            }
            Message::ReceivedBy(s) => {
                if let Some(c) = &mut self.confirming {
                    c.by = s;
                }
            }
            Message::ReceivedOn(s) => {
                if let Some(c) = &mut self.confirming {
                    c.on = s;
                }
            }
            Message::Confirm => {
                let Some(c) = &self.confirming else {
                    return Action::Effect(Effect::None);
                };
                let result = if c.paper {
                    parse_day(&c.on)
                        .and_then(|on| session.confirm_paper_receipt(&c.reference, on, &c.by))
                } else {
                    let by = Some(c.by.as_str()).filter(|b| !b.trim().is_empty());
                    session.confirm_transfer(&c.reference, &c.code, by)
                };
                match result {
                    Ok(line) => {
                        let message = format!(
                            "Transfer {} is complete. {}.",
                            line.transfer.reference,
                            line.describe_state()
                        );
                        self.back_to_list(session);
                        self.status = Status::done(message);
                    }
                    Err(e) => {
                        let paper = c.paper;
                        self.status = Status::problem(e);
                        return Action::Effect(Effect::Focus(if paper {
                            RECEIVED_ON
                        } else {
                            CODE
                        }));
                    }
                }
            }
            Message::SaveKept(reference) => {
                return Action::Effect(Effect::Dialog(Dialog::new(
                    FileDialog::SavePdf {
                        file_name: format!("Chronology sent with {reference}.pdf"),
                    },
                    move |path| Message::SaveKeptAt(reference, path),
                )));
            }
            Message::SaveKeptAt(_, None) => {}
            Message::SaveKeptAt(reference, Some(path)) => {
                self.status = Status::of(
                    session
                        .save_kept_chronology(&reference, &path)
                        .map(|()| format!("Saved the chronology to {}.", path.display())),
                );
            }
        }
        Action::Effect(Effect::None)
    }

    pub fn view(&self, hide_names: bool) -> Element<'_, Message> {
        let mut c = column![form::section_title("Transfers")].spacing(theme::SPACE_M);
        c = c.push(
            text("When a pupil moves school, their child protection file goes to the new school within 5 school days, apart from their main file, and the new school confirms it arrived. Each transfer is logged here.")
                .size(theme::TEXT_BODY)
                .style(theme::muted),
        );
        c = c.push(self.status.view());
        match &self.mode {
            Mode::List => {
                c = c.push(
                    row![
                        form::primary("New transfer…", Some(Message::NewTransfer)),
                        form::secondary("Receive a transfer…", Some(Message::Receive)),
                    ]
                    .spacing(theme::SPACE_S),
                );
                c = c.push(form::panel(self.sent_view(hide_names)));
                c = c.push(form::panel(self.received_view(hide_names)));
            }
            Mode::New(f) => c = c.push(form::panel(new_view(f, hide_names))),
            Mode::Sent(s) => c = c.push(form::panel(sent_once_view(s))),
            Mode::Receive(f) => c = c.push(form::panel(receive_view(f))),
            Mode::Received(r, folder) => c = c.push(form::panel(receipt_view(r, folder))),
        }
        c.into()
    }

    fn sent_view(&self, hide_names: bool) -> Element<'_, Message> {
        let mut list =
            column![text("Sent").size(theme::TEXT_LARGE).font(BOLD)].spacing(theme::SPACE_S);
        if self.log.sent.is_empty() {
            list = list.push(
                text("No transfers have been sent.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
        }
        for l in &self.log.sent {
            list = list.push(self.sent_line(l, hide_names));
        }
        list.into()
    }

    fn sent_line<'a>(&'a self, l: &'a SentLine, hide_names: bool) -> Element<'a, Message> {
        let t = &l.transfer;
        let state = text(l.describe_state()).size(theme::TEXT_SMALL);
        let state = match l.state {
            State::Overdue => state.style(theme::danger_text),
            State::Confirmed => state.style(theme::muted),
            State::Sent => state,
        };
        let mut buttons = row![].spacing(theme::SPACE_S);
        if l.state != State::Confirmed {
            buttons = buttons.push(form::secondary(
                "Enter receipt…",
                Some(Message::StartConfirm(t.reference.clone())),
            ));
        }
        if t.kept_copy {
            buttons = buttons.push(form::secondary(
                "Save kept chronology…",
                Some(Message::SaveKept(t.reference.clone())),
            ));
        }
        let who = if hide_names { &t.pupil_ref } else { &l.pupil };
        let mut c = column![
            row![
                column![
                    text(format!("{} · {who}", t.reference))
                        .size(theme::TEXT_BODY)
                        .font(BOLD),
                    text(format!(
                        "To {} · sent {} by {} · {} · {}",
                        t.to_school,
                        l.sent_on.format("%-d %b %Y"),
                        l.sent_by,
                        crate::model::names::count(t.incidents, "incident", "incidents"),
                        t.method.label()
                    ))
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
                    state,
                ]
                .spacing(2.0)
                .width(Fill),
                buttons,
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
        ]
        .spacing(theme::SPACE_XS);
        if let Some(k) = self
            .confirming
            .as_ref()
            .filter(|k| k.reference == t.reference)
        {
            c = c.push(confirm_view(k));
        }
        c.into()
    }

    fn received_view(&self, hide_names: bool) -> Element<'_, Message> {
        let mut list =
            column![text("Received").size(theme::TEXT_LARGE).font(BOLD)].spacing(theme::SPACE_S);
        if self.log.received.is_empty() {
            list = list.push(
                text("No transfers have been received.")
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
            );
        }
        for r in &self.log.received {
            let t = &r.transfer;
            let who = if hide_names { &t.pupil_ref } else { &r.pupil };
            list = list.push(
                column![
                    text(format!("{} · {who}", t.reference))
                        .size(theme::TEXT_BODY)
                        .font(BOLD),
                    text(format!(
                        "From {} · received {} by {} · {} · receipt code {}",
                        t.from_school,
                        crate::clock::format_local(t.received_at),
                        r.received_by,
                        crate::model::names::count(t.incidents, "incident", "incidents"),
                        t.receipt_code
                    ))
                    .size(theme::TEXT_SMALL)
                    .style(theme::muted),
                ]
                .spacing(2.0),
            );
        }
        list.into()
    }
}

fn confirm_view(k: &Confirming) -> Element<'_, Message> {
    // A receipt code, or for a PDF pack the date on the signed paper receipt.
    let (first, by) = if k.paper {
        (
            Field::new(
                "Date received (on the receipt)",
                RECEIVED_ON,
                &k.on,
                Message::ReceivedOn,
            )
            .placeholder("dd/mm/yyyy"),
            "Received by (name on the receipt)",
        )
    } else {
        (
            Field::new("Receipt code", CODE, &k.code, Message::Code)
                .placeholder("e.g. 4K7QH-M2XRB"),
            "Received by (optional)",
        )
    };
    let fields = row![
        container(first.on_submit(Message::Confirm).view()).width(Length::Fixed(240.0)),
        container(
            Field::new(by, RECEIVED_BY, &k.by, Message::ReceivedBy)
                .on_submit(Message::Confirm)
                .view()
        )
        .width(Fill),
    ]
    .spacing(theme::SPACE_S);
    container(
        column![
            fields,
            row![
                form::secondary("Cancel", Some(Message::Escape)),
                form::primary("Confirm receipt", Some(Message::Confirm)),
            ]
            .spacing(theme::SPACE_S),
        ]
        .spacing(theme::SPACE_S),
    )
    .padding(iced::Padding::ZERO.left(theme::SPACE_L))
    .into()
}

fn new_view(f: &NewForm, hide_names: bool) -> Element<'_, Message> {
    let mut c =
        column![text("New transfer").size(theme::TEXT_LARGE).font(BOLD)].spacing(theme::SPACE_M);
    // The pupil: a search, then the one chosen.
    let mut pupil = column![
        Field::new(
            "Pupil (name, MIS ID or UPN)",
            SEARCH,
            &f.search,
            Message::Search
        )
        .placeholder("Pupils who have left are listed first")
        .view()
    ]
    .spacing(theme::SPACE_XS);
    for p in &f.found {
        let chosen = f.pupil.as_ref().is_some_and(|x| x.id == p.id);
        pupil = pupil.push(form::focusable_button(
            iced::widget::button(
                text(format!(
                    "{}{}",
                    p.display_name(hide_names),
                    if p.class.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", p.class)
                    }
                ))
                .size(theme::TEXT_BODY)
                .font(if chosen { BOLD } else { iced::Font::DEFAULT })
                .wrapping(text::Wrapping::None),
            )
            .width(Fill)
            .padding([theme::SPACE_XS, theme::SPACE_M])
            .style(theme::tab_button(chosen)),
            Some(Message::Pick(p.id)),
        ));
    }
    if f.found.is_empty() {
        pupil = pupil.push(
            text("No pupil whose profile you may open matches.")
                .size(theme::TEXT_SMALL)
                .style(theme::muted),
        );
    }
    c = c.push(pupil);
    c = c.push(
        text(match &f.pupil {
            Some(p) => format!("Sending the file of {}.", p.display_name(hide_names)),
            None => "Choose the pupil above.".into(),
        })
        .size(theme::TEXT_BODY)
        .font(BOLD),
    );
    c = c.push(
        row![
            container(
                Field::new("Receiving school", SCHOOL, &f.school, Message::School)
                    .placeholder("e.g. Brookfield Academy")
                    .view()
            )
            .width(Fill),
            container(
                Field::new(
                    "Their DSL and how to reach them (for the log)",
                    CONTACT,
                    &f.contact,
                    Message::Contact
                )
                .placeholder("e.g. Ms R. Adeyemi, 01632 960123")
                .view()
            )
            .width(Fill),
        ]
        .spacing(theme::SPACE_S),
    );
    let mut cats = column![focusable(
        checkbox(f.all_categories)
            .label("Every category you may read (the usual choice)")
            .on_toggle(Message::AllCategories)
            .size(16)
            .text_size(theme::TEXT_BODY)
    )]
    .spacing(theme::SPACE_XS);
    if !f.all_categories {
        let mut boxes = row![].spacing(theme::SPACE_M);
        for ch in &f.choices {
            let id = ch.id;
            boxes = boxes.push(focusable(
                checkbox(f.ticked.contains(&id))
                    .label(ch.label.clone())
                    .on_toggle(move |on| Message::Category(id, on))
                    .size(16)
                    .text_size(theme::TEXT_SMALL),
            ));
        }
        cats = cats.push(boxes.wrap().vertical_spacing(theme::SPACE_XS));
    }
    c = c.push(cats);
    c = c.push(
        row![
            container(
                Field::new("Incidents from (optional)", FROM, &f.from, Message::From)
                    .placeholder("dd/mm/yyyy")
                    .view()
            )
            .width(Length::Fixed(220.0)),
            container(
                Field::new("until (optional)", UNTIL, &f.until, Message::Until)
                    .placeholder("dd/mm/yyyy")
                    .view()
            )
            .width(Length::Fixed(220.0)),
        ]
        .spacing(theme::SPACE_S),
    );
    c = c.push(
        column![
            focusable(
                checkbox(f.paper)
                    .label("The new school does not use Keyholder: make a password-protected PDF pack with a receipt to sign and return")
                    .on_toggle(Message::Paper)
                    .size(16)
                    .text_size(theme::TEXT_BODY)
            ),
            focusable(
                checkbox(f.keep_copy)
                    .label("Keep a copy of the chronology in Keyholder")
                    .on_toggle(Message::KeepCopy)
                    .size(16)
                    .text_size(theme::TEXT_BODY)
            ),
        ]
        .spacing(theme::SPACE_S),
    );
    c = c.push(
        Field::new("Or save it in", FOLDER, &f.folder, Message::Folder)
            .placeholder("Type a folder (for example E:\\) and press Enter")
            .on_submit(Message::CreateTyped)
            .view(),
    );
    c = c.push(form::actions(
        vec![form::secondary("Cancel", Some(Message::Cancel))],
        form::primary(
            if f.paper {
                "Make the PDF pack…"
            } else {
                "Make the transfer file…"
            },
            Some(Message::Create),
        ),
    ));
    c.into()
}

fn sent_once_view(s: &Sent) -> Element<'_, Message> {
    column![
        text(format!("Transfer {} is ready", s.reference))
            .size(theme::TEXT_LARGE)
            .font(BOLD),
        text(format!(
            "Written to {} ({}, {}).",
            s.path.display(),
            crate::model::names::count(s.incidents, "incident", "incidents"),
            crate::model::names::count(s.actions, "action", "actions")
        ))
        .size(theme::TEXT_BODY),
        text("The passphrase that opens it, shown only now:")
            .size(theme::TEXT_BODY)
            .font(BOLD),
        container(text(&s.passphrase).size(theme::TEXT_HEADING).font(MONO))
            .padding(theme::SPACE_M)
            .width(Fill)
            .style(theme::card),
        text("Read it to the receiving school's DSL by phone. Never send it with the file, nor in the same e-mail. Send the file itself securely (a secure e-mail service or by hand).")
            .size(theme::TEXT_BODY),
        text(format!(
            "Their receipt is due by {}; the Overview warns if it has not come by then.",
            s.confirm_by.format("%-d %B %Y")
        ))
        .size(theme::TEXT_SMALL)
        .style(theme::muted),
        form::actions(
            Vec::new(),
            form::primary("Done: I have noted the passphrase", Some(Message::Done)),
        ),
    ]
    .spacing(theme::SPACE_M)
    .into()
}

fn receive_view(f: &ReceiveForm) -> Element<'_, Message> {
    let mut c = column![
        text("Receive a transfer")
            .size(theme::TEXT_LARGE)
            .font(BOLD),
        row![
            container(
                Field::new("Transfer file", FILE, &f.file, Message::File)
                    .placeholder("The .khtransfer file the other school sent")
                    .on_submit(Message::Open)
                    .view()
            )
            .width(Fill),
            form::secondary("Choose…", Some(Message::ChooseFile)),
        ]
        .spacing(theme::SPACE_S)
        .align_y(iced::Bottom),
        Field::new(
            "Passphrase (six words, from their DSL)",
            PASSPHRASE,
            &f.passphrase,
            Message::Passphrase
        )
        .on_submit(Message::Open)
        .view(),
    ]
    .spacing(theme::SPACE_M);
    match &f.opened {
        None => {
            c = c.push(form::actions(
                vec![form::secondary("Cancel", Some(Message::Cancel))],
                form::primary("Open", Some(Message::Open)),
            ));
        }
        Some((_, p)) => {
            c = c.push(preview_view(p, &f.mapping));
            c = c.push(form::actions(
                vec![form::secondary("Cancel", Some(Message::Cancel))],
                form::primary(
                    if p.already.is_some() {
                        "Show its receipt"
                    } else {
                        "Receive into Keyholder"
                    },
                    Some(Message::ConfirmReceive),
                ),
            ));
        }
    }
    c.into()
}

fn preview_view<'a>(
    p: &'a TransferPreview,
    mapping: &'a BTreeMap<String, Target>,
) -> Element<'a, Message> {
    let mut c = column![
        text(format!("{} from {}", p.reference, p.from_school))
            .size(theme::TEXT_BODY)
            .font(BOLD),
        text(format!(
            "Sent {} by {}. Included: {}.",
            crate::clock::format_local(p.sent_at),
            p.sent_by,
            p.included
        ))
        .size(theme::TEXT_SMALL)
        .style(theme::muted),
        form::facts([
            ("Pupil", p.pupil_name.clone()),
            (
                "Date of birth",
                crate::model::names::date_of_birth(p.date_of_birth.as_deref()),
            ),
            ("UPN", p.upn.clone().unwrap_or_else(|| "none".into())),
            (
                "Holds",
                format!(
                    "{}, {}, {}",
                    crate::model::names::count(p.incidents, "incident", "incidents"),
                    crate::model::names::count(p.actions, "action", "actions"),
                    crate::model::names::count(p.statuses, "status", "statuses")
                ),
            ),
        ]),
    ]
    .spacing(theme::SPACE_M);
    if let Some(before) = &p.already {
        c = c.push(form::info(format!(
            "This file was received on {}: receiving it again changes nothing.",
            crate::clock::format_local(before.received_at)
        )));
        return c.into();
    }
    c = c.push(
        text(match &p.pupil_match {
            PupilMatch::Existing(s) => format!(
                "The records join {} ({}), who has the same UPN here.",
                s.display_name(false),
                if s.class.is_empty() { "no class yet" } else { &s.class }
            ),
            PupilMatch::New => "Nobody here has this UPN yet: a new pupil record is made, on roll and in no class until your next MIS import.".into(),
        })
        .size(theme::TEXT_BODY),
    );
    c = c.push(
        text("Where their categories go here")
            .size(theme::TEXT_BODY)
            .font(BOLD),
    );
    for line in &p.categories {
        let chosen = mapping.get(&line.theirs).copied().unwrap_or(line.proposed);
        let selected = p.targets.iter().find(|t| t.target == chosen).cloned();
        let theirs = line.theirs.clone();
        c = c.push(
            row![
                text(format!(
                    "{} ({})",
                    line.theirs,
                    crate::model::names::count(line.incidents, "incident", "incidents")
                ))
                .size(theme::TEXT_BODY)
                .width(Fill),
                form::drop_down(
                    p.targets.clone(),
                    selected,
                    move |t| Message::Map(theirs.clone(), t),
                    "Choose a category",
                    Length::Fixed(380.0)
                ),
            ]
            .spacing(theme::SPACE_M)
            .align_y(iced::Center),
        );
    }
    c.into()
}

fn receipt_view<'a>(r: &'a Receipt, folder: &'a str) -> Element<'a, Message> {
    column![
        text(format!("Receipt for {}", r.reference))
            .size(theme::TEXT_LARGE)
            .font(BOLD),
        text(format!(
            "Give {} this receipt code (by phone, or send the receipt page): they enter it to complete the transfer.",
            r.from_school
        ))
        .size(theme::TEXT_BODY),
        container(text(&r.code).size(theme::TEXT_TITLE).font(MONO))
            .padding(theme::SPACE_M)
            .style(theme::card),
        text(format!(
            "Received by {} on {}.",
            r.received_by,
            crate::clock::format_local(r.received_at)
        ))
        .size(theme::TEXT_SMALL)
        .style(theme::muted),
        Field::new("Or save the receipt in", RECEIPT_FOLDER, folder, Message::ReceiptFolder)
            .placeholder("Type a folder and press Enter")
            .on_submit(Message::SaveReceiptTyped)
            .view(),
        form::actions(
            vec![form::secondary("Save the receipt as a PDF…", Some(Message::SaveReceipt))],
            form::primary("Done", Some(Message::Cancel)),
        ),
    ]
    .spacing(theme::SPACE_M)
    .into()
}
