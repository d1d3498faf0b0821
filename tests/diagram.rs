//! Diagrams as a user meets them: `vpcreach diagram … -o FILE` and `analyze --dot DIR`.
//!
//! - DOT of every bundled sample is an insta snapshot (so any change to a drawing is a reviewable
//!   diff) and parses back with graphviz-rust's parser;
//! - the evidence is in the DOT: proven paths with their line style, blocking edges with their
//!   code ending at the blocking component, the legend;
//! - the large sample collapses idle subnets, `--full` does not;
//! - selections and file names are validated (exit 2), a missing Graphviz says how to install it;
//! - with Graphviz installed, SVG/PNG/PDF are rendered for real and the SVG is well-formed XML
//!   holding the expected node IDs. Without it those tests print `SKIPPED` and return, unless
//!   `VPCREACH_FULL_TESTS=1`, when they fail.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLES: &[&str] = &[
    "isolated",
    "nat-egress",
    "public-subnet",
    "direct-internet",
    "endpoint-mistakes",
    "acl-traps",
];

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vpcreach"));
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run vpcreach")
}

fn run(args: &[&str]) -> Output {
    run_env(args, &[])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh scratch directory under the target dir (no extra dev-dependency for temp dirs).
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("diagram-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Draw `args` into a DOT file and return its text.
fn dot_of(args: &[&str], name: &str) -> String {
    let out = scratch(name).join("d.dot");
    let mut all: Vec<&str> = vec!["diagram"];
    all.extend(args);
    let o_path = out.to_str().unwrap().to_string();
    all.extend(["-o", &o_path]);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "diagram prints nothing on stdout");
    std::fs::read_to_string(&out).unwrap()
}

/// Is an outside program there? When not: skip loudly, or fail under VPCREACH_FULL_TESTS=1.
fn have(program: &str, args: &[&str], why: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("VPCREACH_FULL_TESTS").as_deref() == Ok("1") {
            panic!("{why}: `{program}` is not installed, and VPCREACH_FULL_TESTS=1");
        }
        // Straight to the process's stderr: libtest captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {why}: `{program}` not installed (apt-get install graphviz)"
        );
    }
    ok
}

fn assert_parses(dot: &str, what: &str) {
    if let Err(e) = graphviz_rust::parse(dot) {
        panic!("{what}: the DOT does not parse: {e}");
    }
}

#[test]
fn dot_of_every_sample() {
    for s in SAMPLES {
        let dot = dot_of(&[&format!("samples/{s}")], s);
        assert_parses(&dot, s);
        assert!(dot.starts_with("digraph \"vpcreach\" {"), "{s}");
        let g = Parsed::of(&dot, s);
        assert_eq!(
            g.nodes.keys().filter(|id| id.contains("legend")).count(),
            1,
            "{s}: one legend node"
        );
        assert!(!dot.contains("cluster_legend"), "{s}: no legend cluster");
        insta::assert_snapshot!(format!("dot_{s}"), dot);
    }
}

#[test]
fn output_is_deterministic() {
    let a = dot_of(&["samples/large"], "det-a");
    let b = dot_of(&["samples/large"], "det-b");
    assert_eq!(a, b);
}

#[test]
fn clusters_per_vpc_az_and_subnet() {
    let dot = dot_of(&["samples/isolated"], "clusters");
    for want in [
        "subgraph \"cluster_vpc-00a0029d65932575b\"",
        "label=\"VPC vpc-00a0029d65932575b (ml-isolated)\\n10.20.0.0/16\"",
        "subgraph \"cluster_vpc-00a0029d65932575b/us-east-1a\"",
        "subgraph \"cluster_subnet-00dc4578058d31b14\"",
        "label=\"subnet-00dc4578058d31b14 (ml-isolated-notebooks-a)\\n10.20.1.0/24\"",
        // The subnet's routing node names its route table and ACL.
        "label=\"routes: rtb-011680e8fbd635d73\\nACL: acl-08017f90da7f9b154\"",
        // Endpoint interfaces sit in their subnets.
        "\"vpce-06eb1b3c8bfa2bb4d@subnet-04e05126a1ea6fe24\"",
        // One node per service checked, and the internet.
        "\"com.amazonaws.us-east-1.sts\"",
        "\"internet\"[",
    ] {
        assert!(dot.contains(want), "missing {want}");
    }
}

/// A DOT text parsed back with graphviz-rust: every node (ID → attributes) and edge (from, to,
/// attributes), clusters and subgraphs flattened. Attribute values keep their quotes.
type Attrs = Vec<(String, String)>;

struct Parsed {
    nodes: std::collections::BTreeMap<String, Attrs>,
    edges: Vec<(String, String, Attrs)>,
}

impl Parsed {
    fn of(dot: &str, what: &str) -> Parsed {
        use graphviz_rust::dot_structures::{EdgeTy, Graph, Id, Stmt, Vertex};
        fn id(i: &Id) -> String {
            match i {
                Id::Escaped(s) => s
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or(s)
                    .to_string(),
                Id::Html(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
            }
        }
        fn attrs(a: &[graphviz_rust::dot_structures::Attribute]) -> Attrs {
            a.iter().map(|a| (id(&a.0), id(&a.1))).collect()
        }
        fn walk(stmts: &[Stmt], p: &mut Parsed) {
            for s in stmts {
                match s {
                    Stmt::Node(n) => {
                        p.nodes.insert(id(&n.id.0), attrs(&n.attributes));
                    }
                    Stmt::Edge(e) => {
                        if let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty {
                            p.edges.push((id(&a.0), id(&b.0), attrs(&e.attributes)));
                        }
                    }
                    Stmt::Subgraph(g) => walk(&g.stmts, p),
                    _ => {}
                }
            }
        }
        let g = graphviz_rust::parse(dot).unwrap_or_else(|e| panic!("{what}: {e}"));
        let Graph::DiGraph { stmts, .. } = g else {
            panic!("{what}: not a digraph")
        };
        let mut p = Parsed {
            nodes: Default::default(),
            edges: Vec::new(),
        };
        walk(&stmts, &mut p);
        p
    }

    fn attr<'a>(attrs: &'a [(String, String)], k: &str) -> Option<&'a str> {
        attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
    }

    fn label(&self, node: &str) -> &str {
        self.nodes
            .get(node)
            .and_then(|a| Self::attr(a, "label"))
            .unwrap_or_else(|| panic!("no node {node} with a label"))
    }

    /// Drawn nodes: the invisible helpers and the legend left out.
    fn drawn(&self) -> usize {
        self.nodes.keys().filter(|id| *id != "legend").count()
    }

    /// The blocked edges (a bar at their head) out of `from`: head and label.
    fn blocked_from(&self, from: &str) -> Vec<(&str, &str)> {
        self.edges
            .iter()
            .filter(|(a, _, at)| a == from && Self::attr(at, "arrowhead") == Some("tee"))
            .map(|(_, b, at)| (b.as_str(), Self::attr(at, "label").unwrap_or("")))
            .collect()
    }
}

#[test]
fn the_legend_is_one_table_of_the_kinds_drawn() {
    let dot = dot_of(&["samples/acl-traps"], "legend");
    let g = Parsed::of(&dot, "acl-traps");
    let legend = g.label("legend");
    assert!(
        legend.starts_with("<<table") && legend.ends_with("</table>>"),
        "{legend}"
    );
    // Present: notebooks that fail, NAT gateways, internet paths, blocks, routes.
    for want in [
        "notebook (NOT compliant)",
        "NAT gateway",
        "proven path over the internet",
        "blocked: ends at what decides it",
        "route (labelled with its destinations)",
    ] {
        assert!(legend.contains(want), "legend lacks {want}: {legend}");
    }
    // Absent from this diagram, so absent from its legend.
    for absent in [
        "notebook (compliant)",
        "unknown: leaves the model",
        "leaves the model (TGW",
        "SageMaker service network",
        "VPC setting",
    ] {
        assert!(!legend.contains(absent), "legend lists {absent}: {legend}");
    }
    // Compact: rows of three entries, not one tall column.
    let rows = legend.matches("<tr>").count();
    let entries = legend.matches("align=\"left\">").count() - 1;
    assert!(
        rows <= entries.div_ceil(3) + 1,
        "{rows} rows for {entries} entries"
    );
    assert!(
        dot.contains("rank=sink"),
        "the legend sits at the last rank"
    );
}

#[test]
fn services_no_edge_reaches_are_folded_into_one_node() {
    let dot = dot_of(
        &["samples/acl-traps", "--notebook", "nb-nat-return-blocked"],
        "unused",
    );
    let g = Parsed::of(&dot, "unused");
    let label = g.label("aws-services-not-used");
    assert!(label.starts_with("AWS services (not used):"), "{label}");
    for svc in ["logs", "s3", "sagemaker.api", "sagemaker.runtime", "sts"] {
        assert!(label.contains(svc), "{svc} not folded: {label}");
        assert!(
            !g.nodes
                .contains_key(&format!("com.amazonaws.us-east-1.{svc}")),
            "{svc} still has its own node"
        );
    }
    // Services a path reaches keep their node, and nothing is folded when every one is reached.
    let dot = dot_of(&["samples/isolated"], "used");
    let g = Parsed::of(&dot, "used");
    assert!(g.nodes.contains_key("com.amazonaws.us-east-1.s3"));
    assert!(!g.nodes.contains_key("aws-services-not-used"));
}

#[test]
fn a_blocked_edge_ends_at_what_to_change_with_the_fix() {
    // The endpoints' security group refuses the notebook: the edge ends at that group, not at
    // an endpoint, and says which rule to add.
    let dot = dot_of(
        &[
            "samples/endpoint-mistakes",
            "--notebook",
            "nb-endpoint-sg-no-ingress",
        ],
        "fix-sg",
    );
    let g = Parsed::of(&dot, "fix-sg");
    let b = g.blocked_from("notebook/nb-endpoint-sg-no-ingress");
    let (head, label) = b
        .iter()
        .find(|(_, l)| l.contains("ENDPOINT_SG_INGRESS_MISMATCH"))
        .unwrap_or_else(|| panic!("{b:?}"));
    assert_eq!(*head, "endpoint-sg/sg-0e6150f8881b1d32f");
    assert!(g.label(head).contains("sg-0e6150f8881b1d32f"));
    assert!(
        label.contains("fix: add tcp 443 ingress from the notebook to sg-0e6150f8881b1d32f"),
        "{label}"
    );
    // One edge for the four endpoints that share the group.
    assert!(
        label.contains("logs, sagemaker.api, sagemaker.runtime, sts:"),
        "{label}"
    );

    // S3's gateway endpoint is not associated with the notebook's route table: the edge ends
    // at the subnet's routing node (its route table) and names the association to make.
    let dot = dot_of(
        &[
            "samples/endpoint-mistakes",
            "--notebook",
            "nb-s3-wrong-route-table",
        ],
        "fix-rtb",
    );
    let g = Parsed::of(&dot, "fix-rtb");
    let b = g.blocked_from("notebook/nb-s3-wrong-route-table");
    let (head, label) = b
        .iter()
        .find(|(_, l)| l.contains("s3: NO_ROUTE_TO_DESTINATION"))
        .unwrap_or_else(|| panic!("{b:?}"));
    assert!(
        g.label(head).starts_with("routes: rtb-05b6271c7100bafb0"),
        "{head}"
    );
    assert!(
        label.contains(
            "fix: associate s3 gateway endpoint vpce-0620a5e2e257b6f38 with rtb-05b6271c7100bafb0"
        ),
        "{label}"
    );
    // A block that keeps a notebook off the internet passes the profile: no fix offered.
    let internet = b
        .iter()
        .filter(|(_, l)| l.contains("internet:"))
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        !internet.contains("internet: NO_ROUTE_TO_DESTINATION rtb-05b6271c7100bafb0<br/>fix"),
        "{internet}"
    );
}

#[test]
fn one_notebook_gets_its_own_view() {
    for (sample, nb) in [
        ("acl-traps", "nb-nat-return-blocked"),
        ("endpoint-mistakes", "nb-vpc-dns-hostnames-off"),
    ] {
        let all = Parsed::of(&dot_of(&[&format!("samples/{sample}")], "view-all"), sample);
        let one = Parsed::of(
            &dot_of(
                &[&format!("samples/{sample}"), "--notebook", nb],
                "view-one",
            ),
            nb,
        );
        let full = Parsed::of(
            &dot_of(
                &[&format!("samples/{sample}"), "--notebook", nb, "--full"],
                "view-full",
            ),
            nb,
        );
        assert!(
            one.drawn() < full.drawn() && full.drawn() < all.drawn(),
            "{sample} {nb}: {} in its view, {} with --full, {} for all notebooks",
            one.drawn(),
            full.drawn(),
            all.drawn()
        );
        // The notebook and its subnet stay; the rest of its VPC is one folded node.
        assert!(one.nodes.contains_key(&format!("notebook/{nb}")));
        assert!(
            one.nodes.keys().any(|id| id.ends_with("/collapsed")),
            "{sample}"
        );
        assert!(!full.nodes.keys().any(|id| id.ends_with("/collapsed")));
    }
    // The folded subnets' routes go with them: no NAT gateway only they lead to.
    let one = Parsed::of(
        &dot_of(
            &["samples/acl-traps", "--notebook", "nb-nat-return-blocked"],
            "view-nat",
        ),
        "nat",
    );
    assert!(one.nodes.contains_key("nat-04f9edb23934a36c5"));
    assert!(!one.nodes.contains_key("nat-0ba4ff36e760c7a76"));
}

/// The edge statements of a DOT text from `from` to `to`.
fn edges<'a>(dot: &'a str, from: &str, to: &str) -> Vec<&'a str> {
    let head = format!("\"{from}\" -> \"{to}\"");
    dot.lines()
        .map(str::trim)
        .filter(|l| l.starts_with(&head))
        .collect()
}

#[test]
fn proven_paths_are_drawn_hop_by_hop_with_their_style() {
    let dot = dot_of(&["samples/nat-egress"], "paths");
    // internet goes notebook → subnet → NAT → NAT's subnet → IGW → Internet, bold dashed orange.
    let hops = [
        "notebook/nb-nat-egress",
        "subnet-043aa3fb15f7c1677",
        "nat-05fbf302a1872147c",
        "subnet-08e25f131d49fd440",
        "igw-05a828cd92dbc1c14",
        "internet",
    ];
    for w in hops.windows(2) {
        let e = edges(&dot, w[0], w[1]);
        assert!(
            e.iter()
                .any(|l| l.contains("style=\"dashed,bold\"") && l.contains("#E69F00")),
            "no internet path edge {} -> {}: {e:?}",
            w[0],
            w[1]
        );
    }
    // The edge out of the notebook names the checks that take it.
    assert!(
        edges(&dot, hops[0], hops[1])
            .iter()
            .any(|l| l
                .contains("<td>internet, logs, s3, sagemaker.api, sagemaker.runtime, sts</td>")),
        "{:?}",
        edges(&dot, hops[0], hops[1])
    );
    // A private path is solid blue and ends at the service.
    let dot = dot_of(&["samples/isolated"], "private");
    let e = edges(&dot, "vpce-0cf78ce341e209ae2", "com.amazonaws.us-east-1.s3");
    assert!(
        e.iter()
            .any(|l| l.contains("style=\"solid\"") && l.contains("#0072B2")),
        "{e:?}"
    );
}

#[test]
fn blocking_components_are_marked_with_code_and_rule() {
    let dot = dot_of(&["samples/acl-traps"], "blocked");
    // The NAT subnet's ACL drops the replies: a dashed vermillion edge ending in a bar at that
    // subnet's routing node, labelled with the code, the ACL and the rule.
    let e = edges(
        &dot,
        "notebook/nb-nat-return-blocked",
        "subnet-0d277ad91c98629e6",
    );
    assert!(
        e.iter().any(|l| l.contains("arrowhead=tee")
            && l.contains("style=\"dashed\"")
            && l.contains("#D55E00")
            && l.contains("ACL_RETURN_TRAFFIC acl-08de8a1b293efa1bf #* inbound")),
        "{e:?}"
    );
    // The security group that blocks the internet gets its own node.
    let dot = dot_of(&["samples/isolated"], "sg");
    let e = edges(
        &dot,
        "notebook/nb-isolated-hardened",
        "sg/nb-isolated-hardened",
    );
    assert!(
        e.iter()
            .any(|l| l.contains("internet: ENI_SG_RULES_MISMATCH sg-085bfe263b2179c27")),
        "{e:?}"
    );
}

#[test]
fn unknown_is_dotted_and_ends_where_the_model_ends() {
    let dot = dot_of(
        &[
            "samples/large",
            "--notebook",
            "nb-shared-audit",
            "--check",
            "internet",
        ],
        "unknown",
    );
    let tgw = dot
        .lines()
        .find_map(|l| {
            let l = l.trim();
            l.strip_prefix("\"tgw-")
                .and_then(|r| r.split('"').next())
                .map(|id| format!("tgw-{id}"))
        })
        .expect("a transit gateway node");
    let e = edges(&dot, "notebook/nb-shared-audit", &tgw);
    assert!(
        e.iter().any(|l| l.contains("style=\"dotted\"")
            && l.contains("#CC79A7")
            && l.contains("internet: LEAVES_MODELLED_SCOPE")),
        "{e:?}"
    );
    // Only the chosen check is drawn.
    assert!(!dot.contains("com.amazonaws.us-east-1.s3\"["));
}

#[test]
fn large_diagrams_collapse_idle_subnets_unless_full() {
    let dot = dot_of(&["samples/large"], "collapse");
    assert_parses(&dot, "large");
    assert!(dot.contains("\"vpc-0a40c1d2e3f4a5b60/collapsed\""));
    assert!(dot.contains("more subnets\\nno notebook, no proven path"));
    let subnet_clusters = dot.matches("subgraph \"cluster_subnet-").count();
    assert!(subnet_clusters < 51, "{subnet_clusters} subnets drawn");
    // Notebooks are never folded away.
    assert!(dot.matches("\"notebook/nb-").count() >= 13);

    let full = dot_of(&["samples/large", "--full"], "full");
    assert_parses(&full, "large --full");
    assert!(!full.contains("/collapsed\""));
    assert_eq!(full.matches("subgraph \"cluster_subnet-").count(), 51);

    // A small diagram is never collapsed.
    let small = dot_of(
        &["samples/large", "--vpc", "vpc-0b41d2e3f4a5b6c71"],
        "small",
    );
    assert!(!small.contains("/collapsed\""));
    assert_eq!(small.matches("subgraph \"cluster_subnet-").count(), 12);
}

#[test]
fn selections_are_validated() {
    let out = scratch("sel").join("x.dot");
    let o_path = out.to_str().unwrap();
    for (args, want) in [
        (
            vec!["--notebook", "nb-nope"],
            "--notebook: no such notebook: nb-nope",
        ),
        (vec!["--vpc", "vpc-0nope"], "--vpc vpc-0nope: no such VPC"),
        (vec!["--check", "dynamo;db"], "not a service name"),
        (vec!["--check", "s4"], "did you mean s3"),
        (vec!["--notebook", "NB-Isolatd"], "did you mean nb-isolated"),
    ] {
        let mut all = vec!["diagram", "samples/isolated", "-o", o_path];
        all.extend(args.iter());
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
    let o = run(&["diagram", "samples/isolated", "-o", "x.gif"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown diagram format"),
        "{}",
        stderr(&o)
    );
    let o = run(&["diagram", "samples/isolated"]);
    assert_eq!(o.status.code(), Some(2), "-o is required");
}

#[test]
fn missing_graphviz_says_how_to_install_it() {
    let out = scratch("nodot").join("x.svg");
    let o = run_env(
        &["diagram", "samples/isolated", "-o", out.to_str().unwrap()],
        &[("VPCREACH_DOT", "vpcreach-test-no-such-dot")],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    for want in [
        "vpcreach-test-no-such-dot",
        "apt-get install graphviz",
        "brew install graphviz",
        ".dot",
    ] {
        assert!(e.contains(want), "missing {want:?} in {e}");
    }
    assert!(!out.exists());
    // DOT text needs no Graphviz at all.
    let dot = scratch("nodot2").join("x.dot");
    let o = run_env(
        &["diagram", "samples/isolated", "-o", dot.to_str().unwrap()],
        &[("VPCREACH_DOT", "vpcreach-test-no-such-dot")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn analyze_dot_dir_writes_one_per_notebook_and_vpc() {
    let dir = scratch("dotdir");
    let o = run(&[
        "analyze",
        "samples/direct-internet",
        "--dot",
        dir.to_str().unwrap(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "notebook-nb-direct-internet.dot",
            "notebook-nb-no-vpc.dot",
            "vpc-vpc-04126cdff859ae95e.dot"
        ]
    );
    for n in &names {
        assert_parses(&std::fs::read_to_string(dir.join(n)).unwrap(), n);
    }
    let nb = std::fs::read_to_string(dir.join("notebook-nb-no-vpc.dot")).unwrap();
    assert!(nb.contains("cluster_sagemaker-service-vpc"));
}

#[test]
fn file_names_are_sanitized() {
    use vpcreach::render::dot::file_stem;
    assert_eq!(file_stem("nb-analytics"), "nb-analytics");
    assert_eq!(file_stem("../etc/passwd"), "_.._etc_passwd");
    assert_eq!(file_stem("a b\"c"), "a_b_c");
    assert_eq!(file_stem(""), "_");
}

#[test]
fn names_from_the_snapshot_cannot_break_the_dot() {
    // A Name tag with quotes, backslashes and braces.
    let dir = scratch("evil");
    for f in std::fs::read_dir("samples/isolated").unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "json") {
            let mut text = std::fs::read_to_string(&f).unwrap();
            text = text.replace(
                "\"Value\": \"ml-isolated\"",
                r#""Value": "evil \"quoted\" \\ name } ]; digraph x {""#,
            );
            std::fs::write(dir.join(f.file_name().unwrap()), text).unwrap();
        }
    }
    let dot = dot_of(&[dir.to_str().unwrap()], "evil-out");
    assert_parses(&dot, "evil");
    assert!(
        dot.contains(r#"(evil \"quoted\" \\ name } ]; digraph x {)"#),
        "{dot}"
    );
}

// --- rendering with the real Graphviz ------------------------------------------------------

fn render(args: &[&str], file: &str) -> Option<Vec<u8>> {
    if !have("dot", &["-V"], "rendering diagrams") {
        return None;
    }
    let out = scratch(file).join(file);
    let mut all: Vec<&str> = vec!["diagram"];
    all.extend(args);
    let p = out.to_str().unwrap().to_string();
    all.extend(["-o", &p]);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    Some(std::fs::read(&out).unwrap())
}

/// Every `<title>` of the SVG (Graphviz writes one per node, edge and cluster), checking on the
/// way that the whole document is well-formed XML.
fn svg_titles(svg: &[u8]) -> Vec<String> {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let mut r = Reader::from_reader(svg);
    let mut buf = Vec::new();
    let mut titles = Vec::new();
    let mut title: Option<String> = None;
    let mut depth: i64 = 0;
    let mut saw_svg = false;
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                if e.name().0 == "svg" {
                    saw_svg = true;
                }
                if e.name().0 == "title" {
                    title = Some(String::new());
                }
            }
            Ok(Event::End(_)) => {
                depth -= 1;
                if let Some(t) = title.take() {
                    titles.push(t);
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(cur) = title.as_mut() {
                    cur.push_str(&t.into_inner());
                }
            }
            // Graphviz writes `-` as `&#45;` and `>` as `&gt;` in titles.
            Ok(Event::GeneralRef(e)) => {
                if let Some(cur) = title.as_mut() {
                    match e.resolve_char_ref() {
                        Ok(Some(c)) => cur.push(c),
                        _ => match e.into_inner().as_ref() {
                            "gt" => cur.push('>'),
                            "lt" => cur.push('<'),
                            "amp" => cur.push('&'),
                            "quot" => cur.push('"'),
                            "apos" => cur.push('\''),
                            other => panic!("unknown entity &{other};"),
                        },
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "the SVG is not well-formed XML at {}: {e}",
                r.buffer_position()
            ),
        }
        buf.clear();
    }
    assert!(saw_svg, "no <svg> element");
    assert_eq!(depth, 0, "unbalanced elements");
    titles
}

#[test]
fn svg_renders_and_holds_the_node_ids() {
    let Some(svg) = render(&["samples/acl-traps"], "acl.svg") else {
        return;
    };
    let titles = svg_titles(&svg);
    for want in [
        "notebook/nb-nat-return-blocked",
        "notebook/nb-same-subnet-endpoints",
        "subnet-0d277ad91c98629e6",
        "nat-04f9edb23934a36c5",
        "igw-0051b86c6d0482678",
        "internet",
        "com.amazonaws.us-east-1.s3",
        "cluster_vpc-058f989abdfb2c9bd",
        "legend",
    ] {
        assert!(
            titles.iter().any(|t| t == want),
            "no node {want} in the SVG titles: {titles:?}"
        );
    }
    let text = String::from_utf8_lossy(&svg);
    // Element IDs for linking and testing, and the blocking label made it through.
    assert!(text.contains("id=\"notebook/nb&#45;nat&#45;return&#45;blocked\""));
    assert!(text.contains("ACL_RETURN_TRAFFIC"));
}

#[test]
fn every_sample_and_one_notebook_views_render_to_png() {
    let mut cases: Vec<Vec<String>> = SAMPLES
        .iter()
        .map(|s| vec![format!("samples/{s}")])
        .collect();
    for (s, nb) in [
        ("acl-traps", "nb-nat-return-blocked"),
        ("endpoint-mistakes", "nb-endpoint-sg-no-ingress"),
        ("endpoint-mistakes", "nb-s3-wrong-route-table"),
    ] {
        cases.push(vec![format!("samples/{s}"), "--notebook".into(), nb.into()]);
    }
    for (i, args) in cases.iter().enumerate() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let Some(png) = render(&args, &format!("case{i}.png")) else {
            return;
        };
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{args:?}");
    }
}

#[test]
fn large_sample_renders_and_png_pdf_are_real() {
    let Some(svg) = render(&["samples/large"], "large.svg") else {
        return;
    };
    let titles = svg_titles(&svg);
    assert!(titles.iter().filter(|t| t.starts_with("notebook/")).count() >= 13);
    let png = render(&["samples/isolated"], "iso.png").unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    let pdf = render(&["samples/isolated"], "iso.pdf").unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 1_000);
}
