//! Building blocks shared by every screen, so forms, messages and buttons look and behave the
//! same everywhere.

pub mod bar_chart;
pub mod dual_list;
pub mod focus;
pub mod form;
pub mod header;
pub mod keys_first;
pub mod people_chooser;
pub mod permission_grid;
pub mod status;
pub mod tri_state;
pub mod virtual_list;
