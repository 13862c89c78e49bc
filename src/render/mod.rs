//! Turning figures into text: amounts the Danish or English way, aligned tables, CSV, JSON.

mod number;
mod table;

pub use number::{format_value, Locale};
pub use table::{csv, Table};
