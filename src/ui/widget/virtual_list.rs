//! A scrolling list that lays out only the rows in view, so 5,000 rows cost no more than 20.
//! Rows have a fixed height; the space above and below the visible rows is kept by spacers so
//! the scroll bar behaves as if every row were there.

use iced::widget::{column, container, scrollable, space};
use iced::{Element, Fill, Length};

/// Where a list is scrolled to and how tall its window is; updated from `on_scroll`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scroll {
    pub offset: f32,
    pub viewport: f32,
}

impl Default for Scroll {
    fn default() -> Self {
        // Until the first scroll event says otherwise, assume a tall window: too many rows drawn
        // is only slower, too few would leave a gap.
        Scroll {
            offset: 0.0,
            viewport: 1200.0,
        }
    }
}

impl Scroll {
    pub fn from_viewport(v: &scrollable::Viewport) -> Scroll {
        Scroll {
            offset: v.absolute_offset().y,
            viewport: v.bounds().height,
        }
    }

    /// The rows to lay out: those in view plus a couple either side.
    pub fn window(&self, total: usize, row_height: f32) -> std::ops::Range<usize> {
        if total == 0 || row_height <= 0.0 {
            return 0..0;
        }
        let first = ((self.offset / row_height).floor().max(0.0) as usize).saturating_sub(2);
        let count = (self.viewport / row_height).ceil() as usize + 5;
        let first = first.min(total);
        first..(first + count).min(total)
    }

    /// The offset that brings `row` into view, if it is not already; for keyboard movement.
    pub fn reveal(&self, row: usize, row_height: f32) -> Option<f32> {
        let top = row as f32 * row_height;
        let bottom = top + row_height;
        if top < self.offset {
            Some(top)
        } else if bottom > self.offset + self.viewport {
            Some((bottom - self.viewport).max(0.0))
        } else {
            None
        }
    }
}

/// A virtual list of `total` rows of `row_height`, drawn by `row(i)`.
pub fn view<'a, M: 'a>(
    id: &'static str,
    total: usize,
    row_height: f32,
    scroll: Scroll,
    row: impl Fn(usize) -> Element<'a, M>,
    on_scroll: impl Fn(scrollable::Viewport) -> M + 'a,
) -> Element<'a, M> {
    let window = scroll.window(total, row_height);
    let above = window.start as f32 * row_height;
    let below = (total - window.end) as f32 * row_height;
    let mut rows = column![space().height(Length::Fixed(above))];
    for i in window {
        rows = rows.push(
            container(row(i))
                .height(Length::Fixed(row_height))
                .width(Fill),
        );
    }
    rows = rows.push(space().height(Length::Fixed(below)));
    scrollable(rows)
        .id(id)
        .on_scroll(on_scroll)
        .height(Fill)
        .width(Fill)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_near_the_view_are_laid_out() {
        let s = Scroll {
            offset: 2800.0,
            viewport: 280.0,
        };
        let w = s.window(5000, 28.0);
        assert!(w.start <= 100 && w.end >= 110, "{w:?}");
        assert!(w.len() < 30, "{w:?}");
        assert_eq!(Scroll::default().window(3, 28.0), 0..3);
        assert_eq!(Scroll::default().window(0, 28.0), 0..0);
        let end = Scroll {
            offset: 1e9,
            viewport: 280.0,
        };
        assert!(end.window(10, 28.0).is_empty() || end.window(10, 28.0).end == 10);
    }

    #[test]
    fn reveal_scrolls_only_when_needed() {
        let s = Scroll {
            offset: 280.0,
            viewport: 280.0,
        };
        assert_eq!(s.reveal(12, 28.0), None);
        assert_eq!(s.reveal(5, 28.0), Some(140.0));
        assert_eq!(s.reveal(25, 28.0), Some(26.0 * 28.0 - 280.0));
    }
}
