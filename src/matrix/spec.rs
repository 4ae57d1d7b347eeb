//! `matrix.toml`: the implementations a vendor tests every night, and the cells an engine
//! (Slurm job array, GitHub Actions matrix, Kubernetes Indexed Job) fans out, one process per
//! cell. The cell list is a pure function of the file, in a stable order, so index `I` means
//! the same cell on every node.
//!
//! ```toml
//! id = "nightly"                                   # merge refuses reports of another matrix
//!
//! [[core]]
//! name = "reference"
//! embedded = true                                  # the embedded reference core
//!
//! [[core]]
//! name = "opencapif"
//! config = "fixtures/sut/opencapif-direct.toml"    # a SUT configuration with [core]
//! baseline = "fixtures/baselines/opencapif-direct.json"
//!
//! [[invoker]]
//! name = "opencapif-sdk"
//! config = "fixtures/sut/opencapif-sdk.toml"       # a SUT configuration with [invoker]
//! ```
//!
//! Paths are relative to the matrix file. Cells: one conformance cell per core, then one per
//! invoker, in file order.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalogue::Sut;
use crate::report::CellInfo;
use crate::sut::ConfigError;

/// One implementation of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implementation {
    /// Its name (unique within its role; names the cell and its output directory).
    pub name: String,
    /// Its SUT configuration (None: the embedded reference peer).
    pub config: Option<PathBuf>,
    /// Its expected verdicts, if any.
    pub baseline: Option<PathBuf>,
}

/// A parsed matrix file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// The file.
    pub file: PathBuf,
    /// Its id.
    pub id: String,
    /// The cores, in file order.
    pub cores: Vec<Implementation>,
    /// The invokers, in file order.
    pub invokers: Vec<Implementation>,
    /// Whether each implementation has a conformance cell (`[cells] conformance`, default true).
    pub conformance_cells: bool,
    /// Whether each invoker × core has a pair cell (`[cells] pairs`, default true).
    pub pair_cells: bool,
}

/// One unit of work for an engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// Its index (0-based) in [`Matrix::cells`].
    pub index: usize,
    /// `conformance` (one implementation against the harness's reference peers) or `pair`
    /// (an invoker of the matrix onboarding onto a core of the matrix).
    pub kind: &'static str,
    /// The role tested: core, invoker, or pair.
    pub role: Sut,
    /// The implementation's name; for a pair, `<core>+<invoker>`.
    pub implementation: String,
    /// `<role>-<implementation>`: the cell's output directory.
    pub name: String,
    /// Its SUT configuration (None: the embedded reference peer); for a pair, the core's.
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// For a pair: the invoker's SUT configuration (None: the reference invoker).
    #[serde(skip)]
    pub invoker_config: Option<PathBuf>,
    /// Its baseline.
    #[serde(skip)]
    pub baseline: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    id: String,
    #[serde(default)]
    cells: RawCells,
    #[serde(default)]
    core: Vec<RawImplementation>,
    #[serde(default)]
    invoker: Vec<RawImplementation>,
}

/// `[cells]`: which kinds of cell the matrix has.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawCells {
    conformance: bool,
    pairs: bool,
}

impl Default for RawCells {
    fn default() -> Self {
        Self {
            conformance: true,
            pairs: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImplementation {
    name: String,
    #[serde(default)]
    embedded: bool,
    config: Option<PathBuf>,
    baseline: Option<PathBuf>,
}

/// A name usable as a directory and in every report: lowercase letters, digits, `-`, `_`,
/// `.`; starting with a letter or digit; at most 64 characters.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && name.len() <= 64
}

impl Matrix {
    /// Read and check `path`: every error names the key and the fix.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let err = ConfigError::reporter(path);
        let raw: RawMatrix = crate::sut::read_toml(
            path,
            "--matrix",
            "pass the path of a matrix file (README \"Running at scale\")",
            "keys: id, [cells] conformance/pairs, [[core]] and [[invoker]] with name, embedded or config, baseline",
        )?;
        if !valid_name(&raw.id) {
            return Err(err(
                "id",
                format!("{:?} is not a usable id", raw.id),
                "use lowercase letters, digits, '-', '_' or '.' (at most 64)",
            ));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let take = |role: &str, raws: Vec<RawImplementation>| {
            let mut out: Vec<Implementation> = Vec::new();
            for (i, r) in raws.into_iter().enumerate() {
                let key = |k: &str| format!("[[{role}]] #{} {k}", i + 1);
                if !valid_name(&r.name) {
                    return Err(err(
                        &key("name"),
                        format!("{:?} is not a usable name", r.name),
                        "use lowercase letters, digits, '-', '_' or '.' (at most 64): it names a directory",
                    ));
                }
                if out.iter().any(|o| o.name == r.name) {
                    return Err(err(
                        &key("name"),
                        format!("{:?} names two {role}s", r.name),
                        "give every implementation of a role its own name",
                    ));
                }
                let config = match (r.embedded, r.config) {
                    (true, None) => None,
                    (false, Some(c)) => Some(base.join(c)),
                    (true, Some(_)) | (false, None) => {
                        return Err(err(
                            &key("config"),
                            "needs exactly one of `config` and `embedded = true`".into(),
                            "give the path of its SUT configuration, or embedded = true for the reference peer",
                        ))
                    }
                };
                out.push(Implementation {
                    name: r.name,
                    config,
                    baseline: r.baseline.map(|b| base.join(b)),
                });
            }
            Ok(out)
        };
        let cores = take("core", raw.core)?;
        let invokers = take("invoker", raw.invoker)?;
        if cores.is_empty() && invokers.is_empty() {
            return Err(err(
                "[[core]] / [[invoker]]",
                "the matrix names no implementation".into(),
                "add a [[core]] or an [[invoker]] table",
            ));
        }
        Ok(Matrix {
            file: path.to_path_buf(),
            id: raw.id,
            cores,
            invokers,
            conformance_cells: raw.cells.conformance,
            pair_cells: raw.cells.pairs,
        })
    }

    /// Every cell, in the stable order: each core's conformance cell, then each invoker's,
    /// then a pair cell per core and invoker (cores outer), as `[cells]` asks.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = Vec::new();
        if self.conformance_cells {
            let roles = [(Sut::Core, &self.cores), (Sut::Invoker, &self.invokers)];
            for (role, i) in roles
                .into_iter()
                .flat_map(|(role, list)| list.iter().map(move |i| (role, i)))
            {
                cells.push(Cell {
                    index: cells.len(),
                    kind: "conformance",
                    role,
                    implementation: i.name.clone(),
                    name: format!("{}-{}", role.name(), i.name),
                    config: i.config.clone(),
                    invoker_config: None,
                    baseline: i.baseline.clone(),
                });
            }
        }
        if self.pair_cells {
            for c in &self.cores {
                for i in &self.invokers {
                    let implementation = format!("{}+{}", c.name, i.name);
                    cells.push(Cell {
                        index: cells.len(),
                        kind: "pair",
                        role: Sut::Pair,
                        name: format!("pair-{implementation}"),
                        implementation,
                        config: c.config.clone(),
                        invoker_config: i.config.clone(),
                        baseline: None,
                    });
                }
            }
        }
        cells
    }

    /// A fingerprint of the cell list (kinds, roles, names, in order): two reports belong to
    /// the same matrix when their matrix ids and fingerprints agree, whatever else the file
    /// says (comments, paths that differ between machines).
    pub fn fingerprint(&self) -> String {
        let canonical = serde_json::to_vec(&self.cells()).unwrap_or_default();
        hex::encode(ring::digest::digest(&ring::digest::SHA256, &canonical))
    }

    /// What a cell's report records about the cell.
    pub fn cell_info(&self, cell: &Cell) -> CellInfo {
        CellInfo {
            matrix: self.id.clone(),
            matrix_fingerprint: self.fingerprint(),
            index: cell.index,
            total: self.cells().len(),
            kind: cell.kind.to_string(),
            role: cell.role.name().to_string(),
            implementation: cell.implementation.clone(),
            name: cell.name.clone(),
        }
    }
}

/// The cell index an engine gives a worker: `--cell`, else `JOB_COMPLETION_INDEX` (a
/// Kubernetes Indexed Job). Slurm, GitHub Actions and GitLab pass theirs with `--cell`
/// (README "Running at scale").
pub fn cell_index(given: Option<usize>, total: usize) -> Result<usize, String> {
    let index = match given {
        Some(i) => i,
        None => match std::env::var("JOB_COMPLETION_INDEX") {
            Ok(v) => v.trim().parse().map_err(|_| {
                format!("JOB_COMPLETION_INDEX={v:?} is not a cell index; pass --cell I")
            })?,
            Err(_) => {
                return Err(
                    "no cell: pass --cell I (0-based; `matrix cells` lists them), or run as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"
                        .into(),
                )
            }
        },
    };
    if index >= total {
        return Err(format!(
            "cell {index} does not exist: the matrix has {total} cells (0..{}); `matrix cells` lists them",
            total.saturating_sub(1)
        ));
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("matrix.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    const TWO_BY_TWO: &str = "id = \"nightly\"\n\
        [[core]]\nname = \"reference\"\nembedded = true\n\
        [[core]]\nname = \"opencapif\"\nconfig = \"sut/oc.toml\"\nbaseline = \"b.json\"\n\
        [[invoker]]\nname = \"reference\"\nembedded = true\n\
        [[invoker]]\nname = \"sdk\"\nconfig = \"sut/sdk.toml\"\n";

    #[test]
    fn cells_are_listed_in_a_stable_total_order() {
        let (dir, path) = write(TWO_BY_TWO);
        let m = Matrix::load(&path).unwrap();
        let cells = m.cells();
        let names: Vec<_> = cells.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "core-reference",
                "core-opencapif",
                "invoker-reference",
                "invoker-sdk",
                "pair-reference+reference",
                "pair-reference+sdk",
                "pair-opencapif+reference",
                "pair-opencapif+sdk",
            ]
        );
        assert_eq!(cells[7].config, Some(dir.path().join("sut/oc.toml")));
        assert_eq!(
            cells[7].invoker_config,
            Some(dir.path().join("sut/sdk.toml"))
        );
        // [cells] chooses the kinds.
        let (_d1, only_pairs) = write(&format!("{TWO_BY_TWO}[cells]\nconformance = false\n"));
        let pairs = Matrix::load(&only_pairs).unwrap().cells();
        assert_eq!(pairs.len(), 4);
        assert!(pairs.iter().all(|c| c.kind == "pair"));
        assert!(cells.iter().enumerate().all(|(i, c)| c.index == i));
        assert_eq!(cells[1].config, Some(dir.path().join("sut/oc.toml")));
        assert_eq!(cells[1].baseline, Some(dir.path().join("b.json")));
        assert_eq!(cells[0].config, None);
        // The same file read again gives the same cells and fingerprint.
        let again = Matrix::load(&path).unwrap();
        assert_eq!(again.cells(), cells);
        assert_eq!(again.fingerprint(), m.fingerprint());
        // A comment does not change the fingerprint; another implementation does.
        let (_d2, commented) = write(&format!("# tonight\n{TWO_BY_TWO}"));
        assert_eq!(
            Matrix::load(&commented).unwrap().fingerprint(),
            m.fingerprint()
        );
        let (_d3, more) = write(&format!(
            "{TWO_BY_TWO}[[invoker]]\nname = \"third\"\nembedded = true\n"
        ));
        assert_ne!(Matrix::load(&more).unwrap().fingerprint(), m.fingerprint());
    }

    #[test]
    fn bad_matrix_files_name_the_key_and_the_fix() {
        for (text, key) in [
            ("id = \"Nightly Run\"\n[[core]]\nname = \"a\"\nembedded = true\n", "id"),
            ("id = \"n\"\n[[core]]\nname = \"a\"\n", "[[core]] #1 config"),
            (
                "id = \"n\"\n[[core]]\nname = \"a\"\nembedded = true\nconfig = \"x\"\n",
                "[[core]] #1 config",
            ),
            (
                "id = \"n\"\n[[invoker]]\nname = \"a\"\nembedded = true\n[[invoker]]\nname = \"a\"\nembedded = true\n",
                "[[invoker]] #2 name",
            ),
            ("id = \"n\"\n[[core]]\nname = \"../up\"\nembedded = true\n", "[[core]] #1 name"),
            ("id = \"n\"\n", "[[core]] / [[invoker]]"),
            ("id = \"n\"\n[[core]]\nname = \"a\"\nembedded = true\nport = 1\n", "port"),
            ("id = \"n\"\n[cells]\npair = true\n[[core]]\nname = \"a\"\nembedded = true\n", "pair"),
            ("id = \n", "(syntax)"),
        ] {
            let (_d, path) = write(text);
            let e = Matrix::load(&path).unwrap_err();
            assert_eq!(e.key, key, "{text}: {e}");
            assert!(!e.fix.is_empty());
        }
    }

    #[test]
    fn the_cell_index_comes_from_the_option_or_an_indexed_job() {
        assert_eq!(cell_index(Some(3), 4), Ok(3));
        let e = cell_index(Some(4), 4).unwrap_err();
        assert!(e.contains("4 cells (0..3)"), "{e}");
    }
}
