//! Steps of the pair scenarios (`features/pair/`).

mod interop;
