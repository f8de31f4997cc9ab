//! The dual-list editor's state: two lists of items (for the class editor, users who cannot see
//! a class on the left and users who can on the right), a filter box over each side, a selection
//! and a keyboard focus in each list, and the arrows that move items across.
//!
//! The rules come from the complaints people make about these editors elsewhere: the double arrow
//! moves exactly what the filter shows and never a hidden user; a filter never silently keeps a
//! hidden user selected; after a move both filters still apply, both lists stay in surname order,
//! and the moved users are selected where they landed. Everything here is plain data, and the
//! wording (what the sides and items are called) comes from the screen, so any screen can use it.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::hash::Hash;

/// One of the two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Left,
    /// What is saved: the access list, the members.
    Right,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];

    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }

    fn index(self) -> usize {
        match self {
            Side::Left => 0,
            Side::Right => 1,
        }
    }
}

/// The keys held during a click. On macOS the screen passes Cmd as `ctrl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Modifiers {
    pub ctrl: bool,
    pub shift: bool,
}

impl Modifiers {
    pub const NONE: Modifiers = Modifiers {
        ctrl: false,
        shift: false,
    };
    pub const CTRL: Modifiers = Modifiers {
        ctrl: true,
        shift: false,
    };
    pub const SHIFT: Modifiers = Modifiers {
        ctrl: false,
        shift: true,
    };
    pub const CTRL_SHIFT: Modifiers = Modifiers {
        ctrl: true,
        shift: true,
    };
}

/// A keyboard move of the focus within one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusMove {
    Up,
    Down,
    Home,
    End,
}

/// One entry in the lists: what it is, what its row shows, and what the filter looks in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<K> {
    pub key: K,
    /// The row's text, e.g. "Imran Abbey (SLT)".
    pub label: String,
    /// What a filter matches, any case: for a person their name and user group, so "SLT" finds
    /// the team. Separate parts with a line break so a filter never matches across two of them.
    pub search: String,
}

/// Staff as both of the school's dual lists show them: "Imran Abbey (SLT)" (just the name when
/// the group is blank), found by name or user group, in surname then forename order, ignoring
/// case (equal names by key, so the order is stable).
pub fn people<'a, K: Ord + Copy + 'a>(
    staff: impl IntoIterator<Item = (K, &'a str, &'a str, &'a str)>,
) -> Vec<Item<K>> {
    let mut sorted: Vec<_> = staff
        .into_iter()
        .map(|(key, forename, surname, group)| {
            let name = super::names::full_name(forename, surname);
            let group = group.trim();
            let item = Item {
                key,
                label: if group.is_empty() {
                    name.clone()
                } else {
                    format!("{name} ({group})")
                },
                search: format!("{name}\n{group}"),
            };
            let (surname, forename) = super::names::sort_key(forename, surname);
            ((surname, forename, key), item)
        })
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.into_iter().map(|(_, item)| item).collect()
}

/// What a screen calls the two sides and the things in them, for the counts and tooltips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Names {
    /// Each side as the arrows' tooltips name it, left then right: "cannot see", "can see".
    pub sides: [&'static str; 2],
    /// One item: "user".
    pub one: &'static str,
    /// A side with nothing on it: "No users".
    pub none: &'static str,
}

/// An item with its lower-cased search text worked out once, so typing in a filter over
/// thousands of users does no allocation per user.
#[derive(Debug, Clone)]
struct Entry<K> {
    item: Item<K>,
    search: String,
}

impl<K> Entry<K> {
    fn new(item: Item<K>) -> Self {
        Entry {
            search: item.search.to_lowercase(),
            item,
        }
    }

    /// `needle` is already trimmed and lower-cased; an empty one matches everybody.
    fn matches(&self, needle: &str) -> bool {
        needle.is_empty() || self.search.contains(needle)
    }
}

/// One list's filter, what it shows, and its selection.
#[derive(Debug, Clone)]
struct SideState<K> {
    /// As typed, so the filter box shows exactly what the user wrote.
    filter: String,
    /// `filter` trimmed and lower-cased: what is actually looked for.
    needle: String,
    /// Whether each entry (by position) matches this side's needle. Kept up to date only for the
    /// entries on this side: an entry that moves in is checked as it arrives.
    matches: Vec<bool>,
    /// Positions of the shown entries, ascending, which is also the display order.
    visible_positions: Vec<usize>,
    visible_keys: Vec<K>,
    total: usize,
    selected: BTreeSet<K>,
    anchor: Option<K>,
    focus: Option<K>,
}

impl<K> SideState<K> {
    fn new(len: usize) -> Self {
        SideState {
            filter: String::new(),
            needle: String::new(),
            matches: vec![true; len],
            visible_positions: Vec::new(),
            visible_keys: Vec::new(),
            total: 0,
            selected: BTreeSet::new(),
            anchor: None,
            focus: None,
        }
    }
}

/// The dual list's whole state. See the module documentation for the rules it keeps.
#[derive(Debug, Clone)]
pub struct Transfer<K> {
    /// Every item, once, in display order (as given). Both lists are subsequences of this, so
    /// they stay in that order without ever being re-sorted.
    entries: Vec<Entry<K>>,
    position: HashMap<K, usize>,
    on_right: Vec<bool>,
    saved_on_right: Vec<bool>,
    /// How many entries are on a different side from the saved state.
    unsaved_moves: usize,
    sides: [SideState<K>; 2],
}

impl<K: Copy + Ord + Hash + Debug> Transfer<K> {
    /// The editor as saved: `items` in the order both lists show them, `on_right` the keys on
    /// the right (the access list). Keys in `on_right` with no item are ignored; an item whose
    /// key repeats an earlier one is dropped, since one person cannot be on both sides.
    pub fn new(items: Vec<Item<K>>, on_right: impl IntoIterator<Item = K>) -> Self {
        let mut seen = BTreeSet::new();
        let entries: Vec<Entry<K>> = items
            .into_iter()
            .filter(|item| seen.insert(item.key))
            .map(Entry::new)
            .collect();
        let position: HashMap<K, usize> = entries
            .iter()
            .enumerate()
            .map(|(pos, e)| (e.item.key, pos))
            .collect();
        let mut on_right_flags = vec![false; entries.len()];
        for key in on_right {
            if let Some(&pos) = position.get(&key) {
                on_right_flags[pos] = true;
            }
        }
        let len = entries.len();
        let mut transfer = Transfer {
            entries,
            position,
            saved_on_right: on_right_flags.clone(),
            on_right: on_right_flags,
            unsaved_moves: 0,
            sides: [SideState::new(len), SideState::new(len)],
        };
        transfer.rebuild_visible(Side::Left);
        transfer.rebuild_visible(Side::Right);
        transfer
    }

    // ----- what the lists show -----

    /// Every item, on either side.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn item(&self, key: K) -> Option<&Item<K>> {
        self.position.get(&key).map(|&pos| &self.entries[pos].item)
    }

    pub fn side_of(&self, key: K) -> Option<Side> {
        self.position.get(&key).map(|&pos| self.side_at(pos))
    }

    /// The keys a side shows under its filter, in display order.
    pub fn visible(&self, side: Side) -> &[K] {
        &self.state(side).visible_keys
    }

    /// The items a side shows under its filter, in display order.
    pub fn visible_items(&self, side: Side) -> impl ExactSizeIterator<Item = &Item<K>> + '_ {
        self.state(side)
            .visible_positions
            .iter()
            .map(|&pos| &self.entries[pos].item)
    }

    pub fn is_visible(&self, side: Side, key: K) -> bool {
        self.visible_index(side, key).is_some()
    }

    /// How many items are on a side, whatever its filter.
    pub fn total(&self, side: Side) -> usize {
        self.state(side).total
    }

    /// The filter as typed.
    pub fn filter(&self, side: Side) -> &str {
        &self.state(side).filter
    }

    /// Whether the filter hides anything in principle (a blank or all-spaces filter does not).
    pub fn is_filtered(&self, side: Side) -> bool {
        !self.state(side).needle.is_empty()
    }

    /// "Showing all 29", "Showing 3 of 29", or "No users" for a side with nobody on it.
    ///
    /// A filter that matches nobody says "Showing 0 of 29" rather than a separate "No matches":
    /// it keeps the wording the help sheet shows and still tells the admin that 29 are hidden, so
    /// nobody mistakes a filtered-out list for an empty one.
    pub fn count_text(&self, side: Side, names: &Names) -> String {
        let state = self.state(side);
        if state.total == 0 {
            names.none.to_string()
        } else if state.needle.is_empty() {
            format!("Showing all {}", state.total)
        } else {
            format!("Showing {} of {}", state.visible_keys.len(), state.total)
        }
    }

    /// Shows only the items whose search text contains `text` (trimmed, any case).
    pub fn set_filter(&mut self, side: Side, text: &str) {
        let needle = text.trim().to_lowercase();
        let i = side.index();
        self.sides[i].filter = text.to_string();
        if needle == self.sides[i].needle {
            return;
        }
        // Typing one more letter can only hide items, so only the ones shown before need checking.
        let narrowing = needle.contains(self.sides[i].needle.as_str());
        let want_right = side == Side::Right;
        let state = &mut self.sides[i];
        for (pos, entry) in self.entries.iter().enumerate() {
            if self.on_right[pos] != want_right {
                continue;
            }
            let matched = &mut state.matches[pos];
            *matched = (*matched || !narrowing) && entry.matches(&needle);
        }
        state.needle = needle;
        self.rebuild_visible(side);
        self.drop_hidden_from_selection(side);
    }

    // ----- selection and focus -----

    pub fn selected(&self, side: Side) -> &BTreeSet<K> {
        &self.state(side).selected
    }

    pub fn is_selected(&self, side: Side, key: K) -> bool {
        self.state(side).selected.contains(&key)
    }

    pub fn focused(&self, side: Side) -> Option<K> {
        self.state(side).focus
    }

    /// A click on a shown item: alone it selects just that item; Ctrl toggles it; Shift selects
    /// the shown items from the last clicked one to this one (Ctrl+Shift adds them to the
    /// selection). A click on an item the side does not show (a stale message) is ignored.
    pub fn click(&mut self, side: Side, key: K, modifiers: Modifiers) {
        let Some(index) = self.visible_index(side, key) else {
            return;
        };
        let anchor_index = self
            .state(side)
            .anchor
            .and_then(|anchor| self.visible_index(side, anchor));
        let state = &mut self.sides[side.index()];
        match (modifiers.shift, anchor_index) {
            (true, Some(anchor_index)) => {
                if !modifiers.ctrl {
                    state.selected.clear();
                }
                let (from, to) = (anchor_index.min(index), anchor_index.max(index));
                state
                    .selected
                    .extend(state.visible_keys[from..=to].iter().copied());
                state.focus = Some(key);
            }
            _ if modifiers.ctrl => {
                if !state.selected.remove(&key) {
                    state.selected.insert(key);
                }
                state.anchor = Some(key);
                state.focus = Some(key);
            }
            _ => select_only(state, key),
        }
    }

    /// Ctrl+A: selects everything the side shows (and nothing it hides).
    pub fn select_all_visible(&mut self, side: Side) {
        let state = &mut self.sides[side.index()];
        state.selected = state.visible_keys.iter().copied().collect();
    }

    pub fn clear_selection(&mut self, side: Side) {
        self.sides[side.index()].selected.clear();
    }

    /// Up/Down/Home/End. The focus stops at either end rather than wrapping. Without `extend` the
    /// selection becomes the focused item, as in any list box; with `extend` (Shift held) it
    /// becomes the shown items from the anchor to the new focus, as a Shift-click there would.
    /// With no focus yet, Up and Down start at the first item, as list boxes usually do.
    pub fn focus_step(&mut self, side: Side, step: FocusMove, extend: bool) {
        let shown = self.visible(side).len();
        if shown == 0 {
            return;
        }
        let current = self
            .state(side)
            .focus
            .and_then(|focus| self.visible_index(side, focus));
        let target = match (step, current) {
            (FocusMove::Up, Some(i)) => i.saturating_sub(1),
            (FocusMove::Down, Some(i)) => (i + 1).min(shown - 1),
            (FocusMove::Up | FocusMove::Down | FocusMove::Home, _) => 0,
            (FocusMove::End, _) => shown - 1,
        };
        let anchor_index = self
            .state(side)
            .anchor
            .and_then(|anchor| self.visible_index(side, anchor))
            .or(current)
            .unwrap_or(target);
        let state = &mut self.sides[side.index()];
        let key = state.visible_keys[target];
        if extend {
            let (from, to) = (anchor_index.min(target), anchor_index.max(target));
            state.selected = state.visible_keys[from..=to].iter().copied().collect();
            state.anchor = Some(state.visible_keys[anchor_index]);
            state.focus = Some(key);
        } else {
            select_only(state, key);
        }
    }

    // ----- moving -----

    /// Whether the single arrow from `from` would move anybody.
    pub fn can_move_selected(&self, from: Side) -> bool {
        !self.state(from).selected.is_empty()
    }

    /// Whether the double arrow from `from` would move anybody.
    pub fn can_move_visible(&self, from: Side) -> bool {
        !self.state(from).visible_keys.is_empty()
    }

    /// The single arrow's tooltip: "Move selected to can see".
    pub fn move_selected_tooltip(&self, from: Side, names: &Names) -> String {
        format!("Move selected to {}", names.sides[from.other().index()])
    }

    /// The double arrow's tooltip: "Move all 12 shown to can see" while filtered, "Move all 12 to
    /// can see" when not, so the admin knows before clicking that hidden users stay put.
    pub fn move_visible_tooltip(&self, from: Side, names: &Names) -> String {
        let to = names.sides[from.other().index()];
        let shown = self.state(from).visible_keys.len();
        match (shown, self.is_filtered(from)) {
            (0, _) => format!("Nothing to move to {to}"),
            (1, true) => format!("Move the 1 shown to {to}"),
            (1, false) => format!("Move the 1 {} to {to}", names.one),
            (n, true) => format!("Move all {n} shown to {to}"),
            (n, false) => format!("Move all {n} to {to}"),
        }
    }

    /// The single arrow: moves the selected items (all shown, by the selection rule) across.
    /// Returns how many moved.
    pub fn move_selected(&mut self, from: Side) -> usize {
        let positions: Vec<usize> = {
            let state = self.state(from);
            let mut positions: Vec<usize> = state
                .selected
                .iter()
                .filter_map(|key| self.position.get(key).copied())
                .filter(|&pos| self.side_at(pos) == from && state.matches[pos])
                .collect();
            positions.sort_unstable();
            positions
        };
        self.move_positions(from, positions)
    }

    /// The double arrow: moves exactly the items `from` shows under its filter (the whole side
    /// when unfiltered), never hidden ones. Returns how many moved.
    pub fn move_visible(&mut self, from: Side) -> usize {
        let positions = self.state(from).visible_positions.clone();
        self.move_positions(from, positions)
    }

    /// Double-click on a shown item. Returns whether it moved.
    pub fn move_one(&mut self, from: Side, key: K) -> bool {
        if !self.is_visible(from, key) {
            return false;
        }
        match self.position.get(&key) {
            Some(&pos) => self.move_positions(from, vec![pos]) == 1,
            None => false,
        }
    }

    /// Enter: moves the focused item. Returns whether it moved.
    pub fn move_focused(&mut self, from: Side) -> bool {
        match self.focused(from) {
            Some(key) => self.move_one(from, key),
            None => false,
        }
    }

    // ----- saving -----

    /// Whether anything was moved since the editor opened or was last saved (moving a user
    /// across and back again leaves it clean).
    pub fn is_dirty(&self) -> bool {
        self.unsaved_moves > 0
    }

    /// Everyone now on the right: the access list to save.
    pub fn right_keys(&self) -> BTreeSet<K> {
        self.entries
            .iter()
            .zip(&self.on_right)
            .filter(|(_, right)| **right)
            .map(|(e, _)| e.item.key)
            .collect()
    }

    /// Moved to the right since the saved state, in display order: for the audit entry.
    pub fn added(&self) -> Vec<K> {
        self.changed_to(true)
    }

    /// Moved to the left since the saved state, in display order: for the audit entry.
    pub fn removed(&self) -> Vec<K> {
        self.changed_to(false)
    }

    /// Undoes every move since the saved state. Filters stay; selections are cleared because the
    /// items they named may have gone back to the other side.
    pub fn reset(&mut self) {
        self.on_right.clone_from(&self.saved_on_right);
        self.unsaved_moves = 0;
        for side in Side::BOTH {
            let i = side.index();
            let want_right = side == Side::Right;
            let state = &mut self.sides[i];
            for (pos, entry) in self.entries.iter().enumerate() {
                if self.on_right[pos] == want_right {
                    state.matches[pos] = entry.matches(&state.needle);
                }
            }
            self.rebuild_visible(side);
            self.sides[i].selected.clear();
            self.drop_hidden_from_selection(side);
        }
    }

    /// Makes the current state the saved one, after the access list was written.
    pub fn mark_saved(&mut self) {
        self.saved_on_right.clone_from(&self.on_right);
        self.unsaved_moves = 0;
    }

    // ----- internals -----

    fn state(&self, side: Side) -> &SideState<K> {
        &self.sides[side.index()]
    }

    fn side_at(&self, pos: usize) -> Side {
        if self.on_right[pos] {
            Side::Right
        } else {
            Side::Left
        }
    }

    /// Where `key` is in the side's shown list: a binary search, since shown positions ascend.
    fn visible_index(&self, side: Side, key: K) -> Option<usize> {
        let pos = *self.position.get(&key)?;
        self.state(side).visible_positions.binary_search(&pos).ok()
    }

    fn changed_to(&self, right: bool) -> Vec<K> {
        self.entries
            .iter()
            .enumerate()
            .filter(|&(pos, _)| self.on_right[pos] == right && self.saved_on_right[pos] != right)
            .map(|(_, e)| e.item.key)
            .collect()
    }

    /// The only expensive step: run after a filter or the membership changes, never on a read.
    fn rebuild_visible(&mut self, side: Side) {
        let want_right = side == Side::Right;
        let state = &mut self.sides[side.index()];
        state.visible_positions.clear();
        state.visible_keys.clear();
        state.total = 0;
        for (pos, entry) in self.entries.iter().enumerate() {
            if self.on_right[pos] != want_right {
                continue;
            }
            state.total += 1;
            if state.matches[pos] {
                state.visible_positions.push(pos);
                state.visible_keys.push(entry.item.key);
            }
        }
    }

    /// Keeps the rule that a hidden item is never selected, focused or the anchor of a range.
    fn drop_hidden_from_selection(&mut self, side: Side) {
        let state = &self.sides[side.index()];
        let shown = |key: &K| {
            self.position
                .get(key)
                .is_some_and(|pos| state.visible_positions.binary_search(pos).is_ok())
        };
        let selected: BTreeSet<K> = state.selected.iter().copied().filter(shown).collect();
        let anchor = state.anchor.filter(shown);
        let focus = state.focus.filter(shown);
        let state = &mut self.sides[side.index()];
        state.selected = selected;
        state.anchor = anchor;
        state.focus = focus;
    }

    /// Moves the entries at `positions` (ascending, all shown on `from`) to the other side.
    fn move_positions(&mut self, from: Side, positions: Vec<usize>) -> usize {
        if positions.is_empty() {
            return 0;
        }
        let to = from.other();
        let to_right = to == Side::Right;
        // Where the moved block began on the old side, so its focus can stay in that place.
        let old_index = self
            .state(from)
            .visible_positions
            .binary_search(&positions[0])
            .unwrap_or_else(|i| i);
        let old_focus = self.state(from).focus;

        let (to_state, entries) = (&mut self.sides[to.index()], &self.entries);
        for &pos in &positions {
            self.on_right[pos] = to_right;
            if self.saved_on_right[pos] == to_right {
                self.unsaved_moves = self.unsaved_moves.saturating_sub(1);
            } else {
                self.unsaved_moves += 1;
            }
            to_state.matches[pos] = entries[pos].matches(&to_state.needle);
        }
        self.rebuild_visible(from);
        self.rebuild_visible(to);

        // On the new side the moved items that its filter shows become the selection, and the
        // focus goes to the first of them so the keyboard user carries on from there.
        let to_state = &mut self.sides[to.index()];
        to_state.selected = positions
            .iter()
            .filter(|&&pos| to_state.matches[pos])
            .map(|&pos| self.entries[pos].item.key)
            .collect();
        to_state.focus = positions
            .iter()
            .find(|&&pos| to_state.matches[pos])
            .map(|&pos| self.entries[pos].item.key);
        to_state.anchor = to_state.focus;

        // On the old side nothing stays selected; the focus stays where it was if that item did
        // not move, else it rests on whatever now fills the moved block's place.
        let position = &self.position;
        let from_state = &mut self.sides[from.index()];
        from_state.selected.clear();
        let kept = old_focus.filter(|key| {
            position
                .get(key)
                .is_some_and(|pos| from_state.visible_positions.binary_search(pos).is_ok())
        });
        from_state.focus = kept.or_else(|| {
            let last = from_state.visible_keys.len().checked_sub(1)?;
            from_state.visible_keys.get(old_index.min(last)).copied()
        });
        from_state.anchor = from_state.focus;
        positions.len()
    }
}

fn select_only<K: Copy + Ord>(state: &mut SideState<K>, key: K) {
    state.selected.clear();
    state.selected.insert(key);
    state.anchor = Some(key);
    state.focus = Some(key);
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: Names = Names {
        sides: ["cannot see", "can see"],
        one: "user",
        none: "No users",
    };

    /// A person as the class editor shows them: "Imran Abbey (SLT)", found by name or group.
    fn item(key: u32, forename: &str, surname: &str, group: &str) -> Item<u32> {
        people([(key, forename, surname, group)]).remove(0)
    }

    /// Year 1 (Academic Level) as the help sheet shows it, cut down: SLT and a Teacher on the
    /// left; SLT, a Teacher and the Attendance Officer already able to see.
    fn year_1() -> Transfer<u32> {
        // In surname order, as the class editor lists them.
        let items = people([
            (1, "Imran", "Abbey", "SLT"),
            (2, "Edith", "Alwin", "SLT"),
            (3, "Kim", "Alwinson", "SLT"),
            (4, "Colin", "Bristow", "SLT"),
            (5, "Dominic", "Cairns", "SLT"),
            (6, "Mia", "Dunn", "Teachers"),
            (7, "Owen", "Ellis", "Teachers"),
            (8, "Priya", "Shah", "Attendance Officer"),
            (20, "Tobias", "Barker", "Attendance Officer"),
            (21, "Nisha", "Hartley", "SLT"),
            (22, "Aisha", "Rowntree", "Teachers"),
            (23, "Lorna", "Wilkes", "SLT"),
        ]);
        Transfer::new(items, [20, 21, 22, 23])
    }

    fn labels(t: &Transfer<u32>, side: Side) -> Vec<String> {
        t.visible_items(side).map(|i| i.label.clone()).collect()
    }

    fn set(keys: &[u32]) -> BTreeSet<u32> {
        keys.iter().copied().collect()
    }

    #[test]
    fn labels_name_the_user_group() {
        assert_eq!(
            item(1, " Imran", "Abbey ", "SLT").label,
            "Imran Abbey (SLT)"
        );
        assert_eq!(item(1, "Imran", "Abbey", " ").label, "Imran Abbey");
    }

    #[test]
    fn people_are_listed_by_surname_then_forename_ignoring_case() {
        let items = people([
            (1, "zoe", "adams", "SLT"),
            (2, "Amy", "Brooks", "SLT"),
            (3, "Ben", "Adams", "SLT"),
            (4, "ben", "ADAMS", "Teachers"),
            (5, "Élodie", "Zola", "SLT"),
            (6, "Carl", "brooks", "SLT"),
        ]);
        let t = Transfer::new(items, []);
        // Surname first, case ignored; equal names fall back to the key so the order is stable.
        assert_eq!(t.visible(Side::Left), &[3, 4, 1, 2, 6, 5]);
        assert!(t.visible(Side::Right).is_empty());
    }

    #[test]
    fn the_lists_keep_the_order_they_are_given_and_a_filter_never_spans_two_parts() {
        let items = vec![
            Item {
                key: 2,
                label: "Bee".into(),
                search: "bee\nhive".into(),
            },
            Item {
                key: 1,
                label: "Ant".into(),
                search: "ant\nhill".into(),
            },
        ];
        let mut t = Transfer::new(items, []);
        assert_eq!(t.visible(Side::Left), &[2, 1]);
        t.set_filter(Side::Left, "HIVE");
        assert_eq!(t.visible(Side::Left), &[2]);
        t.set_filter(Side::Left, "bee hive");
        assert!(t.visible(Side::Left).is_empty());
    }

    #[test]
    fn starts_as_saved_with_unknown_and_repeated_keys_ignored() {
        let items = vec![
            item(1, "A", "One", "SLT"),
            item(2, "B", "Two", "SLT"),
            item(1, "Again", "Duplicate", "SLT"),
        ];
        let t = Transfer::new(items, [2, 99]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.visible(Side::Left), &[1]);
        assert_eq!(t.visible(Side::Right), &[2]);
        assert_eq!(t.right_keys(), set(&[2]));
        assert_eq!(t.item(1).map(|i| i.label.as_str()), Some("A One (SLT)"));
        assert!(!t.is_dirty());
    }

    #[test]
    fn counts_say_all_some_or_no_users() {
        let mut t = year_1();
        assert_eq!(t.count_text(Side::Left, &NAMES), "Showing all 8");
        assert_eq!(t.count_text(Side::Right, &NAMES), "Showing all 4");
        t.set_filter(Side::Left, "slt");
        assert_eq!(t.count_text(Side::Left, &NAMES), "Showing 5 of 8");
        t.set_filter(Side::Left, "nobody by this name");
        assert_eq!(t.count_text(Side::Left, &NAMES), "Showing 0 of 8");
        t.set_filter(Side::Left, "   ");
        assert!(!t.is_filtered(Side::Left));
        assert_eq!(t.filter(Side::Left), "   ");
        assert_eq!(t.count_text(Side::Left, &NAMES), "Showing all 8");

        t.move_visible(Side::Right);
        assert_eq!(t.total(Side::Right), 0);
        assert_eq!(t.count_text(Side::Right, &NAMES), "No users");
        t.set_filter(Side::Right, "slt");
        assert_eq!(t.count_text(Side::Right, &NAMES), "No users");

        let empty: Transfer<u32> = Transfer::new(Vec::new(), []);
        assert!(empty.is_empty());
        assert_eq!(empty.count_text(Side::Left, &NAMES), "No users");
    }

    #[test]
    fn filter_matches_any_part_of_the_name_or_the_user_group() {
        let mut t = year_1();
        t.set_filter(Side::Left, "  ALWIN ");
        assert_eq!(
            labels(&t, Side::Left),
            ["Edith Alwin (SLT)", "Kim Alwinson (SLT)"]
        );
        t.set_filter(Side::Left, "imran ab");
        assert_eq!(labels(&t, Side::Left), ["Imran Abbey (SLT)"]);
        t.set_filter(Side::Left, "officer");
        assert_eq!(labels(&t, Side::Left), ["Priya Shah (Attendance Officer)"]);
        // Widening again (deleting letters) brings back what narrowing hid.
        t.set_filter(Side::Left, "i");
        assert_eq!(t.visible(Side::Left).len(), 8);
        t.set_filter(Side::Left, "teach");
        assert_eq!(t.visible(Side::Left), &[6, 7]);
        t.set_filter(Side::Left, "");
        assert_eq!(t.visible(Side::Left).len(), 8);
        // The other side is not affected.
        assert_eq!(t.visible(Side::Right).len(), 4);
    }

    #[test]
    fn double_arrow_with_slt_filter_moves_exactly_the_slt_users() {
        let mut t = year_1();
        t.set_filter(Side::Left, "SLT");
        assert_eq!(
            t.move_visible_tooltip(Side::Left, &NAMES),
            "Move all 5 shown to can see"
        );
        assert_eq!(t.move_visible(Side::Left), 5);

        // The filters are as they were and still applied.
        assert_eq!(t.filter(Side::Left), "SLT");
        assert_eq!(t.count_text(Side::Left, &NAMES), "Showing 0 of 3");
        assert_eq!(t.visible(Side::Left), &[] as &[u32]);
        t.set_filter(Side::Left, "");
        assert_eq!(
            labels(&t, Side::Left),
            [
                "Mia Dunn (Teachers)",
                "Owen Ellis (Teachers)",
                "Priya Shah (Attendance Officer)"
            ]
        );
        assert_eq!(
            labels(&t, Side::Right),
            [
                "Imran Abbey (SLT)",
                "Edith Alwin (SLT)",
                "Kim Alwinson (SLT)",
                "Tobias Barker (Attendance Officer)",
                "Colin Bristow (SLT)",
                "Dominic Cairns (SLT)",
                "Nisha Hartley (SLT)",
                "Aisha Rowntree (Teachers)",
                "Lorna Wilkes (SLT)",
            ]
        );
        assert_eq!(t.added(), [1, 2, 3, 4, 5]);
        assert!(t.removed().is_empty());
    }

    #[test]
    fn double_arrow_without_a_filter_moves_the_whole_side() {
        let mut t = year_1();
        assert_eq!(
            t.move_visible_tooltip(Side::Right, &NAMES),
            "Move all 4 to cannot see"
        );
        assert_eq!(t.move_visible(Side::Right), 4);
        assert_eq!(t.total(Side::Left), 12);
        assert_eq!(t.total(Side::Right), 0);
        assert_eq!(t.selected(Side::Left), &set(&[20, 21, 22, 23]));
        assert!(t.selected(Side::Right).is_empty());
        assert_eq!(t.removed(), [20, 21, 22, 23]);
        assert!(!t.can_move_visible(Side::Right));
        assert_eq!(t.move_visible(Side::Right), 0);
    }

    #[test]
    fn double_arrow_never_moves_users_the_filter_hides_even_if_selected_before() {
        let mut t = year_1();
        t.click(Side::Left, 6, Modifiers::NONE); // Mia Dunn, a Teacher
        t.set_filter(Side::Left, "slt");
        assert!(t.selected(Side::Left).is_empty());
        t.move_visible(Side::Left);
        assert_eq!(t.side_of(6), Some(Side::Left));
        assert_eq!(t.side_of(7), Some(Side::Left));
        assert_eq!(t.side_of(8), Some(Side::Left));
    }

    #[test]
    fn single_arrow_moves_the_selection_and_the_selection_follows_it() {
        let mut t = year_1();
        assert!(!t.can_move_selected(Side::Left));
        t.click(Side::Left, 3, Modifiers::NONE);
        t.click(Side::Left, 7, Modifiers::CTRL);
        assert!(t.can_move_selected(Side::Left));
        assert_eq!(t.move_selected(Side::Left), 2);

        assert_eq!(t.side_of(3), Some(Side::Right));
        assert_eq!(t.side_of(7), Some(Side::Right));
        assert_eq!(t.selected(Side::Right), &set(&[3, 7]));
        // Focus follows to the first moved user in the new list's order.
        assert_eq!(t.focused(Side::Right), Some(3));
        // The old side's selection is cleared; its focus rests where the block was.
        assert!(t.selected(Side::Left).is_empty());
        assert!(!t.can_move_selected(Side::Left));
        assert_eq!(t.focused(Side::Left), Some(4));
        // Both lists are still in order.
        assert_eq!(t.visible(Side::Left), &[1, 2, 4, 5, 6, 8]);
        assert_eq!(t.visible(Side::Right), &[3, 20, 7, 21, 22, 23]);
        assert!(t.is_dirty());
    }

    #[test]
    fn moving_away_the_last_items_leaves_the_focus_on_the_new_last_one() {
        let mut t = year_1();
        t.click(Side::Left, 8, Modifiers::NONE); // Shah, last on the left
        assert_eq!(t.move_selected(Side::Left), 1);
        assert_eq!(t.focused(Side::Left), Some(7)); // Ellis, now last
        t.move_visible(Side::Left);
        assert_eq!(t.focused(Side::Left), None);
    }

    #[test]
    fn focus_on_an_unselected_item_that_did_not_move_stays() {
        let mut t = year_1();
        t.click(Side::Left, 2, Modifiers::NONE);
        t.click(Side::Left, 5, Modifiers::CTRL);
        t.click(Side::Left, 5, Modifiers::CTRL); // toggled off again: focused but not selected
        assert_eq!(t.selected(Side::Left), &set(&[2]));
        t.move_selected(Side::Left);
        assert_eq!(t.focused(Side::Left), Some(5));
    }

    #[test]
    fn a_moved_item_the_destination_filter_hides_is_not_selected_there() {
        let mut t = year_1();
        t.set_filter(Side::Right, "slt");
        t.click(Side::Left, 1, Modifiers::NONE); // Abbey (SLT)
        t.click(Side::Left, 6, Modifiers::CTRL); // Dunn (Teachers)
        assert_eq!(t.move_selected(Side::Left), 2);
        assert_eq!(t.filter(Side::Right), "slt");
        assert_eq!(t.selected(Side::Right), &set(&[1]));
        assert_eq!(t.focused(Side::Right), Some(1));
        assert!(!t.is_visible(Side::Right, 6));
        assert_eq!(t.side_of(6), Some(Side::Right));
        assert_eq!(t.count_text(Side::Right, &NAMES), "Showing 3 of 6");

        // Moving only hidden-there items leaves the destination with no selection or focus.
        let mut t = year_1();
        t.set_filter(Side::Right, "slt");
        t.click(Side::Left, 6, Modifiers::NONE);
        t.move_selected(Side::Left);
        assert!(t.selected(Side::Right).is_empty());
        assert_eq!(t.focused(Side::Right), None);
    }

    #[test]
    fn narrowing_a_filter_drops_hidden_items_from_the_selection() {
        let mut t = year_1();
        t.select_all_visible(Side::Left);
        assert_eq!(t.selected(Side::Left).len(), 8);
        t.click(Side::Left, 6, Modifiers::CTRL); // focus and anchor on Dunn (Teachers)
        t.click(Side::Left, 6, Modifiers::CTRL);
        t.set_filter(Side::Left, "slt");
        assert_eq!(t.selected(Side::Left), &set(&[1, 2, 3, 4, 5]));
        assert_eq!(t.focused(Side::Left), None);
        // Widening the filter does not bring hidden selections back.
        t.set_filter(Side::Left, "");
        assert_eq!(t.selected(Side::Left), &set(&[1, 2, 3, 4, 5]));
        // And a shift-click with no shown anchor selects just the clicked item.
        t.set_filter(Side::Left, "teach");
        t.click(Side::Left, 7, Modifiers::SHIFT);
        assert_eq!(t.selected(Side::Left), &set(&[7]));
    }

    #[test]
    fn ctrl_click_toggles_and_shift_click_selects_a_shown_range() {
        let mut t = year_1();
        // Left shows 1 Abbey, 2 Alwin, 3 Alwinson, 4 Bristow, 5 Cairns, 6 Dunn, 7 Ellis, 8 Shah.
        t.click(Side::Left, 2, Modifiers::NONE);
        t.click(Side::Left, 5, Modifiers::SHIFT);
        assert_eq!(t.selected(Side::Left), &set(&[2, 3, 4, 5]));
        assert_eq!(t.focused(Side::Left), Some(5));
        // Shift again from the same anchor, the other way, replaces the range.
        t.click(Side::Left, 1, Modifiers::SHIFT);
        assert_eq!(t.selected(Side::Left), &set(&[1, 2]));
        // Ctrl toggles one, and moves the anchor to it.
        t.click(Side::Left, 7, Modifiers::CTRL);
        assert_eq!(t.selected(Side::Left), &set(&[1, 2, 7]));
        t.click(Side::Left, 1, Modifiers::CTRL);
        assert_eq!(t.selected(Side::Left), &set(&[2, 7]));
        // Ctrl+Shift adds the range from the anchor (now Abbey) to the clicked item.
        t.click(Side::Left, 3, Modifiers::CTRL_SHIFT);
        assert_eq!(t.selected(Side::Left), &set(&[1, 2, 3, 7]));
        // A plain click selects only that item.
        t.click(Side::Left, 8, Modifiers::NONE);
        assert_eq!(t.selected(Side::Left), &set(&[8]));
        // Clicking an item the side does not show changes nothing.
        t.click(Side::Left, 20, Modifiers::NONE);
        assert_eq!(t.selected(Side::Left), &set(&[8]));
    }

    #[test]
    fn shift_range_covers_only_the_shown_items() {
        let mut t = year_1();
        t.set_filter(Side::Left, "slt");
        t.click(Side::Left, 1, Modifiers::NONE);
        t.click(Side::Left, 5, Modifiers::SHIFT);
        t.set_filter(Side::Left, "");
        assert_eq!(t.selected(Side::Left), &set(&[1, 2, 3, 4, 5]));
        // "y" shows only Imran Abbey and Priya Shah, first and last of the eight.
        t.set_filter(Side::Left, "y");
        t.click(Side::Left, 1, Modifiers::NONE);
        t.click(Side::Left, 8, Modifiers::SHIFT);
        assert_eq!(t.selected(Side::Left), &set(&[1, 8]));
        t.set_filter(Side::Left, "");
        assert_eq!(t.selected(Side::Left), &set(&[1, 8]));
    }

    #[test]
    fn keyboard_focus_moves_within_bounds() {
        let mut t = year_1();
        // With no focus, Down starts at the top.
        t.focus_step(Side::Right, FocusMove::Down, false);
        assert_eq!(t.focused(Side::Right), Some(20));
        assert_eq!(t.selected(Side::Right), &set(&[20]));
        t.focus_step(Side::Right, FocusMove::Up, false);
        assert_eq!(t.focused(Side::Right), Some(20)); // stays at the top
        t.focus_step(Side::Right, FocusMove::Down, false);
        t.focus_step(Side::Right, FocusMove::Down, false);
        assert_eq!(t.focused(Side::Right), Some(22));
        t.focus_step(Side::Right, FocusMove::End, false);
        assert_eq!(t.focused(Side::Right), Some(23));
        t.focus_step(Side::Right, FocusMove::Down, false);
        assert_eq!(t.focused(Side::Right), Some(23)); // stays at the bottom
        assert_eq!(t.selected(Side::Right), &set(&[23]));
        t.focus_step(Side::Right, FocusMove::Home, false);
        assert_eq!(t.focused(Side::Right), Some(20));

        // Shift+Down extends from the anchor; Shift+Up shrinks back.
        t.focus_step(Side::Right, FocusMove::Down, true);
        t.focus_step(Side::Right, FocusMove::Down, true);
        assert_eq!(t.selected(Side::Right), &set(&[20, 21, 22]));
        t.focus_step(Side::Right, FocusMove::Up, true);
        assert_eq!(t.selected(Side::Right), &set(&[20, 21]));
        assert_eq!(t.focused(Side::Right), Some(21));
        t.focus_step(Side::Right, FocusMove::End, true);
        assert_eq!(t.selected(Side::Right), &set(&[20, 21, 22, 23]));

        // End with no focus goes to the bottom; nothing happens in an empty list.
        let mut t = year_1();
        t.focus_step(Side::Left, FocusMove::End, false);
        assert_eq!(t.focused(Side::Left), Some(8));
        t.set_filter(Side::Left, "zzz");
        assert_eq!(t.focused(Side::Left), None);
        t.focus_step(Side::Left, FocusMove::Down, false);
        assert_eq!(t.focused(Side::Left), None);
        assert!(t.selected(Side::Left).is_empty());
    }

    #[test]
    fn keyboard_focus_walks_the_filtered_list() {
        let mut t = year_1();
        t.set_filter(Side::Left, "teachers");
        t.focus_step(Side::Left, FocusMove::Home, false);
        assert_eq!(t.focused(Side::Left), Some(6));
        t.focus_step(Side::Left, FocusMove::Down, false);
        assert_eq!(t.focused(Side::Left), Some(7));
        t.focus_step(Side::Left, FocusMove::Down, false);
        assert_eq!(t.focused(Side::Left), Some(7));
    }

    #[test]
    fn enter_and_double_click_move_one() {
        let mut t = year_1();
        t.focus_step(Side::Left, FocusMove::Down, false);
        assert!(t.move_focused(Side::Left));
        assert_eq!(t.side_of(1), Some(Side::Right));
        assert_eq!(t.focused(Side::Right), Some(1));
        assert_eq!(t.selected(Side::Right), &set(&[1]));
        // The old side's focus moved on to the next user, so Enter again moves the next.
        assert_eq!(t.focused(Side::Left), Some(2));
        assert!(t.move_focused(Side::Left));
        assert_eq!(t.side_of(2), Some(Side::Right));

        assert!(t.move_one(Side::Right, 22));
        assert_eq!(t.side_of(22), Some(Side::Left));
        // Not on that side, or hidden by its filter: nothing moves.
        assert!(!t.move_one(Side::Right, 22));
        t.set_filter(Side::Left, "slt");
        assert!(!t.move_one(Side::Left, 22));
        assert!(!t.move_one(Side::Left, 999));
        t.set_filter(Side::Left, "zzz");
        assert!(!t.move_focused(Side::Left));
    }

    #[test]
    fn ctrl_a_selects_only_the_shown_items() {
        let mut t = year_1();
        t.set_filter(Side::Left, "teachers");
        t.select_all_visible(Side::Left);
        assert_eq!(t.selected(Side::Left), &set(&[6, 7]));
        assert_eq!(t.move_selected(Side::Left), 2);
        assert_eq!(t.selected(Side::Right), &set(&[6, 7]));
        t.clear_selection(Side::Right);
        assert!(!t.can_move_selected(Side::Right));
    }

    #[test]
    fn tooltips_name_the_destination_and_buttons_disable_when_idle() {
        let mut t = year_1();
        assert_eq!(
            t.move_selected_tooltip(Side::Left, &NAMES),
            "Move selected to can see"
        );
        assert_eq!(
            t.move_selected_tooltip(Side::Right, &NAMES),
            "Move selected to cannot see"
        );
        assert_eq!(
            t.move_visible_tooltip(Side::Left, &NAMES),
            "Move all 8 to can see"
        );
        t.set_filter(Side::Left, "officer");
        assert_eq!(
            t.move_visible_tooltip(Side::Left, &NAMES),
            "Move the 1 shown to can see"
        );
        t.set_filter(Side::Left, "zzz");
        assert!(!t.can_move_visible(Side::Left));
        assert!(!t.can_move_selected(Side::Left));
        assert_eq!(
            t.move_visible_tooltip(Side::Left, &NAMES),
            "Nothing to move to can see"
        );
        assert_eq!(t.move_visible(Side::Left), 0);
        assert_eq!(t.move_selected(Side::Left), 0);
        assert!(!t.is_dirty());

        let t = Transfer::new(vec![item(1, "A", "One", "SLT")], [1]);
        assert_eq!(
            t.move_visible_tooltip(Side::Right, &NAMES),
            "Move the 1 user to cannot see"
        );
        assert_eq!(Side::Left.other(), Side::Right);
        assert_eq!(Side::Right.other(), Side::Left);
    }

    #[test]
    fn dirty_added_removed_reset_and_saved() {
        let mut t = year_1();
        assert!(!t.is_dirty());
        t.click(Side::Left, 5, Modifiers::NONE);
        t.move_selected(Side::Left);
        t.click(Side::Right, 21, Modifiers::NONE);
        t.click(Side::Right, 22, Modifiers::CTRL);
        t.move_selected(Side::Right);
        assert!(t.is_dirty());
        assert_eq!(t.added(), [5]);
        assert_eq!(t.removed(), [21, 22]);
        assert_eq!(t.right_keys(), set(&[5, 20, 23]));

        // Moving one back undoes that part; the other changes still count.
        assert!(t.move_one(Side::Right, 5));
        assert_eq!(t.added(), Vec::<u32>::new());
        assert!(t.is_dirty());
        assert!(t.move_one(Side::Left, 21));
        assert!(t.move_one(Side::Left, 22));
        assert!(!t.is_dirty());

        // Reset puts everyone back, keeps the filters and clears the selections.
        t.set_filter(Side::Left, "slt");
        t.move_visible(Side::Left);
        assert!(t.is_dirty());
        t.reset();
        assert!(!t.is_dirty());
        assert_eq!(t.right_keys(), set(&[20, 21, 22, 23]));
        assert_eq!(t.filter(Side::Left), "slt");
        assert_eq!(t.visible(Side::Left), &[1, 2, 3, 4, 5]);
        assert!(t.selected(Side::Left).is_empty());
        assert!(t.selected(Side::Right).is_empty());

        // After saving, the new state is the clean one.
        t.move_visible(Side::Left);
        t.mark_saved();
        assert!(!t.is_dirty());
        assert!(t.added().is_empty());
        t.reset();
        assert_eq!(t.right_keys(), set(&[1, 2, 3, 4, 5, 20, 21, 22, 23]));
    }

    #[test]
    fn reset_reapplies_filters_to_items_that_went_back() {
        let mut t = year_1();
        t.set_filter(Side::Right, "teachers");
        t.move_one(Side::Left, 1); // Abbey (SLT): hidden on the right by "teachers"
        assert!(!t.is_visible(Side::Right, 1));
        t.set_filter(Side::Left, "abbey");
        t.reset();
        assert_eq!(t.visible(Side::Left), &[1]);
        assert_eq!(t.visible(Side::Right), &[22]);
    }
}
