//! Stable sorting through one shared copy of the standard library's sort.
//!
//! Every `slice::sort_by` on another element type or comparator compiles its
//! own copy of the standard sort (driftsort with its quicksort, small-sort and
//! merge helpers: about eight functions, several KB of wasm each time). In the
//! release bundle that was 153 functions and 76 KB of code before
//! optimisation, for fewer than twenty sorts of a few hundred or thousand
//! elements. Here the sort runs on a permutation of indices with the
//! comparator behind `dyn`, so it is compiled once; what is left per element
//! type is moving the elements into the found order, which is a few lines.
//!
//! The price is an allocation and an indirect call per comparison, which is
//! nothing for the lists sorted per refresh (reasons, verdicts, transitions).
//! Hot inner loops (the layout's crossing reduction) keep `slice::sort_by`.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their order (like
/// `slice::sort_by`).
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    permute(items, &order);
}

/// Sorts `items` by the key `key` gives, stably (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, stably (like `slice::sort`).
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, Ord::cmp);
}

/// The one instantiation of the standard sort: indices, compared through
/// `dyn`. Kept out of line so the compiler cannot copy it into each caller.
#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Moves the elements into the order `order` names (a permutation of
/// `0..items.len()`).
fn permute<T>(items: &mut Vec<T>, order: &[usize]) {
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().map(|&i| {
        slots[i]
            .take()
            .expect("a permutation names each index once")
    }));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
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
