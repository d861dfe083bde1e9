//! Who may read and write what. Pure functions over the unit tree, so the rules are tested
//! without a database and applied the same on push and on pull.
//!
//! A user reads and writes what belongs to their own unit; a supervisor (and an admin)
//! also what belongs to units below theirs; an assignee also the tasks assigned to them.

use std::collections::HashMap;

use luring_model::Role;

/// The unit tree: child code → parent code.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    parent: HashMap<String, Option<String>>,
}

impl UnitTree {
    pub fn new(units: impl IntoIterator<Item = (String, Option<String>)>) -> Self {
        Self {
            parent: units.into_iter().collect(),
        }
    }

    pub fn contains(&self, code: &str) -> bool {
        self.parent.contains_key(code)
    }

    /// Whether `unit` is `ancestor` or below it.
    pub fn is_within(&self, unit: &str, ancestor: &str) -> bool {
        let mut cur = Some(unit.to_owned());
        // The tree is small; the step bound guards against a cycle in bad data.
        for _ in 0..64 {
            match cur {
                Some(c) if c == ancestor => return true,
                Some(c) => cur = self.parent.get(&c).cloned().flatten(),
                None => return false,
            }
        }
        false
    }
}

/// The user asking, as far as access is concerned.
#[derive(Debug, Clone)]
pub struct Subject {
    pub nip: String,
    pub unit: String,
    pub role: Role,
}

/// Whether `who` may read and write an entity of `unit` with `assignees`.
pub fn may_access(tree: &UnitTree, who: &Subject, unit: &str, assignees: &[String]) -> bool {
    if unit == who.unit {
        return true;
    }
    if matches!(who.role, Role::Supervisor | Role::Admin) && tree.is_within(unit, &who.unit) {
        return true;
    }
    assignees.iter().any(|a| a == &who.nip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> UnitTree {
        UnitTree::new([
            ("DINAS".to_owned(), None),
            ("BID-A".to_owned(), Some("DINAS".to_owned())),
            ("SEKSI-A1".to_owned(), Some("BID-A".to_owned())),
            ("BID-B".to_owned(), Some("DINAS".to_owned())),
        ])
    }

    fn who(unit: &str, role: Role) -> Subject {
        Subject {
            nip: "198703122010011002".into(),
            unit: unit.into(),
            role,
        }
    }

    #[test]
    fn rules() {
        let t = tree();
        assert!(may_access(&t, &who("BID-A", Role::Staff), "BID-A", &[]));
        assert!(!may_access(&t, &who("BID-A", Role::Staff), "SEKSI-A1", &[]));
        assert!(may_access(
            &t,
            &who("BID-A", Role::Supervisor),
            "SEKSI-A1",
            &[]
        ));
        assert!(!may_access(
            &t,
            &who("BID-A", Role::Supervisor),
            "BID-B",
            &[]
        ));
        assert!(!may_access(
            &t,
            &who("SEKSI-A1", Role::Supervisor),
            "BID-A",
            &[]
        ));
        assert!(may_access(
            &t,
            &who("BID-B", Role::Staff),
            "BID-A",
            &["198703122010011002".into()]
        ));
    }
}
