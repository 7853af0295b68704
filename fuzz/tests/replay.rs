//! Replays the fuzz corpora once, without libFuzzer: every file under
//! `corpus/<target>/`, plus the inputs the corpora are seeded from (the recorded
//! Prometheus answers under every status/content-type selector `seed.sh` uses,
//! the example configurations, and every line-prefix of those), goes through the
//! target's checks. A panic fails the test naming the input; an empty corpus fails
//! too, so the test cannot pass by finding nothing.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use panopticon_fuzz::{check_config_from_yaml, check_decode_response};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every regular file directly in `dir` (sorted, so failures read the same every run).
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

/// Runs every input through `check`; panics listing each input that failed.
fn replay(target: &str, inputs: &[(String, Vec<u8>)], check: fn(&[u8])) {
    assert!(!inputs.is_empty(), "{target}: no inputs to replay");
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|(name, data)| {
            catch_unwind(AssertUnwindSafe(|| check(data)))
                .err()
                .map(|panic| {
                    let why = panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("(no message)");
                    format!("{name}: {why}")
                })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{target}: {} of {} inputs failed:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
    eprintln!("{target}: {} inputs replayed", inputs.len());
}

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("fuzz/corpus").join(target);
    let inputs: Vec<(String, Vec<u8>)> = files(&dir, "")
        .into_iter()
        .map(|p| {
            (
                format!("corpus/{target}/{}", name(&p)),
                fs::read(&p).expect("corpus file"),
            )
        })
        .collect();
    assert!(!inputs.is_empty(), "{}: empty corpus", dir.display());
    inputs
}

fn name(path: &Path) -> String {
    path.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn decode_response_corpus() {
    let mut inputs = corpus("decode_response");
    let fixtures = repo().join("tests/fixtures/prometheus");
    for dir in [fixtures.clone(), fixtures.join("derived")] {
        for body in files(&dir, ".body") {
            let bytes = fs::read(&body).expect("fixture");
            // The selectors of seed.sh: 200 + JSON, and 503 + text/plain.
            for (selector, label) in [([0u8, 0u8], "200-json"), ([6, 1], "503-text")] {
                let mut data = selector.to_vec();
                data.extend_from_slice(&bytes);
                inputs.push((format!("fixture {} as {label}", name(&body)), data));
            }
        }
    }
    replay("decode_response", &inputs, check_decode_response);
}

#[test]
fn config_from_yaml_corpus() {
    let mut inputs = corpus("config_from_yaml");
    for example in files(&repo().join("examples/config"), ".yaml") {
        let text = fs::read_to_string(&example).expect("example config");
        inputs.push((
            format!("example {}", name(&example)),
            text.clone().into_bytes(),
        ));
        // Every line-prefix: a file cut anywhere (a half-written deploy) must still
        // fail with a position, never panic.
        let mut cut = 0;
        for line in text.split_inclusive('\n') {
            cut += line.len();
            inputs.push((
                format!("example {} cut after byte {cut}", name(&example)),
                text.as_bytes()[..cut].to_vec(),
            ));
        }
    }
    replay("config_from_yaml", &inputs, check_config_from_yaml);
}

/// The replay itself: a failing input is reported by name (so the test above is
/// not vacuous), and nothing to replay is a failure, not a pass.
#[test]
fn replay_names_failing_inputs_and_refuses_to_pass_on_nothing() {
    fn fragile(data: &[u8]) {
        assert!(data != b"boom", "it broke");
    }
    let inputs = vec![
        ("fine".to_string(), b"ok".to_vec()),
        ("the bad one".to_string(), b"boom".to_vec()),
    ];
    let failure = catch_unwind(|| replay("fragile", &inputs, fragile))
        .expect_err("a failing input must fail the replay");
    let message = failure.downcast_ref::<String>().expect("a message");
    assert!(message.contains("1 of 2 inputs failed"), "{message}");
    assert!(message.contains("the bad one: it broke"), "{message}");
    assert!(catch_unwind(|| replay("empty", &[], fragile)).is_err());
}
