//! The one sort by a number: the sorts of the page's code that order things by a figure go through
//! [`by_key`], one instantiation of the slice sort in the wasm (each `sort_by` with a closure of its
//! own is another: 4-6 KB each, issue 28).

/// Sorts the indices `idx` by `keys[i]` (`total_cmp`), equal keys by index: the order a stable sort
/// by key gives indices that start in increasing order.
pub fn by_key(idx: &mut [usize], keys: &[f64]) {
    idx.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]).then(a.cmp(&b)));
}

/// `items` sorted by `key`, a stable sort (equal keys keep their order), through [`by_key`].
pub fn sorted_by<T: Clone>(items: &[T], key: impl Fn(&T) -> f64) -> Vec<T> {
    let keys: Vec<f64> = items.iter().map(key).collect();
    let mut idx: Vec<usize> = (0..items.len()).collect();
    by_key(&mut idx, &keys);
    idx.into_iter().map(|i| items[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stable_sort_by_the_number() {
        let items = [
            (3.0, 'a'),
            (1.0, 'b'),
            (3.0, 'c'),
            (f64::NAN, 'd'),
            (-0.0, 'e'),
            (0.0, 'f'),
        ];
        let mut want = items.to_vec();
        want.sort_by(|x, y| x.0.total_cmp(&y.0));
        let got = sorted_by(&items, |p| p.0);
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
        let mut idx = vec![4, 0, 2];
        by_key(&mut idx, &[5.0, 9.0, 5.0, 0.0, 5.0]);
        assert_eq!(idx, [0, 2, 4]);
    }
}
