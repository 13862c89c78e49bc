//! Turning figures into text: amounts the Danish or English way, aligned tables, CSV, JSON.

mod matrix;
mod number;
mod table;

pub use matrix::matrix;
pub use number::{format_value, Locale};
pub use table::{csv, Table};
