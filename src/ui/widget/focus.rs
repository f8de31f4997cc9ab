//! Keyboard focus for controls that iced 0.14 leaves out of it: buttons, checkboxes, pick lists,
//! tabs and list rows.
//!
//! [`Focusable`] wraps any control. It takes part in iced's own focus order (the same
//! `focus_next`/`focus_previous` that move between text fields), so Tab and Shift+Tab walk every
//! control of a screen in the order it is laid out. When it has focus it draws a ring around the
//! control, and Enter or Space presses it by giving the control a click at its centre, so the
//! control keeps its own behaviour (a button's message, a checkbox's toggle, a pick list's menu).
//! A disabled control never takes focus. A mouse click moves the focus too, so Tab carries on
//! from there, but the ring shows only while the keyboard is being used.

use crate::ui::theme;
use iced::advanced::layout::{self, Layout};
use iced::advanced::renderer::{self, Quad};
use iced::advanced::widget::{self, Operation, Tree, Widget, operation, tree};
use iced::advanced::{Clipboard, Shell, mouse, overlay};
use iced::keyboard::{self, key};
use iced::{Border, Element, Event, Length, Rectangle, Size, Vector};

/// The space kept around every focusable control for its ring, so taking focus moves nothing.
pub const RING_SPACE: f32 = 3.0;

type KeyHandler<'a, M> = Box<dyn Fn(&key::Named, keyboard::Modifiers) -> Option<M> + 'a>;

pub struct Focusable<'a, M> {
    content: Element<'a, M>,
    id: Option<widget::Id>,
    enabled: bool,
    /// The ring inside the control's own edge: for rows of a list whose height is fixed.
    inset: bool,
    on_key: Option<KeyHandler<'a, M>>,
}

/// Wraps `content` so it can take keyboard focus.
pub fn focusable<'a, M: 'a>(content: impl Into<Element<'a, M>>) -> Focusable<'a, M> {
    Focusable {
        content: content.into(),
        id: None,
        enabled: true,
        inset: false,
        on_key: None,
    }
}

impl<'a, M: 'a> Focusable<'a, M> {
    /// Lets an effect move the focus here (`Effect::Focus(id)`).
    pub fn id(mut self, id: &'static str) -> Self {
        self.id = Some(widget::Id::new(id));
        self
    }

    /// A control that cannot be used right now is passed over by Tab.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Draws the ring just inside the control and keeps no space around it, so a list whose
    /// rows have a fixed height keeps it.
    pub fn inset(mut self) -> Self {
        self.inset = true;
        self
    }

    /// What other keys do while this control has focus: arrows in a tab strip or a drop-down.
    pub fn on_key(
        mut self,
        f: impl Fn(&key::Named, keyboard::Modifiers) -> Option<M> + 'a,
    ) -> Self {
        self.on_key = Some(Box::new(f));
        self
    }
}

#[derive(Debug, Default)]
struct State {
    focused: bool,
    /// Focus came from a click: keep it for Tab, but show no ring until a key is used.
    by_mouse: bool,
}

impl operation::Focusable for State {
    fn is_focused(&self) -> bool {
        self.focused
    }

    fn focus(&mut self) {
        self.focused = true;
        self.by_mouse = false;
    }

    fn unfocus(&mut self) {
        self.focused = false;
    }
}

fn is_activation(key: &keyboard::Key) -> bool {
    matches!(
        key,
        keyboard::Key::Named(key::Named::Enter | key::Named::Space)
    ) || matches!(key, keyboard::Key::Character(c) if c.as_str() == " ")
}

impl<'a, M: 'a> Widget<M, iced::Theme, iced::Renderer> for Focusable<'a, M> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::default())
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &iced::Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        let size = self.content.as_widget().size();
        let space = if self.inset { 0.0 } else { RING_SPACE };
        layout::padded(limits, size.width, size.height, space, |limits| {
            self.content
                .as_widget_mut()
                .layout(&mut tree.children[0], renderer, limits)
        })
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &iced::Renderer,
        operation: &mut dyn Operation,
    ) {
        if self.enabled {
            let state = tree.state.downcast_mut::<State>();
            operation.focusable(self.id.as_ref(), layout.bounds(), state);
        } else {
            tree.state.downcast_mut::<State>().focused = false;
        }
        let Some(child) = layout.children().next() else {
            return;
        };
        operation.traverse(&mut |operation| {
            self.content
                .as_widget_mut()
                .operate(&mut tree.children[0], child, renderer, operation);
        });
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &iced::Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, M>,
        viewport: &Rectangle,
    ) {
        let Some(child) = layout.children().next() else {
            return;
        };
        let state = tree.state.downcast_mut::<State>();
        match event {
            Event::Mouse(mouse::Event::ButtonPressed(_)) => {
                if self.enabled && cursor.is_over(layout.bounds()) {
                    state.focused = true;
                    state.by_mouse = true;
                } else {
                    state.focused = false;
                }
            }
            Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. })
                if state.focused && self.enabled =>
            {
                state.by_mouse = false;
                if is_activation(key) && !modifiers.control() && !modifiers.alt() {
                    let centre = mouse::Cursor::Available(child.bounds().center());
                    // Each half of the click in a shell of its own: a button takes the press
                    // (and marks it used), and must still see the release.
                    for click in [
                        mouse::Event::ButtonPressed(mouse::Button::Left),
                        mouse::Event::ButtonReleased(mouse::Button::Left),
                    ] {
                        let mut messages = Vec::new();
                        let mut inner = Shell::new(&mut messages);
                        self.content.as_widget_mut().update(
                            &mut tree.children[0],
                            &Event::Mouse(click),
                            child,
                            centre,
                            renderer,
                            clipboard,
                            &mut inner,
                            viewport,
                        );
                        shell.merge(inner, std::convert::identity);
                    }
                    shell.capture_event();
                    shell.request_redraw();
                    return;
                }
                if let (keyboard::Key::Named(named), Some(on_key)) = (key, &self.on_key)
                    && let Some(message) = on_key(named, *modifiers)
                {
                    shell.publish(message);
                    shell.capture_event();
                    return;
                }
            }
            _ => {}
        }
        self.content.as_widget_mut().update(
            &mut tree.children[0],
            event,
            child,
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
        );
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &iced::Renderer,
    ) -> mouse::Interaction {
        match layout.children().next() {
            Some(child) => self.content.as_widget().mouse_interaction(
                &tree.children[0],
                child,
                cursor,
                viewport,
                renderer,
            ),
            None => mouse::Interaction::None,
        }
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut iced::Renderer,
        theme: &iced::Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        let Some(child) = layout.children().next() else {
            return;
        };
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            child,
            cursor,
            viewport,
        );
        let state = tree.state.downcast_ref::<State>();
        if state.focused && !state.by_mouse && self.enabled {
            use iced::advanced::Renderer as _;
            renderer.fill_quad(
                Quad {
                    bounds: layout.bounds(),
                    border: Border {
                        color: theme::focus_ring(theme),
                        width: theme::focus_width(theme),
                        radius: if self.inset {
                            theme::RADIUS
                        } else {
                            theme::RADIUS + RING_SPACE
                        }
                        .into(),
                    },
                    ..Quad::default()
                },
                iced::Color::TRANSPARENT,
            );
        }
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &iced::Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, M, iced::Theme, iced::Renderer>> {
        let child = layout.children().next()?;
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            child,
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, M: 'a> From<Focusable<'a, M>> for Element<'a, M> {
    fn from(f: Focusable<'a, M>) -> Element<'a, M> {
        Element::new(f)
    }
}

/// Focuses the first of `ids` that the screen shows, leaving the focus alone when it shows none:
/// Ctrl+F goes to the filter of whichever page is open without each page handling the key.
pub fn focus_first_of<T: Send + 'static>(ids: &'static [&'static str]) -> impl Operation<T> {
    struct FindFirst {
        ids: &'static [&'static str],
        found: Option<&'static str>,
    }

    impl<T: Send + 'static> Operation<T> for FindFirst {
        fn focusable(
            &mut self,
            id: Option<&widget::Id>,
            _bounds: Rectangle,
            _state: &mut dyn operation::Focusable,
        ) {
            if self.found.is_none()
                && let Some(id) = id
            {
                self.found = self
                    .ids
                    .iter()
                    .copied()
                    .find(|candidate| *id == widget::Id::new(candidate));
            }
        }

        fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<T>)) {
            operate(self);
        }

        fn finish(&self) -> operation::Outcome<T> {
            match self.found {
                Some(id) => operation::Outcome::Chain(Box::new(operation::focusable::focus(
                    widget::Id::new(id),
                ))),
                None => operation::Outcome::None,
            }
        }
    }

    FindFirst { ids, found: None }
}

/// Tab: the next control, and from the last one round to the first, so the focus is never lost
/// off the end of the page (iced's own `focus_next` stops there).
pub fn focus_next<T: Send + 'static>() -> impl Operation<T> {
    operation::then(operation::focusable::count(), |count| {
        Step::new(count, true)
    })
}

/// Shift+Tab: the previous control, and from the first round to the last.
pub fn focus_previous<T: Send + 'static>() -> impl Operation<T> {
    operation::then(operation::focusable::count(), |count| {
        Step::new(count, false)
    })
}

/// Focuses the control at `target` in the focus order, and no other.
struct Step {
    target: usize,
    current: usize,
}

impl Step {
    fn new(count: operation::focusable::Count, forward: bool) -> Step {
        let total = count.total.max(1);
        let target = match (count.focused, forward) {
            (None, true) => 0,
            (None, false) => total - 1,
            (Some(i), true) => (i + 1) % total,
            (Some(i), false) => (i + total - 1) % total,
        };
        Step { target, current: 0 }
    }
}

impl<T> Operation<T> for Step {
    fn focusable(
        &mut self,
        _id: Option<&widget::Id>,
        _bounds: Rectangle,
        state: &mut dyn operation::Focusable,
    ) {
        if self.current == self.target {
            state.focus();
        } else {
            state.unfocus();
        }
        self.current += 1;
    }

    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<T>)) {
        operate(self);
    }
}

/// Scrolls the innermost scrollable around the focused control just enough to show it, so Tab
/// never leaves the focus somewhere off screen.
pub fn reveal_focused<T: Send + 'static>() -> impl Operation<T> {
    /// Where the focus is: the innermost scrollable holding it (by its place in the traversal)
    /// and how far that one must move.
    #[derive(Default)]
    struct Find {
        depth: usize,
        seen: usize,
        /// Scrollables being traversed: (depth, index, viewport, current offset).
        open: Vec<(usize, usize, Rectangle, Vector)>,
        found: Option<(usize, f32)>,
    }

    impl<T: Send + 'static> Operation<T> for Find {
        fn scrollable(
            &mut self,
            _id: Option<&widget::Id>,
            bounds: Rectangle,
            _content_bounds: Rectangle,
            translation: Vector,
            _state: &mut dyn operation::Scrollable,
        ) {
            self.open.push((self.depth, self.seen, bounds, translation));
            self.seen += 1;
        }

        fn focusable(
            &mut self,
            _id: Option<&widget::Id>,
            bounds: Rectangle,
            state: &mut dyn operation::Focusable,
        ) {
            if !state.is_focused() {
                return;
            }
            if let Some(&(_, index, viewport, offset)) = self.open.last() {
                let top = bounds.y - offset.y;
                let bottom = top + bounds.height;
                let delta = if top < viewport.y {
                    top - viewport.y
                } else if bottom > viewport.y + viewport.height {
                    (bottom - (viewport.y + viewport.height)).min(top - viewport.y)
                } else {
                    0.0
                };
                if delta != 0.0 {
                    self.found = Some((index, delta));
                }
            }
        }

        fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<T>)) {
            self.depth += 1;
            operate(self);
            self.depth -= 1;
            // A scrollable reports itself just before traversing its content: once that
            // traversal is over, what follows is outside it.
            let depth = self.depth;
            self.open.retain(|(d, ..)| *d < depth);
        }

        fn finish(&self) -> operation::Outcome<T> {
            match self.found {
                Some((index, delta)) => operation::Outcome::Chain(Box::new(ScrollBy {
                    index,
                    delta,
                    seen: 0,
                })),
                None => operation::Outcome::None,
            }
        }
    }

    struct ScrollBy {
        index: usize,
        delta: f32,
        seen: usize,
    }

    impl<T> Operation<T> for ScrollBy {
        fn scrollable(
            &mut self,
            _id: Option<&widget::Id>,
            bounds: Rectangle,
            content_bounds: Rectangle,
            _translation: Vector,
            state: &mut dyn operation::Scrollable,
        ) {
            if self.seen == self.index {
                state.scroll_by(
                    iced::widget::scrollable::AbsoluteOffset {
                        x: 0.0,
                        y: self.delta,
                    },
                    bounds,
                    content_bounds,
                );
            }
            self.seen += 1;
        }

        fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<T>)) {
            operate(self);
        }
    }

    Find::default()
}
