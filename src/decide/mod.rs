//! The decision: one core that answers "may this user, acting for this account, see and buy
//! this SKU, at what price", and the calls built on it, each with its answer types.
//!
//! - `core`: the one decision (SEMANTICS R1-R8) and the `Recorder` it is generic over;
//!   `entitlement` (E), `visibility` (V), `select` (P, W, Q) and `tiers` (T) are its steps.
//! - `explain`: the recorder that keeps every rule and candidate met, for `resolve`, the price
//!   sheet and orders; `Lean` (in `core`) keeps nothing, for `quote` and `quote_sheet`.
//! - The calls: `resolve`, `quote`, `sheet`, `order` (with `approval`), `payment`, `guest`
//!   (the same decision for a visitor not signed in), and the
//!   answer types in `resolution`; `handle`: the same `quote` and `resolve` by integer handles.
//!
//! May import `model`, `format` and the leaf modules; never `govern`.

pub(crate) mod approval;
pub(crate) mod audience;
pub(crate) mod core;
pub(crate) mod entitlement;
pub(crate) mod explain;
pub(crate) mod guest;
pub(crate) mod handle;
pub(crate) mod order;
pub(crate) mod payment;
pub(crate) mod quote;
pub(crate) mod reference;
pub(crate) mod resolution;
pub(crate) mod resolve;
pub(crate) mod select;
pub(crate) mod sheet;
pub(crate) mod tiers;
pub(crate) mod visibility;
