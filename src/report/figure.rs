//! Figure B.1-1 of TS 33.122 drawn as SVG, each decision and branch coloured by the verdicts
//! of its test purposes.

use crate::catalogue::{Branch, Sut};
use crate::checks::Verdict;

use super::model::ResultEntry;

/// The colour class of a branch: worst verdict wins; not-applicable does not count.
pub fn branch_state(results: &[ResultEntry], sut: Sut, branch: Branch) -> (&'static str, String) {
    let rs: Vec<&ResultEntry> = results
        .iter()
        .filter(|r| r.sut == sut && r.branch == branch && r.verdict != Verdict::NotApplicable)
        .collect();
    if rs.is_empty() {
        return ("none", "not tested".into());
    }
    let n = |v: Verdict| rs.iter().filter(|r| r.verdict == v).count();
    let (pass, fail) = (n(Verdict::Pass), n(Verdict::Fail));
    let other = rs.len() - pass - fail;
    // Red is what gates: a failure that is only recommended (or weaker) is marked apart, as
    // the findings table and the exit code treat it.
    let mandatory_fail = rs
        .iter()
        .filter(|r| {
            r.verdict == Verdict::Fail && r.severity == crate::catalogue::Severity::Mandatory
        })
        .count();
    let class = if mandatory_fail > 0 {
        "fail"
    } else if fail > 0 {
        "advisory"
    } else if other > 0 {
        "warn"
    } else {
        "pass"
    };
    let mut label = format!("{pass}/{} pass", rs.len());
    if mandatory_fail > 0 {
        label.push_str(&format!(", {mandatory_fail} fail"));
    }
    if fail > mandatory_fail {
        label.push_str(&format!(", {} fail (not mandatory)", fail - mandatory_fail));
    }
    if other > 0 {
        label.push_str(&format!(", {other} undecided"));
    }
    // A branch that was not tested because another test purpose failed says which one.
    let mut roots: Vec<&str> = rs.iter().filter_map(|r| r.blocked_by.as_deref()).collect();
    roots.sort_unstable();
    roots.dedup();
    if fail == 0 && !roots.is_empty() {
        label.push_str(&format!(" (see {})", roots.join(", ")));
    }
    (class, label)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Box (x, y, w, h) with a multi-line label.
fn node(
    out: &mut String,
    (x, y, w, h): (i32, i32, i32, i32),
    class: &str,
    lines: &[&str],
    badge: Option<&str>,
) {
    out.push_str(&format!(
        "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"6\" class=\"node {class}\"/>\n"
    ));
    let total = lines.len() as i32 + i32::from(badge.is_some());
    let mut ty = y + h / 2 - (total - 1) * 7 + 4;
    for l in lines {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{ty}\" class=\"label\">{}</text>\n",
            x + w / 2,
            esc(l)
        ));
        ty += 14;
    }
    if let Some(b) = badge {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{ty}\" class=\"badge\">{}</text>\n",
            x + w / 2,
            esc(b)
        ));
    }
}

/// Diamond centred at (cx, cy).
fn diamond(out: &mut String, cx: i32, cy: i32, class: &str, lines: &[&str], badge: &str) {
    let (w, h) = (120, 62);
    out.push_str(&format!(
        "<polygon points=\"{},{cy} {cx},{} {},{cy} {cx},{}\" class=\"node {class}\"/>\n",
        cx - w,
        cy - h,
        cx + w,
        cy + h
    ));
    let mut ty = cy - 10;
    for l in lines {
        out.push_str(&format!(
            "<text x=\"{cx}\" y=\"{ty}\" class=\"label\">{}</text>\n",
            esc(l)
        ));
        ty += 14;
    }
    out.push_str(&format!(
        "<text x=\"{cx}\" y=\"{}\" class=\"badge\">{}</text>\n",
        ty + 2,
        esc(badge)
    ));
}

fn arrow(out: &mut String, points: &[(i32, i32)], label: Option<(&str, i32, i32)>) {
    let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
    out.push_str(&format!(
        "<polyline points=\"{}\" class=\"edge\" marker-end=\"url(#arrow)\"/>\n",
        pts.join(" ")
    ));
    if let Some((t, x, y)) = label {
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" class=\"yn\">{t}</text>\n"
        ));
    }
}

/// The enrolment branch: how the pre-provisioning of the first box happened when a register
/// served it. Outside the figure's scope, so drawn apart (dashed), joined to that box at
/// `joint`.
fn enrolment_apart(out: &mut String, results: &[ResultEntry], joint: (i32, i32)) {
    let (class, label) = branch_state(results, Sut::Invoker, Branch::Enrolment);
    let (x, y, w, h) = (joint.0 + 34, joint.1 - 40, 236, 80);
    out.push_str(&format!(
        "<polyline points=\"{},{} {x},{}\" class=\"edge apart\"/>\n",
        joint.0, joint.1, joint.1
    ));
    node(
        out,
        (x, y, w, h),
        &format!("{class} apart"),
        &[
            "Enrolment from a register",
            "(pre-provisioning: outside",
            "Figure B.1-1, informational)",
        ],
        Some(&label),
    );
}

/// The offboarding branch (TS 33.122 §6.8, its own Figure 6.8-1): what follows a successful
/// onboarding, so drawn apart (dashed) below the figure, joined to the onboarding response at
/// `joint`.
fn offboarding_apart(out: &mut String, results: &[ResultEntry], sut: Sut, joint: (i32, i32)) {
    let (class, label) = branch_state(results, sut, Branch::Offboarding);
    let (x, y, w, h) = (joint.0, 866, 260, 72);
    out.push_str(&format!(
        "<polyline points=\"{},{} {},{} {},{} {x},{}\" class=\"edge apart\"/>\n",
        joint.0,
        joint.1,
        joint.0 - 40,
        joint.1,
        joint.0 - 40,
        y + h / 2,
        y + h / 2
    ));
    node(
        out,
        (x, y, w, h),
        &format!("{class} apart"),
        &[
            "Offboarding after a success",
            "(TS 33.122 §6.8, Figure 6.8-1)",
        ],
        Some(&label),
    );
}

/// The figure for the `sut` role, coloured by `results`.
///
/// Long by design: Figure B.1-1 node by node and arrow by arrow, in the figure's order, so it
/// can be compared with the annex line by line.
pub fn flow_svg(results: &[ResultEntry], sut: Sut) -> String {
    let (tls, tls_l) = branch_state(results, sut, Branch::SecureConnection);
    let (req, req_l) = branch_state(results, sut, Branch::RequestValidation);
    let (ok, ok_l) = branch_state(results, sut, Branch::OnboardingResponse);
    let (td, td_l) = branch_state(results, sut, Branch::Teardown);
    let mut s = String::new();
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 950\" width=\"640\" height=\"950\" role=\"img\" class=\"flow\" data-sut=\"{}\">\n",
        sut.name()
    ));
    s.push_str(&format!(
        "<title>Figure B.1-1 (TS 33.122): onboarding security flow, {} under test</title>\n",
        sut.name()
    ));
    s.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head\"/></marker></defs>\n");
    let cx = 230;
    node(&mut s, (cx - 50, 10, 100, 30), "terminal", &["START"], None);
    arrow(&mut s, &[(cx, 40), (cx, 60)], None);
    node(
        &mut s,
        (cx - 130, 60, 260, 50),
        "plain",
        &[
            "API Invoker and CAPIF core pre-provisioned",
            "with onboarding enrollment information",
        ],
        None,
    );
    if sut == Sut::Invoker {
        enrolment_apart(&mut s, results, (cx + 130, 85));
    }
    arrow(&mut s, &[(cx, 110), (cx, 130)], None);
    node(
        &mut s,
        (cx - 130, 130, 260, 40),
        "plain",
        &["API Invoker initiates secure connection"],
        None,
    );
    arrow(&mut s, &[(cx, 170), (cx, 196)], None);
    diamond(
        &mut s,
        cx,
        258,
        tls,
        &["Secure connection", "successful?"],
        &tls_l,
    );
    arrow(&mut s, &[(cx, 320), (cx, 350)], Some(("Y", cx + 8, 340)));
    node(
        &mut s,
        (cx - 130, 350, 260, 40),
        "plain",
        &["API Invoker makes Onboard API Invoker request"],
        None,
    );
    arrow(&mut s, &[(cx, 390), (cx, 410)], None);
    node(
        &mut s,
        (cx - 130, 410, 260, 36),
        "plain",
        &["CAPIF core validates request"],
        None,
    );
    arrow(&mut s, &[(cx, 446), (cx, 472)], None);
    diamond(&mut s, cx, 534, req, &["Request valid?"], &req_l);
    arrow(&mut s, &[(cx, 596), (cx, 626)], Some(("Y", cx + 8, 616)));
    node(
        &mut s,
        (cx - 130, 626, 260, 56),
        ok,
        &["CAPIF core provides Onboard", "API Invoker response"],
        Some(&ok_l),
    );
    // N from "Request valid?" to "Reject onboarding request" (right column).
    arrow(
        &mut s,
        &[(cx + 120, 534), (505, 534), (505, 612)],
        Some(("N", cx + 130, 528)),
    );
    node(
        &mut s,
        (402, 612, 206, 56),
        req,
        &["Reject onboarding", "request"],
        Some(&req_l),
    );
    // Both responses lead to the teardown.
    arrow(&mut s, &[(cx, 682), (cx, 726)], None);
    arrow(
        &mut s,
        &[(505, 668), (505, 700), (cx + 60, 700), (cx + 60, 726)],
        None,
    );
    // N from "Secure connection successful?" straight to the teardown, far right.
    arrow(
        &mut s,
        &[(cx + 120, 258), (615, 258), (615, 745), (cx + 110, 745)],
        Some(("N", cx + 130, 252)),
    );
    node(
        &mut s,
        (cx - 110, 726, 220, 50),
        td,
        &["Tear down connection"],
        Some(&td_l),
    );
    arrow(&mut s, &[(cx, 776), (cx, 806)], None);
    node(&mut s, (cx - 50, 806, 100, 30), "terminal", &["END"], None);
    offboarding_apart(&mut s, results, sut, (cx - 130, 654));
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Severity;

    /// Red marks what gates: a branch whose only failure is recommended is marked apart.
    #[test]
    fn only_a_mandatory_failure_colours_a_branch_red() {
        let mut results = super::super::snapshots::synthetic().results;
        let failed = results.iter().position(|r| r.id == "CCF-CRED-01").unwrap();
        assert_eq!(results[failed].severity, Severity::Mandatory);
        let (class, label) = branch_state(&results, Sut::Core, results[failed].branch);
        assert_eq!((class, label.as_str()), ("fail", "0/1 pass, 1 fail"));
        results[failed].severity = Severity::Recommended;
        let (class, label) = branch_state(&results, Sut::Core, results[failed].branch);
        assert_eq!(
            (class, label.as_str()),
            ("advisory", "0/1 pass, 1 fail (not mandatory)")
        );
    }
}
