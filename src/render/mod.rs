//! Turning figures into text: amounts the Danish or English way, aligned tables, CSV, JSON,
//! and the HTML page and charts of a report.

pub mod charts;
pub mod html;
mod matrix;
mod number;
mod table;

pub use matrix::matrix;
pub use number::{format_value, Locale};
pub use table::{csv, Table};
