//! Legitimate variants of the reference peers: behaviours the specifications allow and real
//! implementations have, which no check may fail. Where faults prove that each check catches
//! its bug, variants prove the checks do not fire on what is allowed; the legitimacy matrix in
//! the self-test runs the suite against each and asserts exactly the verdicts listed here
//! (nothing but passes, unless a recommended expectation is not met, which is said).

/// A variant's documentation and the verdicts it must get.
#[derive(Debug, Clone, Copy)]
pub struct VariantSpec {
    /// Name used with `--variant`.
    pub name: &'static str,
    /// The behaviour, in one sentence.
    pub behaviour: &'static str,
    /// The real implementation it is modelled on.
    pub seen_in: &'static str,
    /// The clause that allows it.
    pub allowed_by: &'static str,
    /// The test purposes whose verdict is not `pass` with it, and that verdict.
    pub not_pass: &'static [(&'static str, &'static str)],
}

use super::faults::catalogued;

catalogued! { VariantSpec;
    /// Legitimate behaviours of a CAPIF core.
    pub enum CoreVariant {
        KeepAlive => VariantSpec { name: "keep-alive",
            behaviour: "keeps HTTP/1.1 sessions alive (no Connection: close) and closes them after a 2 s idle timer; after the offboarding response it closes (TS 33.122 §6.8 step 6 says the core shall)",
            seen_in: "OpenCAPIF served by gunicorn/uvicorn", allowed_by: "RFC 9112 §9.3 (persistent connections are the default); the annex names no actor for the teardown",
            not_pass: &[] },
        ConnexionErrors => VariantSpec { name: "connexion-errors",
            behaviour: "answers a body missing a field with 400 application/problem+json {type, title, status, detail naming the field}, without invalidParams or cause",
            seen_in: "OpenCAPIF (connexion's request validator)", allowed_by: "TS 29.122 ProblemDetails: no member is required",
            not_pass: &[("CCF-REQ-06", "fail")] },
        MinimalProblemDetails => VariantSpec { name: "minimal-problem-details",
            behaviour: "every error is application/problem+json with only title and detail (no status, no cause, no invalidParams)",
            seen_in: "cores built on generic ProblemDetails libraries", allowed_by: "TS 29.122 ProblemDetails: no member is required",
            not_pass: &[("CCF-REQ-06", "fail")] },
        RelativeLocation => VariantSpec { name: "relative-location",
            behaviour: "sends Location as an absolute path, /api-invoker-management/v1/onboardedInvokers/{id}",
            seen_in: "frameworks that emit relative Location headers", allowed_by: "RFC 9110 §10.2.2: Location is a URI-reference, resolved against the request URI",
            not_pass: &[] },
        IntermediateCa => VariantSpec { name: "intermediate-ca",
            behaviour: "issues invoker certificates from an intermediate CA and returns leaf + intermediate + root in apiInvokerCertificate",
            seen_in: "OpenCAPIF (Vault pki_int)", allowed_by: "TS 29.222: apiInvokerCertificate is a string; RFC 5280 path building",
            not_pass: &[] },
        Asynchronous => VariantSpec { name: "asynchronous",
            behaviour: "answers a valid request 202 Accepted without a body, then POSTs the OnboardingNotification (result, resourceLocation, apiInvokerEnrolmentDetails) to the request's notificationDestination",
            seen_in: "TS 29.222 asynchronous onboarding", allowed_by: "TS 29.222 §8.4.2.2.3.1 (202 Accepted), declared by asynchronous_onboarding = true, received at [core.notifications]",
            // The notified result is judged like a 201 (CCF-OK-02..07, CCF-OFF-*).
            not_pass: &[] },
        RsaOnly => VariantSpec { name: "rsa-only",
            behaviour: "accepts only RSA invoker keys (400 naming apiInvokerPublicKey otherwise)",
            seen_in: "cores whose CA signs RSA only", allowed_by: "TS 29.222 asks for \"the API Invoker's public key\" of no particular type; tested with [core] invoker_key = \"rsa2048\"",
            not_pass: &[] },
    }
}

catalogued! { VariantSpec;
    /// Legitimate behaviours of an API invoker.
    pub enum InvokerVariant {
        VerifyAfterHandshake => VariantSpec { name: "verify-after-handshake",
            behaviour: "completes the TLS handshake, then verifies the certificate chain and name; on a bad certificate it closes with a bare TCP FIN, no alert, having sent no application data",
            seen_in: "urllib3 1.x (hostname), OkHttp (hostname), Node.js (chain, after the secure event)", allowed_by: "Figure B.1-1: the session is released and no request is sent",
            not_pass: &[] },
        ChunkedBody => VariantSpec { name: "chunked-body",
            behaviour: "sends the onboarding request body with Transfer-Encoding: chunked",
            seen_in: "HTTP clients that stream request bodies (e.g. Java's HttpClient with a body publisher of unknown length)", allowed_by: "RFC 9112 §7.1",
            not_pass: &[] },
    }
}

/// A set of active variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants<V: Ord>(pub std::collections::BTreeSet<V>);

impl<V: Ord> Default for Variants<V> {
    fn default() -> Self {
        Self(std::collections::BTreeSet::new())
    }
}

impl<V: Ord + Copy> Variants<V> {
    /// These variants.
    pub fn of(vs: &[V]) -> Self {
        Self(vs.iter().copied().collect())
    }

    /// Whether `v` is active.
    pub fn has(&self, v: V) -> bool {
        self.0.contains(&v)
    }
}

/// The README's table of legitimate variants (markdown rows), both roles.
pub fn readme_table() -> String {
    let mut out = String::from(
        "| variant | behaviour | modelled on | allowed by | verdicts other than pass |\n|---|---|---|---|---|\n",
    );
    let specs = CoreVariant::ALL
        .iter()
        .map(|v| ("core", v.spec()))
        .chain(InvokerVariant::ALL.iter().map(|v| ("invoker", v.spec())));
    for (role, v) in specs {
        let not_pass = if v.not_pass.is_empty() {
            "none".to_string()
        } else {
            v.not_pass
                .iter()
                .map(|(id, verdict)| format!("{id} {verdict}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "| {role} `{}` | {} | {} | {} | {not_pass} |\n",
            v.name,
            v.behaviour.replace('|', "\\|"),
            v.seen_in,
            v.allowed_by
        ));
    }
    out
}

#[cfg(test)]
mod readme_tests {
    /// The README's variants table is the catalogue's (UPDATE_README=1 rewrites it).
    #[test]
    fn readme_variant_table_matches_the_catalogue() {
        crate::readme_blocks::generated_block(
            "variants",
            &super::readme_table(),
            "cargo test --lib readme_variant",
        );
    }
}
