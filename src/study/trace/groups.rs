//! Which cells of a trace share a coverage cell (`--groups`, the trace panel's "Coverage groups"):
//! a trace has no coverage layer of its own, so the network's money needs the user to say it.
//!
//! **Inline** (the command line and the page): one group per coverage cell, groups separated by
//! `;` or new lines, the capacity boosters of a group by `,`, and optionally the coverage cell's
//! spare capacity (in fully loaded boosters; default the `coverage` setting) in brackets at the
//! end: `cellA, cellB, cellC (0.8); cellD, cellE`. `all` puts every cell of the file under one
//! coverage cell (an assumption, said so in the words).
//!
//! **A table** (`--coverage FILE`, what an operator's inventory export gives): a CSV whose header
//! names a `cell` column and a `coverage` column (the coverage cell each booster falls back on), and
//! optionally a `capacity` column; `,`, `;` or tab separated.
//!
//! A cell in two groups, a bracket that is not a capacity, an empty list: a message naming it.
//! Cells the groups name but the file does not hold are left out with a notice (an inventory lists
//! the whole network), unless no group keeps a cell of the file: then it is an error.

use std::collections::BTreeMap;

use crate::base::echo::clip;

/// Most cells the groups may name (the replay's bound on a trace's cells).
pub const MAX_GROUPED: usize = crate::replay::MAX_CELLS;
/// The largest spare capacity of a coverage cell, in fully loaded boosters (the `coverage` knob's).
pub const MAX_CAPACITY: f64 = 10.0;

/// One coverage cell: its boosters' names, and its spare capacity if the group gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub cells: Vec<String>,
    pub capacity: Option<f64>,
}

/// The groups of a trace.
#[derive(Clone, Debug, PartialEq)]
pub enum Groups {
    /// Every cell of the file under one coverage cell.
    All,
    Listed(Vec<Group>),
}

/// The groups of an inline spec; `None` when it is empty (no money asked for).
pub fn parse(spec: &str) -> Result<Option<Groups>, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Ok(None);
    }
    if spec.eq_ignore_ascii_case("all") {
        return Ok(Some(Groups::All));
    }
    if spec.len() > 1 << 20 {
        return Err("--groups: at most 1 MB of cell names".into());
    }
    let mut groups: Vec<Group> = Vec::new();
    // The replay's own map type of cell names (`Vec<u8>` keys): no other instance in the wasm.
    let mut seen: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
    for text in spec.split([';', '\n']).map(str::trim) {
        if text.is_empty() {
            continue;
        }
        let k = groups.len() + 1;
        let (names, capacity) = match text.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
            Some((names, cap)) => (names, Some(capacity(cap, k)?)),
            None => (text, None),
        };
        if names.trim().eq_ignore_ascii_case("all") {
            return Err(format!(
                "--groups: `{}`: `all` stands alone, with no bracket: every cell under one \
                 coverage cell, whose spare capacity is the `coverage` setting (e.g. coverage=0.8 \
                 in --set)",
                clip(text)
            ));
        }
        if names.contains('(') || names.contains(')') {
            return Err(format!(
                "--groups: group {k} `{}`: a bracket holds the coverage cell's spare capacity and \
                 comes last, e.g. `cellA, cellB (0.8)`",
                clip(text)
            ));
        }
        let mut cells = Vec::new();
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if let Some(&j) = seen.get(name.as_bytes()) {
                return Err(if j == k {
                    format!(
                        "--groups: cell `{}` is listed twice in group {k}",
                        clip(name)
                    )
                } else {
                    format!(
                        "--groups: cell `{}` is in group {j} and in group {k}: a capacity booster \
                         falls back on one coverage cell",
                        clip(name)
                    )
                });
            }
            seen.insert(name.as_bytes().to_vec(), k);
            cells.push(name.to_string());
        }
        if cells.is_empty() {
            return Err(format!(
                "--groups: group {k} `{}` names no cell",
                clip(text)
            ));
        }
        if seen.len() > MAX_GROUPED {
            return Err(format!("--groups: at most {MAX_GROUPED} cells"));
        }
        groups.push(Group { cells, capacity });
    }
    if groups.is_empty() {
        return Err("--groups: no group (e.g. `cellA, cellB; cellC, cellD`, or `all`)".into());
    }
    Ok(Some(Groups::Listed(groups)))
}

/// A group's spare capacity in brackets.
fn capacity(text: &str, k: usize) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && (0.0..=MAX_CAPACITY).contains(x))
        .ok_or_else(|| {
            format!(
                "--groups: group {k}: `({})` is not a spare capacity from 0 to {MAX_CAPACITY} \
                 (in fully loaded boosters)",
                clip(text.trim())
            )
        })
}

/// The inline spec of a coverage table (`--coverage FILE`): a CSV with `cell` and `coverage`
/// columns, optionally `capacity`; a group per coverage cell, in the order they first appear.
pub fn from_table(text: &str) -> Result<String, String> {
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let header = lines.next().unwrap_or("");
    let delim = [',', ';', '\t']
        .into_iter()
        .max_by_key(|d| header.matches(*d).count())
        .unwrap_or(',');
    let cols: Vec<String> = header
        .split(delim)
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let at = |name: &str| cols.iter().position(|c| c == name);
    let (Some(ci), Some(gi)) = (at("cell"), at("coverage")) else {
        return Err(format!(
            "--coverage: the header `{}` needs a `cell` column and a `coverage` column (the \
             coverage cell each capacity booster falls back on), optionally `capacity`",
            clip(header)
        ));
    };
    let cap = at("capacity");
    let mut order: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line
            .split(delim)
            .map(|x| x.trim().trim_matches('"'))
            .collect();
        let field = |i: usize| f.get(i).copied().unwrap_or("");
        let (cell, cover) = (field(ci), field(gi));
        if cell.is_empty() || cover.is_empty() {
            return Err(format!(
                "--coverage line {}: `{}` needs a cell and its coverage cell",
                n + 2,
                clip(line)
            ));
        }
        if cell.contains([',', ';', '(', ')']) {
            return Err(format!(
                "--coverage line {}: cell `{}`: names with , ; or brackets are not supported",
                n + 2,
                clip(cell)
            ));
        }
        let c = cap.map(field).filter(|c| !c.is_empty()).map(str::to_string);
        match order.iter_mut().find(|g| g.0 == cover) {
            Some(g) => {
                if c.is_some() && g.2.is_some() && c != g.2 {
                    return Err(format!(
                        "--coverage line {}: coverage cell `{}` has two capacities, {} and {}",
                        n + 2,
                        clip(cover),
                        clip(g.2.as_deref().unwrap_or("")),
                        clip(c.as_deref().unwrap_or(""))
                    ));
                }
                g.1.push(cell.to_string());
                g.2 = g.2.take().or(c);
            }
            None => order.push((cover.to_string(), vec![cell.to_string()], c)),
        }
    }
    if order.is_empty() {
        return Err("--coverage: the file lists no cell".into());
    }
    let spec: Vec<String> = order
        .into_iter()
        .map(|(_, cells, c)| match c {
            Some(c) => format!("{} ({c})", cells.join(",")),
            None => cells.join(","),
        })
        .collect();
    // The spec is checked as any other (a cell under two coverage cells, a capacity).
    let spec = spec.join(";");
    parse(&spec).map_err(|e| e.replace("--groups", "--coverage"))?;
    Ok(spec)
}

/// Each group's cell indices (in the file's records) and its spare capacity if given.
pub type Resolved = Vec<(Vec<usize>, Option<f64>)>;

/// The groups resolved against the file's cells (`names`, in the order of the records): each
/// group's cell indices and capacity, and notices for cells left out.
pub fn resolve(groups: &Groups, names: &[&str]) -> Result<(Resolved, Vec<String>), String> {
    let listed = match groups {
        Groups::All => return Ok((vec![((0..names.len()).collect(), None)], Vec::new())),
        Groups::Listed(g) => g,
    };
    let mut index: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
    for (i, &n) in names.iter().enumerate() {
        index.insert(n.as_bytes().to_vec(), i);
    }
    let mut out = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    for g in listed {
        let cells: Vec<usize> = (g.cells.iter())
            .filter_map(|c| {
                let i = index.get(c.as_bytes()).copied();
                if i.is_none() {
                    missing.push(c);
                }
                i
            })
            .collect();
        if !cells.is_empty() {
            out.push((cells, g.capacity));
        }
    }
    let few = |v: &[&str]| {
        let mut s: Vec<String> = v.iter().take(5).map(|n| format!("`{}`", clip(n))).collect();
        if v.len() > 5 {
            s.push(format!("and {} more", v.len() - 5));
        }
        s.join(", ")
    };
    if out.is_empty() {
        return Err(format!(
            "--groups: none of its cells is in the file ({}); the file's cells are {}",
            few(&missing),
            few(names)
        ));
    }
    let mut notices = Vec::new();
    if !missing.is_empty() {
        notices.push(format!(
            "{} cell{} of the coverage groups {} not in the file and {} left out: {}.",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "is" } else { "are" },
            few(&missing)
        ));
    }
    let mut grouped = vec![false; names.len()];
    for &i in out.iter().flat_map(|g| g.0.iter()) {
        grouped[i] = true;
    }
    let alone: Vec<&str> = (0..names.len())
        .filter(|&i| !grouped[i])
        .map(|i| names[i])
        .collect();
    if !alone.is_empty() {
        notices.push(format!(
            "money counts the {} grouped cells only; {} cell{} of the file {} in no group: {}.",
            names.len() - alone.len(),
            alone.len(),
            if alone.len() == 1 { "" } else { "s" },
            if alone.len() == 1 { "is" } else { "are" },
            few(&alone)
        ));
    }
    Ok((out, notices))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_read_inline_and_from_a_table() {
        let g = parse(" a, b ,c (0.8);\n d,e ").unwrap().unwrap();
        assert_eq!(
            g,
            Groups::Listed(vec![
                Group {
                    cells: vec!["a".into(), "b".into(), "c".into()],
                    capacity: Some(0.8)
                },
                Group {
                    cells: vec!["d".into(), "e".into()],
                    capacity: None
                },
            ])
        );
        assert_eq!(parse("  ").unwrap(), None);
        assert_eq!(parse("ALL").unwrap(), Some(Groups::All));
        // `all` with a capacity, or beside a group, is not read as a cell named `all`.
        for spec in ["all (0.8)", "all; cellA"] {
            let e = parse(spec).unwrap_err();
            assert!(e.contains("stands alone") && e.contains("coverage="), "{e}");
        }
        let t = "Cell;Coverage;Capacity\nx;C1;0.5\ny;C2;\nz;C1;0.5\n";
        assert_eq!(from_table(t).unwrap(), "x,z (0.5);y");
    }

    #[test]
    fn hostile_groups_get_a_message() {
        let e = |s: &str| parse(s).unwrap_err();
        assert!(e("a,b;b,c").contains("cell `b` is in group 1 and in group 2"));
        assert!(e("a,a").contains("listed twice in group 1"));
        assert!(e("a,b (x)").contains("`(x)` is not a spare capacity"));
        assert!(e("a,b (-1)").contains("from 0 to 10"));
        assert!(e("a (1), b").contains("comes last"));
        assert!(e("(0.5)").contains("names no cell"));
        assert!(e(";;").contains("no group"));
        let t = |s: &str| from_table(s).unwrap_err();
        assert!(t("cell,site\nx,1\n").contains("`coverage` column"));
        assert!(t("cell,coverage,capacity\nx,A,1\ny,A,2\n").contains("two capacities"));
        assert!(t("cell,coverage\nx,A\nx,B\n").contains("--coverage: cell `x` is in group 1"));
        let names = ["a", "b", "c"];
        let (g, notes) = resolve(&parse("a,zz;b").unwrap().unwrap(), &names).unwrap();
        assert_eq!(g, vec![(vec![0], None), (vec![1], None)]);
        assert!(
            notes[0].contains("`zz`") && notes[1].contains("`c`"),
            "{notes:?}"
        );
        let err = resolve(&parse("x,y").unwrap().unwrap(), &names).unwrap_err();
        assert!(err.contains("none of its cells is in the file"), "{err}");
    }
}
