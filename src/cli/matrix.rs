//! The matrix commands: one cell of a matrix, the cells of a spec, their exact merge, and the
//! diff of two reports.

use super::args::DiffFormat;
use super::CellPlan;
use capif_conformance::exit_codes;
use capif_conformance::run::SutSelection;
use std::path::PathBuf;

/// `diff OLD NEW`: print the comparison; exit 1 on a regression, 2 on unreadable input.
pub(super) fn diff(old: PathBuf, new: PathBuf, format: DiffFormat) -> i32 {
    use capif_conformance::report::diff;
    let (old, new) = match (diff::load(&old), diff::load(&new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let d = diff::diff(&old, &new);
    match format {
        DiffFormat::Text => say_raw!("{}", d.text()),
        DiffFormat::Markdown => say_raw!("{}", d.markdown()),
        DiffFormat::Json => say!(
            "{}",
            serde_json::to_string_pretty(&d).expect("a diff serializes")
        ),
    }
    if d.regressed() {
        exit_codes::FAILED
    } else {
        exit_codes::OK
    }
}

pub(super) fn matrix_cell(
    file: &std::path::Path,
    cell: Option<usize>,
    out: &std::path::Path,
) -> Result<CellPlan, String> {
    use capif_conformance::catalogue::Sut;
    use capif_conformance::matrix::{cell_index, Matrix};
    let m = Matrix::load(file).map_err(|e| e.to_string())?;
    let cells = m.cells();
    let c = &cells[cell_index(cell, cells.len())?];
    say!(
        "matrix {}: cell {} of {}: {} ({})",
        m.id,
        c.index,
        cells.len(),
        c.name,
        c.kind
    );
    let (sut, pair) = match c.role {
        Sut::Core => (SutSelection::Core, None),
        Sut::Invoker => (SutSelection::Invoker, None),
        Sut::Pair => (
            SutSelection::Pair,
            Some(capif_conformance::run::PairConfigs {
                core: c.config.clone(),
                invoker: c.invoker_config.clone(),
            }),
        ),
    };
    let config = if pair.is_some() {
        None
    } else {
        c.config.clone()
    };
    Ok((
        sut,
        config,
        c.baseline.clone(),
        out.join(&c.name),
        Some(m.cell_info(c)),
        pair,
    ))
}

/// `matrix cells`: the cell list, one per line or as JSON.
pub(super) fn matrix_cells(file: &std::path::Path, json: bool) -> i32 {
    let m = match capif_conformance::matrix::Matrix::load(file) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let cells = m.cells();
    if json {
        let doc = serde_json::json!({
            "matrix": m.id,
            "matrix_fingerprint": m.fingerprint(),
            "total": cells.len(),
            "cells": cells,
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("cells serialize")
        );
    } else {
        for c in &cells {
            say!("{:>3}  {:<12} {}", c.index, c.kind, c.name);
        }
    }
    exit_codes::OK
}

/// `merge DIR... --out DIR`: write the merged files, print the headline, exit with the worst
/// cell's code (2 when the reports cannot be merged).
pub(super) fn merge(
    dirs: &[PathBuf],
    out: &std::path::Path,
    matrix: Option<&std::path::Path>,
    min_rate: Option<f64>,
    previous: Option<&std::path::Path>,
) -> i32 {
    use capif_conformance::matrix::{merge, since, write_matrix, Matrix};
    let loads = capif_conformance::matrix::found(dirs, "load.json");
    if !loads.is_empty() {
        if !capif_conformance::matrix::found(dirs, "report.json").is_empty() || matrix.is_some() {
            eprintln!("error: merge: these directories hold both load shards (load.json) and matrix cells (report.json); merge each kind on its own");
            return exit_codes::USAGE_OR_HARNESS;
        }
        return super::load::merge_load(&loads, out, min_rate);
    }
    let m = match matrix.map(Matrix::load).transpose() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let mut merged = match merge(dirs, m.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    if let Some(p) = previous {
        match since(p, &merged) {
            Ok(s) => merged.since_previous = Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return exit_codes::USAGE_OR_HARNESS;
            }
        }
    }
    if let Err(e) = write_matrix(&merged, out) {
        eprintln!(
            "error: cannot write the merged files into {}: {e} (choose a writable --out)",
            out.display()
        );
        return exit_codes::USAGE_OR_HARNESS;
    }
    for c in &merged.cells {
        say!(
            "{:>3}  {:<32} worst {:<14} exit {}",
            c.info.index,
            c.info.name,
            c.worst,
            c.exit_code
        );
    }
    if let Some(p) = &merged.since_previous {
        say!(
            "since {}: {} regression(s), {} cell(s) with changes, {} added, {} removed",
            p.previous,
            p.regressions(),
            p.cells.len(),
            p.cells_added.len(),
            p.cells_removed.len()
        );
    }
    say!(
        "matrix {}: {} cells merged into {}; exit {}",
        merged.matrix,
        merged.cells.len(),
        out.join("matrix.html").display(),
        merged.exit_code
    );
    merged.exit_code
}
