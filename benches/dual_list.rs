//! The class editor's dual list at 5,000 users a side: typing in a filter and moving what it
//! shows must each take well under a frame (16 ms), and so must building and laying out the
//! lists the window draws after each keystroke.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keyholder::model::dual_list::{self as lists, Item, Side, Transfer};
use keyholder::ui::effect::Effect;
use keyholder::ui::screen::class_editor;
use keyholder::ui::widget::dual_list::{self, DualList};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::hint::black_box;

const PER_SIDE: usize = 5_000;

const FORENAMES: &[&str] = &[
    "Edith", "Aisha", "Amir", "Anwen", "Colin", "Dominic", "Élodie", "Efua", "Imran", "Ines",
    "Jonah", "Kim", "Lorna", "Mateo", "Niamh", "Nisha", "Oskar", "Priya", "Rhys", "Saoirse",
    "Tariq", "Tobias", "Una", "Wren", "Yusuf",
];
const SURNAMES: &[&str] = &[
    "Abbey",
    "Alwin",
    "Alwinson",
    "Barker",
    "Bristow",
    "Cairns",
    "Costa",
    "Delaney",
    "Eze",
    "Farrow",
    "Gallagher",
    "Hartley",
    "Iqbal",
    "Jaworski",
    "Kowalczyk",
    "Lindqvist",
    "Mbeki",
    "Nakamura",
    "O'Rourke",
    "Pemberton-Hale",
    "Quayle",
    "Rowntree",
    "Szabo",
    "Thorne",
    "Underwood",
    "Varga",
    "Wilkes",
    "Yilmaz",
];
const GROUPS: &[&str] = &[
    "SLT",
    "Teachers",
    "Teaching Assistants",
    "Attendance Officer",
    "Office",
    "Lunchtime Staff",
];

fn editor() -> Transfer<u32> {
    let mut rng = StdRng::seed_from_u64(11);
    let staff: Vec<(u32, &str, String, &str)> = (0..2 * PER_SIDE as u32)
        .map(|key| {
            (
                key,
                FORENAMES.choose(&mut rng).copied().unwrap_or("Sam"),
                format!(
                    "{}{}",
                    SURNAMES.choose(&mut rng).copied().unwrap_or("Smith"),
                    if rng.gen_bool(0.5) { "-Jones" } else { "" }
                ),
                GROUPS.choose(&mut rng).copied().unwrap_or("Teachers"),
            )
        })
        .collect();
    let items = lists::people(staff.iter().map(|(k, f, s, g)| (*k, *f, s.as_str(), *g)));
    let on_right: Vec<u32> = (0..2 * PER_SIDE as u32).filter(|k| k % 2 == 0).collect();
    Transfer::new(items, on_right)
}

fn transfer(c: &mut Criterion) {
    let items_editor = editor();

    c.bench_function("transfer/new (10,000 users)", |b| {
        let items: Vec<Item<u32>> = items_editor
            .visible_items(Side::Left)
            .chain(items_editor.visible_items(Side::Right))
            .cloned()
            .collect();
        b.iter_batched(
            || items.clone(),
            |items| Transfer::new(items, (0..PER_SIDE as u32).map(|k| 2 * k)),
            BatchSize::LargeInput,
        )
    });

    // A filter typed from nothing and then cleared: each step rebuilds the shown list.
    c.bench_function(
        "transfer/type \"smith\" letter by letter, then clear",
        |b| {
            let mut t = items_editor.clone();
            b.iter(|| {
                for filter in ["s", "sm", "smi", "smit", "smith", ""] {
                    t.set_filter(Side::Left, black_box(filter));
                }
                black_box(t.visible(Side::Left).len())
            })
        },
    );

    // The worst single keystroke: a filter that was narrow is deleted at once and every user on
    // the side is checked again.
    c.bench_function("transfer/one filter change, all 5,000 rechecked", |b| {
        let mut t = items_editor.clone();
        let mut wide = false;
        b.iter(|| {
            wide = !wide;
            t.set_filter(Side::Left, if wide { "a" } else { "teach" });
            black_box(t.visible(Side::Left).len())
        })
    });

    c.bench_function(
        "transfer/move_visible of a filtered subset (\"teach\")",
        |b| {
            let mut filtered = items_editor.clone();
            filtered.set_filter(Side::Left, "teach");
            filtered.set_filter(Side::Right, "a");
            b.iter_batched(
                || filtered.clone(),
                |mut t| {
                    black_box(t.move_visible(Side::Left));
                    t
                },
                BatchSize::LargeInput,
            )
        },
    );

    c.bench_function(
        "transfer/select all shown and move selected (\"slt\")",
        |b| {
            let mut filtered = items_editor.clone();
            filtered.set_filter(Side::Right, "slt");
            b.iter_batched(
                || filtered.clone(),
                |mut t| {
                    t.select_all_visible(Side::Right);
                    black_box(t.move_selected(Side::Right));
                    t
                },
                BatchSize::LargeInput,
            )
        },
    );
}

/// A keystroke in the left filter as the window sees it: the filter applied, then the whole
/// dual list built and laid out at 1280x800 (iced_test's simulator lays out like the window).
fn list_view(c: &mut Criterion) {
    let mut list: DualList<u32> = DualList::new(editor(), class_editor::LABELS);
    let mut wide = false;
    c.bench_function(
        "transfer/keystroke: filter, build and lay out the view",
        |b| {
            b.iter(|| {
                wide = !wide;
                list.transfer
                    .set_filter(Side::Left, if wide { "a" } else { "teach" });
                let view = list.view(480.0);
                let ui = iced_test::simulator::Simulator::with_size(
                    iced::Settings::default(),
                    (1280.0, 800.0),
                    view,
                );
                black_box(ui.into_messages().count())
            })
        },
    );
    // Scrolled to the end of an unfiltered side of 5,000: only the rows in sight are built.
    c.bench_function("transfer/build and lay out, scrolled to the end", |b| {
        list.transfer.set_filter(Side::Left, "");
        let scrolled = dual_list::Message::Scrolled(
            Side::Left,
            keyholder::ui::widget::virtual_list::Scroll {
                offset: (PER_SIDE - 16) as f32 * dual_list::ROW_HEIGHT,
                viewport: 480.0,
            },
        );
        let _: Effect<()> = list.update(scrolled, iced::keyboard::Modifiers::default());
        b.iter(|| {
            let view = list.view(480.0);
            let ui = iced_test::simulator::Simulator::with_size(
                iced::Settings::default(),
                (1280.0, 800.0),
                view,
            );
            black_box(ui.into_messages().count())
        })
    });
}

criterion_group!(benches, transfer, list_view);
criterion_main!(benches);
