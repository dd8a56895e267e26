//! The library's domain words as types: a statement's status and a
//! claim's state, parsed once (from the database or the user) and compared
//! as values, never as strings. Their text forms are the schema's.

use serde::{Deserialize, Serialize};

/// Where a statement is in its life: a draft may be recomputed; a final
/// one is sealed and never changes; a superseded one was restated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum StatementStatus {
    Draft,
    Final,
    Superseded,
}

impl StatementStatus {
    pub const ALL: [StatementStatus; 3] = [Self::Draft, Self::Final, Self::Superseded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Final => "final",
            Self::Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A credit claim's state. eligible -> claimed -> applied, or forfeited or
/// disputed on the way; the schema's trigger allows exactly [`ClaimState::moves`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ClaimState {
    /// Every claim starts here.
    #[default]
    Eligible,
    Claimed,
    Applied,
    Forfeited,
    Disputed,
}

impl ClaimState {
    pub const ALL: [ClaimState; 5] = [
        Self::Eligible,
        Self::Claimed,
        Self::Applied,
        Self::Forfeited,
        Self::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eligible => "eligible",
            Self::Claimed => "claimed",
            Self::Applied => "applied",
            Self::Forfeited => "forfeited",
            Self::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The states a claim in this state may move to (none once closed).
    pub fn moves(self) -> &'static [ClaimState] {
        match self {
            Self::Eligible => &[Self::Claimed, Self::Disputed, Self::Forfeited],
            Self::Claimed => &[Self::Applied, Self::Disputed],
            Self::Disputed => &[Self::Claimed, Self::Applied, Self::Forfeited],
            Self::Applied | Self::Forfeited => &[],
        }
    }

    pub fn can_become(self, to: ClaimState) -> bool {
        self.moves().contains(&to)
    }

    /// Still to be acted on (eligible, claimed, disputed).
    pub fn is_open(self) -> bool {
        !self.moves().is_empty()
    }
}

pub use sla_engine::terms::Direction;

macro_rules! text_enum {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(StatementStatus);
text_enum!(ClaimState);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_moves_are_the_schemas() {
        use ClaimState::*;
        let edges: Vec<(&str, &str)> = ClaimState::ALL
            .iter()
            .flat_map(|a| a.moves().iter().map(move |b| (a.as_str(), b.as_str())))
            .collect();
        assert_eq!(
            edges,
            vec![
                ("eligible", "claimed"),
                ("eligible", "disputed"),
                ("eligible", "forfeited"),
                ("claimed", "applied"),
                ("claimed", "disputed"),
                ("disputed", "claimed"),
                ("disputed", "applied"),
                ("disputed", "forfeited"),
            ]
        );
        assert!(!Applied.is_open() && !Forfeited.is_open() && Disputed.is_open());
        assert_eq!(ClaimState::parse("claimed"), Some(Claimed));
        assert_eq!(ClaimState::parse("Claimed"), None);
        assert_eq!(serde_json::to_string(&Eligible).unwrap(), "\"eligible\"");
        assert_eq!(
            StatementStatus::parse("final"),
            Some(StatementStatus::Final)
        );
    }
}
