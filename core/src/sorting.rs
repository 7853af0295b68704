//! Stable sorting through one small sort compiled once.
//!
//! Every `slice::sort_by` on another element type or comparator compiles its
//! own copy of the standard sort (driftsort with its quicksort, small-sort and
//! merge helpers: about eight functions, several KB of wasm each time). In the
//! release bundle that was 153 functions and 76 KB of code before
//! optimisation, for fewer than twenty sorts of a few hundred or thousand
//! elements. Here the sort runs on a permutation of indices with the
//! comparator behind `dyn`, so it is compiled once; what is left per element
//! type is moving the elements into the found order, which is a few lines.
//! The sort itself is a plain merge sort rather than one more copy of the
//! standard one (which the layout's own index sorts also were): stable sorts
//! agree element for element, so the result is the one `slice::sort_by` gives.
//!
//! The price is an allocation and an indirect call per comparison, which is
//! nothing for the lists sorted per refresh (reasons, verdicts, transitions)
//! or once per layout (edge ends, wrapped rows). Hot inner loops (the
//! layout's crossing reduction) keep `slice::sort_by`.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their order (like
/// `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    permute(items, &mut order);
}

/// Sorts `items` by the key `key` gives, stably (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, stably (like `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, Ord::cmp);
}

/// Sorts indices stably by `compare` (like `slice::sort_by`): the one sort
/// every other function here (and the layout's once-per-layout sorts) goes
/// through. Kept out of line so the compiler cannot copy it into each caller.
#[inline(never)]
pub fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    merge_sort_by(order, &mut Vec::new(), |&a, &b| {
        compare(a, b) == Ordering::Less
    });
}

/// Sorts `v` stably by `less` (a strict "goes before"), like `slice::sort_by`
/// with the matching comparator: a merge sort small enough to be compiled
/// once per element type where a hot loop cannot afford [`sort_indices`]'
/// indirection (the layout's crossing reduction), instead of one more copy
/// of the standard sort (5–8 KB of wasm each). `scratch` is working space
/// (its contents are overwritten), so a caller sorting many times can keep
/// one and allocate once.
pub fn merge_sort_by<T: Copy>(
    v: &mut [T],
    scratch: &mut Vec<T>,
    mut less: impl FnMut(&T, &T) -> bool,
) {
    merge_sort(v, scratch, &mut less);
}

/// Runs this short are sorted by insertion.
const INSERTION_MAX: usize = 12;

/// Top-down merge sort of `v`; `scratch` holds a copy of the left half while
/// merging. An element moves before another only when strictly less, so the
/// sort is stable.
fn merge_sort<T: Copy>(v: &mut [T], scratch: &mut Vec<T>, less: &mut impl FnMut(&T, &T) -> bool) {
    let len = v.len();
    if len <= INSERTION_MAX {
        for i in 1..len {
            let x = v[i];
            let mut j = i;
            while j > 0 && less(&x, &v[j - 1]) {
                v[j] = v[j - 1];
                j -= 1;
            }
            v[j] = x;
        }
        return;
    }
    let mid = len / 2;
    merge_sort(&mut v[..mid], scratch, less);
    merge_sort(&mut v[mid..], scratch, less);
    if !less(&v[mid], &v[mid - 1]) {
        return;
    }
    scratch.clear();
    scratch.extend_from_slice(&v[..mid]);
    let (mut left, mut right, mut out) = (0, mid, 0);
    while left < mid && right < len {
        if less(&v[right], &scratch[left]) {
            v[out] = v[right];
            right += 1;
        } else {
            v[out] = scratch[left];
            left += 1;
        }
        out += 1;
    }
    // What is left of the right half is already in place.
    v[out..out + mid - left].copy_from_slice(&scratch[left..mid]);
}

/// Moves the elements into the order `order` names (a permutation of
/// `0..items.len()`: position `k` gets the element at `order[k]`), in place
/// by following each cycle of the permutation with swaps; `order` is used up
/// (each entry is set to its own index once its position is filled). Only
/// swaps are generic, so the copy per element type stays small.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The same permutation as the standard stable sort, at every length
        /// around the insertion and merge boundaries and beyond.
        #[test]
        fn sort_indices_agrees_with_the_standard_stable_sort(keys in proptest::collection::vec(0u8..8, 0..300)) {
            let mut expected: Vec<usize> = (0..keys.len()).collect();
            expected.sort_by_key(|&i| keys[i]);
            let mut got: Vec<usize> = (0..keys.len()).collect();
            sort_indices(&mut got, &mut |a, b| keys[a].cmp(&keys[b]));
            prop_assert_eq!(got, expected);
        }

        /// Float keys with ties, NaNs and signed zeros, by `total_cmp` as the
        /// layout sorts its rows: the same order as the standard stable sort.
        #[test]
        fn merge_sort_by_agrees_with_the_standard_stable_sort(
            keys in proptest::collection::vec(prop_oneof![
                (0u8..6).prop_map(f64::from),
                Just(f64::NAN),
                Just(-0.0),
                Just(0.0),
                Just(f64::INFINITY),
            ], 0..300)
        ) {
            let items: Vec<(f64, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let mut expected = items.clone();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut got = items;
            merge_sort_by(&mut got, &mut Vec::new(), |a, b| a.0.total_cmp(&b.0) == Ordering::Less);
            let bits = |v: &[(f64, usize)]| v.iter().map(|&(k, i)| (k.to_bits(), i)).collect::<Vec<_>>();
            prop_assert_eq!(bits(&got), bits(&expected));
        }

        /// The same result as the standard stable sort, including the order
        /// of equal keys (the second field tells them apart).
        #[test]
        fn agrees_with_the_standard_stable_sort(keys in proptest::collection::vec(0u8..6, 0..200)) {
            let items: Vec<(u8, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            let mut got = items;
            sort_by_key(&mut got, |item| item.0);
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn sort_indices_sorts_long_runs_like_the_standard_sort() {
        // Ascending, descending and sawtooth keys, long enough for many merges.
        for key in [
            |i: usize| i,
            |i: usize| 10_000 - i,
            |i: usize| (i * 7919) % 97,
        ] {
            let mut expected: Vec<usize> = (0..5000).collect();
            expected.sort_by_key(|&i| key(i));
            let mut got: Vec<usize> = (0..5000).collect();
            sort_indices(&mut got, &mut |a, b| key(a).cmp(&key(b)));
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn sorts_owned_values_without_cloning_them() {
        let mut words: Vec<String> = ["pear", "apple", "fig", "apple"]
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);
        sort_by(&mut words, |a, b| b.len().cmp(&a.len()));
        assert_eq!(words, ["apple", "apple", "pear", "fig"]);
    }
}
