//! Components shared by pages.

pub mod api_card;
pub mod layout;
pub mod problem;
pub mod table;
