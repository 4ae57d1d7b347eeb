//! The published JSON Schemas (draft 2020-12) of the files the harness writes — `report.json`,
//! `matrix.json`, `load.json` — generated from the very serde types that write them, so they
//! cannot drift: `fixtures/schemas/*.schema.json` are these, checked by a test
//! (`UPDATE_SCHEMAS=1 cargo test --lib schemas` rewrites them), and `capif-conformance schema
//! NAME` prints them. The self-tests validate the files they make the harness write.

/// A published schema: its name and its generator.
pub struct Published {
    /// `report`, `matrix` or `load`.
    pub name: &'static str,
    /// The file it describes.
    pub describes: &'static str,
    generate: fn() -> schemars::Schema,
}

impl Published {
    /// The schema as JSON.
    pub fn json(&self) -> serde_json::Value {
        let mut v = (self.generate)().to_value();
        v["$id"] = format!(
            "https://capif-conformance.invalid/schemas/{}.schema.json",
            self.name
        )
        .into();
        v
    }

    /// Where the repository keeps it.
    pub fn path(&self) -> String {
        format!("fixtures/schemas/{}.schema.json", self.name)
    }
}

/// Every published schema.
pub const ALL: [Published; 3] = [
    Published {
        name: "report",
        describes: "report.json (a run)",
        generate: || schemars::schema_for!(crate::report::Report),
    },
    Published {
        name: "matrix",
        describes: "matrix.json (merged matrix cells)",
        generate: || schemars::schema_for!(crate::matrix::MatrixResult),
    },
    Published {
        name: "load",
        describes: "load.json (a load run, a shard or merged shards)",
        generate: || schemars::schema_for!(crate::load::LoadReport),
    },
];

/// The schema called `name`.
pub fn find(name: &str) -> Option<&'static Published> {
    ALL.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed files are the generated schemas (UPDATE_SCHEMAS=1 rewrites them).
    #[test]
    fn the_published_files_are_the_generated_schemas() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for p in &ALL {
            let generated = serde_json::to_string_pretty(&p.json()).unwrap() + "\n";
            let path = root.join(p.path());
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::write(&path, &generated).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == generated,
                "{} is not the schema of {}: run UPDATE_SCHEMAS=1 cargo test --lib schemas",
                p.path(),
                p.describes
            );
        }
    }

    /// A validator built from each schema accepts a document of its kind and refuses one
    /// with a field of the wrong type (the schema is not vacuous).
    #[test]
    fn the_schemas_accept_their_files_and_refuse_a_wrong_type() {
        let report = serde_json::to_value(crate::report::synthetic_for_tests()).unwrap();
        let v = jsonschema::validator_for(&find("report").unwrap().json()).unwrap();
        let errors: Vec<String> = v.iter_errors(&report).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let mut bad = report.clone();
        bad["summary"]["pass"] = "many".into();
        assert!(!v.is_valid(&bad));
        let mut bad = report;
        bad["results"][0]["verdict"] = "probably".into();
        assert!(!v.is_valid(&bad));
    }
}
