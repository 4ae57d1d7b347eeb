//! Layer 8, beside the CLI: the interoperability matrix at scale, without a coordinator.
//! [`spec`] reads `matrix.toml` and lists its cells in a stable order for an engine (Slurm
//! job array, GitHub Actions matrix, Kubernetes Indexed Job) to fan out; each worker is an
//! ordinary `run` recording its [`crate::report::CellInfo`]; [`merge`] reads the collected
//! reports back and refuses anything but every cell exactly once; [`render`] writes the
//! merged files.

pub mod merge;
pub mod render;
pub mod spec;

pub use merge::{
    found, merge, since, CellChanges, CellResult, CellRow, MatrixResult, MergeError, SincePrevious,
    MATRIX_FORMAT_VERSION,
};
pub use render::write_matrix;
pub use spec::{cell_index, Cell, Implementation, Matrix};
