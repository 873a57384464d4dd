//! Governance: how the model changes and who answers for it. Changesets and their three apply
//! paths, the change log, rollback and replay (`changeset`), the impact preview of a change
//! (`impact`), the configuration lint (`lint`) and the [`Engine`](crate::Engine) that publishes
//! snapshots to concurrent readers (`engine`).
//!
//! May import every layer below it: `decide`, `model`, `format` and the leaf modules.

pub(crate) mod changeset;
pub(crate) mod engine;
pub(crate) mod impact;
pub(crate) mod lint;
