//! Spreading statuses along the dependency graph (docs/semantics.md, "Dependencies").
//!
//! A service's effective status is the worst of its own status and what each
//! dependency passes on: a hard edge passes the dependency's *effective*
//! status unchanged, a soft edge at most `warning`. Alongside, every service
//! learns its root causes — the services whose *own* status produced its
//! effective status — so the UI can say "impacted by consul" rather than
//! colouring half the diagram red without a hint.
//!
//! Passing only ever copies or lowers a status that some service owns, so no
//! service ends up worse than the worst own status, and none better than its
//! own; the property tests check both.

use std::collections::BTreeSet;

use panopticon_core::Status;

use crate::config::Strength;

/// The graph's verdict for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Propagated {
    /// Worst of own and inherited.
    pub effective: Status,
    /// Indices of the services whose own status explains `effective`
    /// (including this one when its own status does); empty when healthy.
    pub root_causes: BTreeSet<usize>,
}

/// Propagates `own` statuses over `deps` (for each service, the indices it
/// depends on and how). Expects an acyclic graph, as [`crate::Config`]
/// guarantees; an edge that would close a cycle is ignored rather than
/// looping, and an index out of range is skipped.
pub fn propagate(own: &[Status], deps: &[Vec<(usize, Strength)>]) -> Vec<Propagated> {
    let mut memo: Vec<Option<Propagated>> = vec![None; own.len()];
    let mut on_path = vec![false; own.len()];
    for i in 0..own.len() {
        visit(i, own, deps, &mut memo, &mut on_path);
    }
    memo.into_iter()
        .enumerate()
        .map(|(i, p)| {
            p.unwrap_or_else(|| Propagated {
                effective: own[i],
                root_causes: BTreeSet::new(),
            })
        })
        .collect()
}

fn visit(
    i: usize,
    own: &[Status],
    deps: &[Vec<(usize, Strength)>],
    memo: &mut Vec<Option<Propagated>>,
    on_path: &mut Vec<bool>,
) {
    if memo[i].is_some() || on_path[i] {
        return;
    }
    on_path[i] = true;
    // (status passed on, services that caused it)
    // Sets built by inserting, not `BTreeSet::from`/`collect`: those sort
    // their input first, and that sort was a copy of the standard one in the
    // bundle for this function alone.
    let mut itself = BTreeSet::new();
    itself.insert(i);
    let mut contributions: Vec<(Status, BTreeSet<usize>)> = vec![(own[i], itself)];
    for &(d, strength) in deps.get(i).map_or(&[][..], Vec::as_slice) {
        if d >= own.len() {
            continue;
        }
        visit(d, own, deps, memo, on_path);
        if let Some(dep) = &memo[d] {
            contributions.push((strength.pass(dep.effective), dep.root_causes.clone()));
        }
    }
    on_path[i] = false;
    let effective = contributions
        .iter()
        .map(|(s, _)| *s)
        .max()
        .unwrap_or(own[i]);
    let mut root_causes = BTreeSet::new();
    if effective != Status::Healthy {
        for (_, causes) in contributions.into_iter().filter(|(s, _)| *s == effective) {
            root_causes.extend(causes);
        }
    }
    memo[i] = Some(Propagated {
        effective,
        root_causes,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};
    use Strength::{Hard, Soft};
    use proptest::prelude::*;

    // The reference cluster: 0 host, 1 consul, 2 gluster, 3 weave, 4 swarm, 5 app.
    fn reference() -> Vec<Vec<(usize, Strength)>> {
        vec![
            vec![],
            vec![(0, Hard)],
            vec![(0, Hard)],
            vec![(0, Hard), (1, Soft)],
            vec![(0, Hard), (1, Hard)],
            vec![(0, Hard), (1, Soft), (2, Hard), (3, Hard)],
        ]
    }

    fn check(own: [Status; 6], effective: [Status; 6], causes: [&[usize]; 6]) {
        let got = propagate(&own, &reference());
        for i in 0..6 {
            assert_eq!(
                got[i].effective, effective[i],
                "service {i} with own {own:?}"
            );
            let want: BTreeSet<usize> = causes[i].iter().copied().collect();
            assert_eq!(got[i].root_causes, want, "causes of {i} with own {own:?}");
        }
    }

    #[test]
    fn spec_section_5_scenarios() {
        // All healthy.
        check([H; 6], [H; 6], [&[]; 6]);
        // Consul critical: Swarm critical (hard), Weave and the app at most warning (soft).
        check(
            [H, C, H, H, H, H],
            [H, C, H, W, C, W],
            [&[], &[1], &[], &[1], &[1], &[1]],
        );
        // Consul warning drags its dependants into warning.
        check(
            [H, W, H, H, H, H],
            [H, W, H, W, W, W],
            [&[], &[1], &[], &[1], &[1], &[1]],
        );
        // GlusterFS critical: the application is critical.
        check(
            [H, H, C, H, H, H],
            [H, H, C, H, H, C],
            [&[], &[], &[2], &[], &[], &[2]],
        );
        // Weave critical: containers cannot talk.
        check(
            [H, H, H, C, H, H],
            [H, H, H, C, H, C],
            [&[], &[], &[], &[3], &[], &[3]],
        );
        // Host critical drags every service on it.
        check([C, H, H, H, H, H], [C; 6], [&[0]; 6]);
        // Two faults of the same weight are both root causes of the app.
        check(
            [H, H, C, C, H, H],
            [H, H, C, C, H, C],
            [&[], &[], &[2], &[3], &[], &[2, 3]],
        );
        // A service failing itself is its own root cause; a milder own status is not.
        check(
            [H, C, H, W, H, W],
            [H, C, H, W, C, W],
            [&[], &[1], &[], &[1, 3], &[1], &[1, 3, 5]],
        );
        // Unknown passes through hard edges and is not raised by soft ones.
        check(
            [H, U, H, H, H, H],
            [H, U, H, U, U, U],
            [&[], &[1], &[], &[1], &[1], &[1]],
        );
    }

    #[test]
    fn cycles_and_bad_indices_do_not_hang_or_panic() {
        let deps = vec![vec![(1, Hard)], vec![(0, Hard), (7, Hard)]];
        let own = [C, H];
        let got = propagate(&own, &deps);
        // The edge that closes the cycle is ignored; nothing gets better than its own.
        assert_eq!(got[0].effective, C);
        assert!(got[1].effective >= own[1]);
    }

    fn status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }

    /// Random DAGs: service i may depend only on services j < i.
    fn dag() -> impl Strategy<Value = (Vec<Status>, Vec<Vec<(usize, Strength)>>)> {
        (1usize..12).prop_flat_map(|n| {
            let own = prop::collection::vec(status(), n);
            let deps = (0..n)
                .map(|i| {
                    prop::collection::vec(
                        (0..i.max(1), prop::bool::ANY)
                            .prop_map(|(j, hard)| (j, if hard { Hard } else { Soft })),
                        0..=i.min(4),
                    )
                    .prop_map(move |edges| edges.into_iter().filter(|&(j, _)| j < i).collect())
                })
                .collect::<Vec<_>>();
            (own, deps)
        })
    }

    proptest! {
        #[test]
        fn never_better_than_own_and_cluster_is_worst_own((own, deps) in dag()) {
            let got = propagate(&own, &deps);
            for (i, p) in got.iter().enumerate() {
                prop_assert!(p.effective >= own[i]);
                prop_assert_eq!(p.root_causes.is_empty(), p.effective == Status::Healthy);
                for &r in &p.root_causes {
                    // Edges only copy or lower, so a root cause owns at least the level.
                    prop_assert!(own[r] >= p.effective);
                }
            }
            let worst_effective = got.iter().map(|p| p.effective).max();
            let worst_own = own.iter().copied().max();
            prop_assert_eq!(worst_effective, worst_own);
        }
    }
}
