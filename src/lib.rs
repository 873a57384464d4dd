#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// The lint wall lives in Cargo.toml's [lints]; unsafe code is forbidden here outright (the
// benches and the memory example use it for a counting allocator, so the manifest only denies
// it). No panics in the library: every bad input is a typed error.

// The layers, each importing only from the ones listed after it (checked by `tests/layers.rs`):
// govern -> decide -> model -> format -> the leaf modules (id, money, time, error, country).
mod country;
mod decide;
mod error;
mod format;
#[cfg(feature = "generate")]
pub mod generate;
mod govern;
mod id;
mod model;
mod money;
mod quantity;
mod time;

pub use country::{Country, UnknownCountry};
pub use decide::audience::Audience;
pub use decide::guest::{GuestQuery, GuestResolution, GuestSheet};
pub use decide::handle::{AccountHandle, HandleQuery, SkuHandle, UserHandle};
pub use decide::order::answer::{
    Approval, ApprovalStatus, ApprovalStep, Blocker, LeadTimeBreach, LineAnswer, Order,
    OrderAnswer, OrderLine, QuantitySource, QuantityViolation,
};
pub use decide::quote::{Quote, QuoteOutcome, QuoteSheet};
pub use decide::resolution::{
    Access, Adjustment, Candidate, CandidateStatus, Context, Decided, Grant, MarginCheck,
    MarginStatus, NoReference, Outcome, OverriddenRule, OverrideReason, Payment, PaymentOptions,
    Price, Priced, Query, QueryRef, QuoteReason, QuoteRequired, Reference, ReferencePrice, Refusal,
    Resolution, RuleRef, Source, Specificity, TierSlice, Visibility, WindowOf,
};
pub use decide::sheet::{PriceSheet, SheetLine};
pub use error::{BuildError, BuildProblem, EntityKind, ResolveError};
pub use format::Dataset;
pub use format::access::{MembershipData, Permission, Reach, RoleData, UserData};
pub use format::account::{AccountData, CatalogMode, Inheritance, PriceFallback, PricePolicy};
pub use format::approval::{ApprovalPolicyData, Approvers, OrderCondition};
pub use format::catalog::{QuantityRule, SkuData, UnitData};
pub use format::changeset::{Changeset, Entity, EntityRef, LogEntry, Op};
pub use format::channel::ChannelData;
pub use format::experiment::ExperimentData;
pub use format::json::FormatError;
pub use format::payment::{PaymentRuleData, PaymentTerms};
pub use format::predicate::{AttrCmp, AttrIn, AttrValue, Attributes, Predicate};
pub use format::pricing::{
    AdjustmentData, AssignmentData, EntryData, MarginMode, PriceListData, RelativeData, TierData,
    TierMode,
};
pub use format::reference::ReferenceListData;
pub use format::scope::Scope;
pub use format::segment::SegmentData;
pub use format::visibility::{Effect, Target, VisibilityRuleData};
pub use govern::changeset::ApplyError;
pub use govern::engine::Engine;
pub use govern::impact::answer::{
    AnswerSummary, ApprovalChange, Impact, ImpactChange, ImpactOptions, Prepared, PreviewError,
    PriceMove,
};
pub use govern::lint::{MAX_WARNINGS, Warning, WarningKind};
pub use id::{
    AccountId, AssignmentId, ChannelId, IdFault, MAX_ID_BYTES, PriceListId, RoleName, SegmentId,
    Sku, UnitId, UserId,
};
pub use jiff::Timestamp;
pub use model::account::MAX_DEPTH;
pub use model::experiment::{Arm, Cohorts, ExperimentArm};
pub use model::snapshot::Snapshot;
pub use money::{Currency, Money, ROUNDING, UnknownCurrency};
pub use quantity::{InvalidQuantity, Quantity};
pub use rust_decimal::Decimal;
pub use time::Window;
