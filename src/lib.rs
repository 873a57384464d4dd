#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// No panics in the library: every bad input is a typed error (tests may unwrap; see clippy.toml).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented,
    clippy::fallible_impl_from,
    clippy::arithmetic_side_effects
)]

mod access;
mod account;
mod approval;
mod catalog;
mod changeset;
pub mod dataset;
mod engine;
pub mod error;
mod experiment;
pub mod generate;
pub mod id;
mod impact;
mod lint;
pub mod money;
mod order;
mod payment;
mod predicate;
mod pricing;
mod quote;
pub mod resolution;
mod resolve;
mod scope;
mod segment;
mod sheet;
mod snapshot;
pub mod time;
mod validate;
mod visibility;

pub use account::MAX_DEPTH;
pub use changeset::{ApplyError, Changeset, Entity, EntityRef, LogEntry, Op};
pub use dataset::{
    AccountData, AdjustmentData, ApprovalPolicyData, Approvers, AssignmentData, AttrCmp, AttrIn,
    AttrValue, Attributes, CatalogMode, Dataset, Effect, EntryData, Inheritance, MembershipData,
    OrderCondition, PaymentRuleData, PaymentTerms, Permission, Predicate, PriceListData,
    PricePolicy, QuantityRule, Reach, RelativeData, RoleData, Scope, SegmentData, SkuData, Target,
    TierData, TierMode, UserData, VisibilityRuleData,
};
pub use engine::Engine;
pub use error::{BuildError, BuildProblem, EntityKind, ResolveError};
pub use experiment::{Arm, Cohorts, ExperimentArm, ExperimentData};
pub use id::{AccountId, AssignmentId, PriceListId, RoleName, SegmentId, Sku, UserId};
pub use impact::{
    AnswerSummary, ApprovalChange, Impact, ImpactChange, ImpactOptions, PreviewError, PriceMove,
};
pub use jiff::Timestamp;
pub use lint::{Warning, WarningKind};
pub use money::{Currency, ROUNDING};
pub use order::{
    Approval, ApprovalStatus, ApprovalStep, Blocker, LeadTimeBreach, LineAnswer, Money, Order,
    OrderAnswer, OrderLine, QuantitySource, QuantityViolation,
};
pub use quote::{Quote, QuoteOutcome, QuoteSheet};
pub use resolution::{
    Access, Adjustment, Candidate, CandidateStatus, Decided, Grant, Outcome, Payment,
    PaymentOptions, Price, Priced, Query, QuoteReason, QuoteRequired, Refusal, Resolution, RuleRef,
    Source, Specificity, TierSlice, Visibility, WindowOf,
};
pub use rust_decimal::Decimal;
pub use sheet::{PriceSheet, SheetLine};
pub use snapshot::Snapshot;
pub use time::Window;
