//! Benchmark (not a test): the organisation-scale figures of issue 11. For each size it generates
//! an organisation with `vpcreach-orggen` (isolated, NAT, public and transit-gateway VPCs, some
//! with mistakes; per VPC 20 subnets, 10 notebooks, ≈85 security-group and ≈48 ACL entries) into a
//! temporary directory, then times, in this process and on the same bytes:
//! the parse-only baseline (read every file and `serde_json::from_slice::<Value>` it), load,
//! convert, analyse (`assess`), render table and render JSON; and then runs the real CLI binary
//! (`vpcreach analyze DIR` and `… --format json -o FILE`), one child per measurement, with its
//! wall time and its own peak RSS (the `VmHWM` it prints with `VPCREACH_TIMINGS=1`; `wait4`'s
//! ru_maxrss would also count this benchmark's own memory, which Linux carries across `exec`).
//!
//! `cargo bench --no-default-features --bench org` (sizes 100 and 1000 VPCs);
//! `VPCREACH_BENCH_VPCS=100,1000,10000` changes the sizes, `VPCREACH_BENCH_SEED` the seed,
//! `VPCREACH_BENCH_RUNS=3` repeats each in-process phase and each CLI command and keeps the
//! fastest (the CLI line also shows the phases that run printed itself). Figures are
//! printed, never asserted. The generated data is deleted afterwards.

// The allocator the CLI uses, so in-process phases measure what `vpcreach analyze` does.
#[global_allocator]
static ALLOCATOR: vpcreach::alloc::Allocator = vpcreach::alloc::Allocator;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vpcreach::assess::{Options, assess};
use vpcreach_orggen::{Spec, generate};

const MIB: f64 = 1024.0 * 1024.0;

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// Every `*.json` under `dir`, recursively, in sorted order (as the loader reads them).
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("scratch directory")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// The fastest of `runs` runs of `f`, and the last result.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        drop(last.take());
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        last = Some(v);
    }
    (best, last.expect("at least one run"))
}

struct ChildRun {
    wall: Duration,
    max_rss_kib: i64,
    exit: i32,
    /// The phases the child printed (`VPCREACH_TIMINGS`): load and analyse, in seconds.
    load: Option<f64>,
    analyse: Option<f64>,
}

/// The fastest (by wall time) of `runs` runs of the CLI.
fn best_cli(runs: usize, bin: &str, args: &[&str], stderr_to: &Path) -> ChildRun {
    (0..runs.max(1))
        .map(|_| run_cli(bin, args, stderr_to))
        .min_by_key(|r| r.wall)
        .expect("at least one run")
}

/// Run the CLI once, standard output discarded, and wait for exactly this child with `wait4`, whose
/// rusage is this child's alone (RUSAGE_CHILDREN would be the maximum over every child so far).
fn run_cli(bin: &str, args: &[&str], stderr_to: &Path) -> ChildRun {
    let err = fs::File::create(stderr_to).expect("stderr file");
    let t = Instant::now();
    let child = Command::new(bin)
        .args(args)
        .env("VPCREACH_TIMINGS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data, zero is a valid value; `wait4` writes both out-parameters.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = t.elapsed();
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    // `child` was reaped by wait4 above; dropping a `Child` does not wait for it again.
    drop(child);
    let exit = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    if !(0..=1).contains(&exit) {
        eprintln!(
            "{bin} {}: exit {exit}\n{}",
            args.join(" "),
            fs::read_to_string(stderr_to).unwrap_or_default()
        );
    }
    // The child's own peak, as it printed it (`VPCREACH_TIMINGS`: "peak N kB"): `wait4`'s
    // ru_maxrss also counts this benchmark's own memory, which Linux carries across `exec`.
    let printed = fs::read_to_string(stderr_to).ok().and_then(|e| {
        e.lines()
            .filter_map(|l| l.split("peak ").nth(1))
            .filter_map(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
            .max()
    });
    let phase = |name: &str| {
        fs::read_to_string(stderr_to).ok().and_then(|e| {
            e.lines()
                .filter_map(|l| l.strip_prefix("timing:"))
                .filter_map(|l| l.trim().strip_prefix(name))
                .filter_map(|v| v.split_whitespace().next()?.parse::<f64>().ok())
                .next()
        })
    };
    ChildRun {
        wall,
        // Linux reports ru_maxrss in KiB.
        max_rss_kib: printed.unwrap_or(usage.ru_maxrss),
        exit,
        load: phase("load"),
        analyse: phase("analyse"),
    }
}

fn proc_field(file: &str, key: &str) -> Option<String> {
    fs::read_to_string(file).ok()?.lines().find_map(|l| {
        l.strip_prefix(key)
            .map(|v| v.trim_start_matches([':', ' ', '\t']).trim().to_string())
    })
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn main() {
    let sizes = {
        let mut s = env_list("VPCREACH_BENCH_VPCS", &[100, 1000]);
        // Ascending, so the in-process peak RSS reported after each size is that size's.
        s.sort_unstable();
        s
    };
    let seed = env_list("VPCREACH_BENCH_SEED", &[1])[0] as u64;
    let runs = env_list("VPCREACH_BENCH_RUNS", &[1])[0];
    let bin = env!("CARGO_BIN_EXE_vpcreach");
    let scratch = std::env::temp_dir().join(format!("vpcreach-bench-org-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).expect("scratch directory");

    println!(
        "machine: {} · {} cores available · {} RAM · load average {} · {} build",
        proc_field("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown CPU".into()),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        proc_field("/proc/meminfo", "MemTotal").unwrap_or_else(|| "?".into()),
        fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "?".into()),
        if cfg!(debug_assertions) {
            "debug (figures meaningless)"
        } else {
            "release"
        },
    );
    println!(
        "seed {seed}, fastest of {runs} run(s) per in-process phase and per CLI command, CLI: {bin}\n"
    );

    let mut summary = Vec::new();
    for &n in &sizes {
        let dir = scratch.join(format!("org-{n}"));
        let t = Instant::now();
        let org = generate(&Spec {
            seed,
            vpcs: n,
            ..Spec::default()
        })
        .expect("spec");
        let written = org.write_dir(&dir).expect("writing the organisation");
        let gen_time = t.elapsed();
        let mut files = Vec::new();
        json_files(&dir, &mut files);
        let bytes = written.bytes();
        println!(
            "== {n} VPCs: {} subnets, {} notebooks, {} SG permission entries, {} ACL entries, {} ENIs; {:.1} MiB of JSON in {} files (generated in {}) · load average {}",
            written.subnets,
            written.notebooks,
            written.sg_permissions,
            written.acl_entries,
            written.network_interfaces,
            bytes as f64 / MIB,
            files.len(),
            secs(gen_time),
            fs::read_to_string("/proc/loadavg")
                .map(|l| l.split_whitespace().next().unwrap_or("?").to_string())
                .unwrap_or_default(),
        );

        // Parse-only baseline: the same bytes, read and parsed into untyped JSON, file by file.
        let (parse, _) = timed(runs, || {
            let mut values = 0usize;
            for f in &files {
                let b = fs::read(f).expect("read");
                let v: serde_json::Value = serde_json::from_slice(&b).expect("valid JSON");
                values += v.as_object().map_or(0, |o| o.len());
            }
            values
        });
        let (load, regions) = timed(runs, || vpcreach::aws::load_regions(&[&dir]).expect("load"));
        let (convert, networks) = timed(runs, || {
            regions
                .iter()
                .map(|r| vpcreach::aws::judge::convert_loaded(r).expect("convert"))
                .collect::<Vec<_>>()
        });
        let (analyse, mut reports) = timed(runs, || {
            assess(&networks, &Options::default()).expect("assess")
        });
        let (_, report) = reports.pop().expect("one report");
        let (table_time, table) = timed(runs, || {
            vpcreach::render::table::render(&report, vpcreach::render::table::Style::default())
        });
        let (json_time, json) = timed(runs, || vpcreach::render::json::render(&report));
        let in_process_rss = proc_field("/proc/self/status", "VmHWM").unwrap_or_default();
        let compliant = report.summary.compliant;
        drop((regions, networks, report));

        let dir_s = dir.to_str().expect("UTF-8 temp path");
        let out = scratch.join("report.json");
        let err = scratch.join("stderr.txt");
        let cli_table = best_cli(runs, bin, &["analyze", dir_s], &err);
        let cli_json = best_cli(
            runs,
            bin,
            &[
                "analyze",
                dir_s,
                "--format",
                "json",
                "-o",
                out.to_str().unwrap(),
            ],
            &err,
        );
        let json_file = fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        let _ = fs::remove_file(&out);

        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        println!("  parse-only (serde_json::Value)  {:>10}", secs(parse));
        println!(
            "  load                            {:>10}   load/parse {:.2}×",
            secs(load),
            ratio(load, parse)
        );
        println!("  convert                         {:>10}", secs(convert));
        println!(
            "  analyse (assess)                {:>10}   analyse/load {:.2}×   ({compliant} of {} notebooks compliant)",
            secs(analyse),
            ratio(analyse, load),
            written.notebooks
        );
        println!(
            "  render table                    {:>10}   ({:.1} MiB)",
            secs(table_time),
            table.len() as f64 / MIB
        );
        println!(
            "  render JSON                     {:>10}   ({} bytes)",
            secs(json_time),
            json.len()
        );
        println!("  in-process peak RSS so far      {in_process_rss:>10}");
        println!(
            "  CLI analyze DIR (table)         {:>10}   peak RSS {:.0} MiB, exit {}; its own load {}, analyse {}, analyse/load {}",
            secs(cli_table.wall),
            cli_table.max_rss_kib as f64 / 1024.0,
            cli_table.exit,
            cli_table.load.map_or("?".into(), |v| format!("{v:.3} s")),
            cli_table
                .analyse
                .map_or("?".into(), |v| format!("{v:.3} s")),
            match (cli_table.load, cli_table.analyse) {
                (Some(l), Some(a)) => format!("{:.2}×", a / l.max(1e-9)),
                _ => "?".into(),
            }
        );
        println!(
            "  CLI analyze DIR --format json   {:>10}   peak RSS {:.0} MiB, exit {}, {} bytes",
            secs(cli_json.wall),
            cli_json.max_rss_kib as f64 / 1024.0,
            cli_json.exit,
            json_file
        );
        println!();
        summary.push(format!(
            "| {n} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} / {:.0} | {:.2} / {:.0} | {:.2} | {:.2} |",
            written.subnets,
            written.notebooks,
            bytes as f64 / MIB,
            parse.as_secs_f64(),
            load.as_secs_f64(),
            convert.as_secs_f64(),
            analyse.as_secs_f64(),
            table_time.as_secs_f64(),
            json_time.as_secs_f64(),
            cli_table.wall.as_secs_f64(),
            cli_table.max_rss_kib as f64 / 1024.0,
            cli_json.wall.as_secs_f64(),
            cli_json.max_rss_kib as f64 / 1024.0,
            ratio(load, parse),
            ratio(analyse, load),
        ));
        drop((table, json));
        let _ = fs::remove_dir_all(&dir);
    }
    let _ = fs::remove_dir_all(&scratch);

    println!(
        "| VPCs | subnets | notebooks | JSON MiB | parse s | load s | convert s | analyse s | table s | JSON s | CLI table s / MiB RSS | CLI JSON s / MiB RSS | load/parse | analyse/load |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in summary {
        println!("{row}");
    }
}
