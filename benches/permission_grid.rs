//! The category permission grid at 60 categories of 10 sub-categories (660 rows): working out the
//! rows, ticking a whole column, and building and laying out the grid the window draws must each
//! take well under a frame (16 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use keyholder::model::grid::{self, GridRow};
use keyholder::model::{Category, CategoryId, CategoryPermission, CategoryPermissions};
use keyholder::ui::widget::permission_grid;
use keyholder::ui::widget::virtual_list::Scroll;
use std::hint::black_box;

const PARENTS: i64 = 60;
const CHILDREN: i64 = 10;

fn categories() -> Vec<Category> {
    let mut out = Vec::new();
    for p in 0..PARENTS {
        let parent = CategoryId(p * (CHILDREN + 1) + 1);
        out.push(Category {
            id: parent,
            parent: None,
            name: format!("Category {p:02} with a longer name than most"),
            sort_order: p,
            archived: false,
        });
        for c in 0..CHILDREN {
            out.push(Category {
                id: CategoryId(parent.0 + c + 1),
                parent: Some(parent),
                name: format!("Sub-category {c} of {p:02}"),
                sort_order: c,
                archived: false,
            });
        }
    }
    out
}

fn lay_out(rows: &[GridRow], permissions: &CategoryPermissions, scroll: Scroll) -> usize {
    let view = permission_grid::category_grid(rows, permissions, scroll, 480.0, true);
    let ui = iced_test::simulator::Simulator::with_size(
        iced::Settings::default(),
        (1280.0, 800.0),
        view,
    );
    ui.into_messages().count()
}

fn permission_grid(c: &mut Criterion) {
    let all = categories();
    c.bench_function("grid/rows of 60 x 10 categories", |b| {
        b.iter(|| black_box(grid::rows(black_box(&all)).len()))
    });
    let rows = grid::rows(&all);
    assert_eq!(rows.len(), (PARENTS * (CHILDREN + 1)) as usize);
    let mut permissions = CategoryPermissions::default();
    c.bench_function("grid/tick the View Incidents header (660 rows)", |b| {
        b.iter(|| {
            grid::toggle_column(&mut permissions, &rows, CategoryPermission::ViewIncidents);
            black_box(grid::column_state(
                &permissions,
                &rows,
                CategoryPermission::ViewIncidents,
            ))
        })
    });
    c.bench_function("grid/build and lay out at the top", |b| {
        b.iter(|| black_box(lay_out(&rows, &permissions, Scroll::default())))
    });
    let end = Scroll {
        offset: (rows.len() - 14) as f32 * permission_grid::ROW_HEIGHT,
        viewport: 480.0,
    };
    c.bench_function("grid/build and lay out, scrolled to the end", |b| {
        b.iter(|| black_box(lay_out(&rows, &permissions, end)))
    });
}

criterion_group!(benches, permission_grid);
criterion_main!(benches);
