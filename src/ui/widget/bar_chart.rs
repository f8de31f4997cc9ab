//! A stacked bar chart drawn on iced's canvas: one bar per column (month or term), stacked by
//! series (category), with the largest bar's value on the axis and the column names under the
//! bars. The legend is ordinary text beside it, so it can be read, found and scaled like the rest
//! of the page.

use crate::ui::theme;
use iced::widget::canvas::{self, Frame, Geometry, Path, Stroke, Text};
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Length, Point, Rectangle, Renderer, Size, Theme, mouse};

/// The chart's data: `bars[column][series]`.
#[derive(Debug, Clone, Copy)]
pub struct BarChart<'a> {
    pub columns: &'a [String],
    pub series: &'a [String],
    pub bars: &'a [Vec<u32>],
}

const AXIS_WIDTH: f32 = 44.0;
const LABEL_HEIGHT: f32 = 22.0;
const HEIGHT: f32 = 240.0;

impl BarChart<'_> {
    /// The largest stacked bar (at least 1, so an empty chart still has an axis).
    fn peak(&self) -> u32 {
        self.bars
            .iter()
            .map(|b| b.iter().sum::<u32>())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// The series with anything counted, in order, with their colours: the legend.
    fn shown_series(&self) -> Vec<(usize, &str)> {
        self.series
            .iter()
            .enumerate()
            .filter(|(s, _)| self.bars.iter().any(|b| b.get(*s).is_some_and(|n| *n > 0)))
            .map(|(s, name)| (s, name.as_str()))
            .collect()
    }

    pub fn view<'b, M: 'b>(self) -> Element<'b, M>
    where
        Self: 'b,
    {
        let legend = self.shown_series().into_iter().fold(
            column![].spacing(theme::SPACE_XS),
            |c, (s, name)| {
                c.push(
                    row![
                        container(text(""))
                            .width(Length::Fixed(14.0))
                            .height(Length::Fixed(14.0))
                            .style(move |t: &Theme| container::Style {
                                background: Some(theme::series_colour(t, s).into()),
                                ..container::Style::default()
                            }),
                        text(name.to_string()).size(theme::TEXT_SMALL),
                    ]
                    .spacing(theme::SPACE_S)
                    .align_y(iced::Center),
                )
            },
        );
        row![
            canvas::Canvas::new(self)
                .width(Fill)
                .height(Length::Fixed(HEIGHT)),
            container(legend).width(Length::Fixed(220.0)),
        ]
        .spacing(theme::SPACE_M)
        .into()
    }
}

impl<M> canvas::Program<M> for BarChart<'_> {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        let mut frame = Frame::new(renderer, bounds.size());
        let plot = Rectangle {
            x: AXIS_WIDTH,
            y: 8.0,
            width: (bounds.width - AXIS_WIDTH).max(1.0),
            height: (bounds.height - LABEL_HEIGHT - 8.0).max(1.0),
        };
        let peak = self.peak();
        let palette = theme::palette(theme);
        let axis = Stroke::default().with_color(palette.border).with_width(1.0);
        frame.stroke(
            &Path::line(
                Point::new(plot.x, plot.y + plot.height),
                Point::new(plot.x + plot.width, plot.y + plot.height),
            ),
            axis,
        );
        frame.stroke(
            &Path::line(
                Point::new(plot.x, plot.y),
                Point::new(plot.x, plot.y + plot.height),
            ),
            axis,
        );
        let label = |content: String, at: Point, align_x| Text {
            content,
            position: at,
            color: palette.muted,
            size: theme::TEXT_SMALL.into(),
            align_x,
            align_y: iced::alignment::Vertical::Center,
            ..Text::default()
        };
        frame.fill_text(label(
            peak.to_string(),
            Point::new(AXIS_WIDTH - 6.0, plot.y + 6.0),
            iced::widget::text::Alignment::Right,
        ));
        frame.fill_text(label(
            "0".into(),
            Point::new(AXIS_WIDTH - 6.0, plot.y + plot.height - 6.0),
            iced::widget::text::Alignment::Right,
        ));
        let n = self.bars.len().max(1);
        let slot = plot.width / n as f32;
        let bar_width = (slot * 0.7).max(1.0);
        // Show every column's name when they fit, else every k-th.
        let every = (n as f32 * 70.0 / plot.width).ceil().max(1.0) as usize;
        for (i, bar) in self.bars.iter().enumerate() {
            let x = plot.x + slot * i as f32 + (slot - bar_width) / 2.0;
            let mut top = plot.y + plot.height;
            for (s, count) in bar.iter().enumerate() {
                if *count == 0 {
                    continue;
                }
                let h = plot.height * *count as f32 / peak as f32;
                top -= h;
                frame.fill_rectangle(
                    Point::new(x, top),
                    Size::new(bar_width, h),
                    theme::series_colour(theme, s),
                );
            }
            if i % every == 0
                && let Some(name) = self.columns.get(i)
            {
                frame.fill_text(label(
                    name.clone(),
                    Point::new(
                        x + bar_width / 2.0,
                        plot.y + plot.height + LABEL_HEIGHT / 2.0,
                    ),
                    iced::widget::text::Alignment::Center,
                ));
            }
        }
        vec![frame.into_geometry()]
    }
}
