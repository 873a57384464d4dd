//! The decision: one core that answers "may this user, acting for this account, see and buy
//! this SKU, at what price", and the calls built on it, each with its answer types.
//!
//! `resolve`, `quote`, the price sheets, `resolve_order` and `payment` all go through the same
//! core; they differ only in what they ask it to record.
//!
//! May import `model`, `format` and the leaf modules; never `govern`.

pub(crate) mod order;
pub(crate) mod quote;
pub(crate) mod resolution;
pub(crate) mod resolve;
pub(crate) mod sheet;
