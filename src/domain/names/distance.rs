//! Edit distance between name tokens, shared by the name model (misspelt legal forms) and the
//! screening scorer.

/// Optimal-string-alignment distance, or `max + 1` once it is certain to exceed `max`.
pub fn osa_distance(a: &[u8], b: &[u8], max: usize) -> usize {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return max + 1;
    }
    if n > 63 || m > 63 {
        return max + 1;
    }
    // Three rolling rows of the DP table.
    let mut prev2 = [0usize; 64];
    let mut prev = [0usize; 64];
    let mut cur = [0usize; 64];
    for (j, p) in prev.iter_mut().enumerate().take(m + 1) {
        *p = j;
    }
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
        prev2 = prev;
        prev = cur;
    }
    prev[m]
}
