#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod access;
mod account;
mod catalog;
pub mod dataset;
pub mod error;
pub mod id;
pub mod money;
mod pricing;
pub mod resolution;
mod scope;
mod snapshot;
pub mod time;

pub use account::MAX_DEPTH;
pub use dataset::{
    AccountData, AdjustmentData, AssignmentData, AttrValue, Attributes, Dataset, EntryData,
    Inheritance, MembershipData, Permission, PriceListData, PricePolicy, Reach, RelativeData,
    RoleData, Scope, SegmentData, SkuData, TierData, TierMode, UserData,
};
pub use error::{BuildError, BuildProblem, EntityKind, ResolveError};
pub use id::{AccountId, AssignmentId, PriceListId, RoleName, SegmentId, Sku, UserId};
pub use jiff::Timestamp;
pub use money::{Currency, ROUNDING};
pub use resolution::{
    Access, Adjustment, Candidate, CandidateStatus, Grant, Outcome, Price, Priced, Query,
    QuoteRequired, Refusal, Resolution, Source, Specificity, TierSlice, WindowOf,
};
pub use rust_decimal::Decimal;
pub use snapshot::Snapshot;
pub use time::Window;
