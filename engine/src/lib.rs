//! The takst engine: evaluates a checked rule file against inputs, with
//! exact decimals, and explains every figure.
//!
//! ```
//! # struct NoBases;
//! # impl dsl::Loader for NoBases {
//! #     fn load(&self, n: &str, _: &str) -> Result<(String, Vec<u8>), String> { Err(n.into()) }
//! # }
//! let text = "agreement \"Example\"\n\
//!             input cost: money\n\
//!             input places: number\n\
//!             define tariff_per_day = round(cost / places / 365 days)\n\
//!             part tariff: tariff_per_day";
//! let program = dsl::check("example.takst", text, &NoBases).unwrap();
//! let mut inputs = engine::Inputs::new(&program);
//! inputs.read(&program, "offer.toml", "cost = 36_500_000\nplaces = 100").unwrap();
//! let part = program.part("tariff").unwrap();
//! let result = engine::run(&program, part, &inputs).unwrap();
//! let slot = program.slot_id("tariff_per_day").unwrap();
//! assert_eq!(result.values[slot as usize], engine::Value::Number(1000.into()));
//! ```

pub mod allocation;
pub mod budget;
mod builtins;
pub mod calendar;
mod compile;
mod compiled;
mod error;
mod eval;
pub mod examples;
mod fast;
mod filter;
mod formula;
pub mod gathered;
mod general;
mod grouping;
mod guards;
mod inputs;
mod jumps;
mod lazy;
mod machine;
mod operations;
mod order;
mod quotient;
pub mod reserves;
mod spare;
mod stores;
mod trace;
mod value;

pub use error::EvalError;
pub use eval::{run, run_all, Evaluation, Evaluator};
pub use formula::show_key;
pub use gathered::Gathering;
pub use general::{evaluate, message_figures, Finding};
pub use inputs::{column_example, example_of, Columns, Decimals, Inputs, RowNumbers, NAME_FIELD};
pub use trace::{trace, Step, Trace};
pub use value::{Key, Series, Table, Value};
