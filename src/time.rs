//! Validity windows. The core never reads a clock: every query carries the instant `at` it asks
//! about, and windows are half-open `[from, until)` so that one window can end exactly where the
//! next begins without both applying at the boundary instant.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A half-open validity window `[from, until)`; a missing bound is open.
///
/// ```
/// use tradeterms::{Timestamp, Window};
/// let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
/// let until: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
/// let w = Window { from: Some(from), until: Some(until) };
/// assert!(w.contains(from));
/// assert!(!w.contains(until));
/// assert!(Window::ALWAYS.contains(until));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First instant at which the thing is valid (inclusive); `None` means since always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Timestamp>,
    /// First instant at which it is no longer valid (exclusive); `None` means forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
}

impl Window {
    /// The window that is always open.
    pub const ALWAYS: Window = Window {
        from: None,
        until: None,
    };

    /// Whether `at` lies inside the window.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from.is_none_or(|from| from <= at) && self.until.is_none_or(|until| at < until)
    }

    /// Whether the window is well formed: its end is strictly after its start.
    pub fn is_well_formed(&self) -> bool {
        match (self.from, self.until) {
            (Some(from), Some(until)) => from < until,
            _ => true,
        }
    }

    /// Whether two windows share at least one instant.
    pub fn overlaps(&self, other: &Window) -> bool {
        let starts_before_other_ends = match (self.from, other.until) {
            (Some(from), Some(until)) => from < until,
            _ => true,
        };
        let other_starts_before_self_ends = match (other.from, self.until) {
            (Some(from), Some(until)) => from < until,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_self_ends
    }

    /// Whether `at` is before the window opens (as opposed to after it closed).
    pub fn is_before(&self, at: Timestamp) -> bool {
        self.from.is_some_and(|from| at < from)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.from {
            Some(from) => write!(f, "[{from}, ")?,
            None => f.write_str("[-inf, ")?,
        }
        match self.until {
            Some(until) => write!(f, "{until})"),
            None => f.write_str("+inf)"),
        }
    }
}
