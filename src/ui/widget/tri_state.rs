//! A tick box with three states (ticked, empty, mixed) that the keyboard can reach and operate:
//! Tab moves to it, Space toggles it. iced's own checkbox has two states and no keyboard focus;
//! the permission grids need both.

use iced::advanced::layout::{self, Layout};
use iced::advanced::renderer::{self, Renderer as _};
use iced::advanced::text::{self as advanced_text, Renderer as _};
use iced::advanced::widget::{self, Widget, tree};
use iced::advanced::{Clipboard, Shell};
use iced::keyboard;
use iced::mouse;
use iced::{Background, Border, Color, Element, Event, Length, Pixels, Rectangle, Size, Theme};

pub use crate::model::grid::TriState;

#[derive(Debug, Default)]
struct Focus {
    focused: bool,
}

impl widget::operation::Focusable for Focus {
    fn is_focused(&self) -> bool {
        self.focused
    }

    fn focus(&mut self) {
        self.focused = true;
    }

    fn unfocus(&mut self) {
        self.focused = false;
    }
}

pub struct TriStateBox<Message> {
    state: TriState,
    on_toggle: Option<Message>,
    /// Read out for what the box means ("Behaviour: View Incidents"); also what tests select.
    description: String,
    size: f32,
}

/// A box showing `state`; `on_toggle` is sent when clicked or when Space is pressed on it.
pub fn tri_state<Message>(state: TriState, description: impl Into<String>) -> TriStateBox<Message> {
    TriStateBox {
        state,
        on_toggle: None,
        description: description.into(),
        size: 20.0,
    }
}

impl<Message> TriStateBox<Message> {
    pub fn on_toggle(mut self, message: Message) -> Self {
        self.on_toggle = Some(message);
        self
    }

    pub fn on_toggle_maybe(mut self, message: Option<Message>) -> Self {
        self.on_toggle = message;
        self
    }

    pub fn size(mut self, size: impl Into<Pixels>) -> Self {
        self.size = size.into().0;
        self
    }
}

impl<Message: Clone> Widget<Message, Theme, iced::Renderer> for TriStateBox<Message> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<Focus>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(Focus::default())
    }

    fn size(&self) -> Size<Length> {
        Size::new(Length::Fixed(self.size), Length::Fixed(self.size))
    }

    fn layout(
        &mut self,
        _tree: &mut widget::Tree,
        _renderer: &iced::Renderer,
        _limits: &layout::Limits,
    ) -> layout::Node {
        layout::Node::new(Size::new(self.size, self.size))
    }

    fn update(
        &mut self,
        tree: &mut widget::Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _renderer: &iced::Renderer,
        _clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        _viewport: &Rectangle,
    ) {
        let focus = tree.state.downcast_mut::<Focus>();
        match event {
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let over = cursor.is_over(layout.bounds());
                focus.focused = over;
                if over && let Some(m) = &self.on_toggle {
                    shell.publish(m.clone());
                    shell.capture_event();
                    shell.request_redraw();
                }
            }
            Event::Keyboard(keyboard::Event::KeyPressed {
                key: keyboard::Key::Named(keyboard::key::Named::Space),
                ..
            }) if focus.focused => {
                if let Some(m) = &self.on_toggle {
                    shell.publish(m.clone());
                    shell.capture_event();
                }
            }
            _ => {}
        }
    }

    fn mouse_interaction(
        &self,
        _tree: &widget::Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _viewport: &Rectangle,
        _renderer: &iced::Renderer,
    ) -> mouse::Interaction {
        if cursor.is_over(layout.bounds()) && self.on_toggle.is_some() {
            mouse::Interaction::Pointer
        } else {
            mouse::Interaction::default()
        }
    }

    fn draw(
        &self,
        tree: &widget::Tree,
        renderer: &mut iced::Renderer,
        theme: &Theme,
        _style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        let bounds = layout.bounds();
        let focused = tree.state.downcast_ref::<Focus>().focused;
        let enabled = self.on_toggle.is_some();
        let hovered = enabled && cursor.is_over(bounds);
        let filled = self.state != TriState::Off;
        let p = crate::ui::theme::palette(theme);
        let fill = if !enabled {
            p.border
        } else if filled {
            p.primary
        } else if hovered {
            p.hover
        } else {
            p.surface
        };
        let border_colour = if focused {
            p.focus
        } else if filled {
            p.primary
        } else {
            p.muted
        };
        renderer.fill_quad(
            renderer::Quad {
                bounds,
                border: Border {
                    color: border_colour,
                    width: if focused {
                        p.focus_width + 0.5
                    } else {
                        p.border_width.min(1.5)
                    },
                    radius: 4.0.into(),
                },
                ..renderer::Quad::default()
            },
            Background::Color(fill),
        );
        match self.state {
            TriState::On => renderer.fill_text(
                advanced_text::Text {
                    content: iced::Renderer::CHECKMARK_ICON.to_string(),
                    font: iced::Renderer::ICON_FONT,
                    size: Pixels(bounds.height * 0.7),
                    line_height: advanced_text::LineHeight::default(),
                    bounds: bounds.size(),
                    align_x: advanced_text::Alignment::Center,
                    align_y: iced::alignment::Vertical::Center,
                    shaping: advanced_text::Shaping::Basic,
                    wrapping: advanced_text::Wrapping::default(),
                },
                bounds.center(),
                Color::WHITE,
                *viewport,
            ),
            TriState::Mixed => {
                // A dash: the state the two-state checkbox cannot show.
                let w = bounds.width * 0.5;
                let h = (bounds.height * 0.14).max(2.0);
                renderer.fill_quad(
                    renderer::Quad {
                        bounds: Rectangle {
                            x: bounds.center_x() - w / 2.0,
                            y: bounds.center_y() - h / 2.0,
                            width: w,
                            height: h,
                        },
                        border: Border {
                            radius: 1.0.into(),
                            ..Border::default()
                        },
                        ..renderer::Quad::default()
                    },
                    Background::Color(Color::WHITE),
                );
            }
            TriState::Off => {}
        }
    }

    fn operate(
        &mut self,
        tree: &mut widget::Tree,
        layout: Layout<'_>,
        _renderer: &iced::Renderer,
        operation: &mut dyn widget::Operation,
    ) {
        let state = tree.state.downcast_mut::<Focus>();
        operation.focusable(None, layout.bounds(), state);
        operation.text(None, layout.bounds(), &self.description);
    }
}

impl<'a, Message: Clone + 'a> From<TriStateBox<Message>> for Element<'a, Message> {
    fn from(b: TriStateBox<Message>) -> Self {
        Element::new(b)
    }
}
