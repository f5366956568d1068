//! Contract tests: every operation of every pinned version, called through the generated
//! client against Prism serving the same (pinned, overlaid) spec.
//!
//! Prism validates each request against the spec and answers 422 when it does not conform,
//! so a rejected request means the generated code sends something the spec does not allow.
//! Static mode answers with the spec's examples; dynamic mode (`-d`) with random,
//! schema-valid bodies. Every answer must decode into the operation's output type.
//!
//! Needs Node.js (20+, with npm); Prism is installed from `tests/contract/package-lock.json` on
//! first use (`npm ci --prefix tests/contract`, which `.ci/run` also runs up front).

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use intercom_api_runtime::{Client, Error, Operation, RetryPolicy};
use serde::de::DeserializeOwned;

/// Every version's generated calls, and its two tests (`versions::v2_12_static`, …).
#[rustfmt::skip]
#[path = "../generated/contract.rs"]
mod versions;

/// Calls per operation in dynamic mode, where every answer is a different random body.
const DYNAMIC_CALLS: usize = 3;

/// A Prism process, stopped when dropped.
struct Prism {
    child: Child,
    base_url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prism_bin() -> PathBuf {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = intercom_tests::root().join("tests/contract");
    let bin = dir.join("node_modules/.bin/prism");
    if !bin.exists() {
        // The test command sets itself up: Prism, pinned by tests/contract/package-lock.json.
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        let status =
            Command::new(npm).args(["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix"]).arg(&dir).status().unwrap_or_else(
                |e| {
                    panic!(
                        "the contract tests need the Prism mock server, installed with npm from \
                     tests/contract/package-lock.json, but npm cannot run ({e}).\n\
                     Install Node.js 20 or newer (with npm), then run the tests again."
                    )
                },
            );
        assert!(status.success(), "`npm ci --prefix tests/contract` failed ({status}); see its output above");
    }
    assert!(bin.exists(), "`npm ci --prefix tests/contract` did not install {}", bin.display());
    bin
}

/// Writes the version's effective spec (pinned file plus overlay) where Prism can read it.
fn effective_spec(version: &str) -> PathBuf {
    let ws = intercom_tests::workspace();
    let pin = ws.pins.versions.iter().find(|p| p.id == version).unwrap_or_else(|| panic!("no pin for {version}"));
    let mut document = ws.effective_document(pin).unwrap_or_else(|e| panic!("{e}"));
    for adapted in adapt_for_prism(&mut document) {
        println!("contract {version}: mock adaptation: {adapted}");
    }
    let dir = intercom_tests::root().join(".cache/effective");
    std::fs::create_dir_all(&dir).expect("create .cache/effective");
    let path = dir.join(format!("{}.json", pin.module));
    std::fs::write(&path, serde_json::to_vec(&document).expect("JSON")).expect("write the effective spec");
    path
}

/// Prism reads an exploded `form` object parameter (`?user_id=…`) by looking up the keys in
/// the schema's `properties`; a schema that lists its keys only inside `oneOf`/`anyOf`
/// alternatives (`GET /events` `filter`) is never filled, so Prism rejects every request
/// (the same limitation as stoplightio/prism#2675). The served copy lists the alternatives'
/// properties at the top as well; the alternatives still validate exactly as before. The
/// generated code and its spec are untouched. Returns what was adapted.
fn adapt_for_prism(document: &mut serde_json::Value) -> Vec<String> {
    let mut adapted = Vec::new();
    let Some(paths) = document.get_mut("paths").and_then(|p| p.as_object_mut()) else { return adapted };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) else { continue };
            for param in params {
                let exploded_form = param["in"] == "query"
                    && param.get("style").is_none_or(|s| s == "form")
                    && param.get("explode").is_none_or(|e| e == true);
                let name = param["name"].as_str().unwrap_or_default().to_owned();
                let Some(schema) = param.get_mut("schema").and_then(|s| s.as_object_mut()) else { continue };
                if !exploded_form || schema.contains_key("properties") {
                    continue;
                }
                let mut properties = serde_json::Map::new();
                for key in ["oneOf", "anyOf"] {
                    for alternative in schema.get(key).and_then(|a| a.as_array()).into_iter().flatten() {
                        if let Some(props) = alternative.get("properties").and_then(|p| p.as_object()) {
                            properties.extend(props.iter().map(|(k, v)| (k.clone(), v.clone())));
                        }
                    }
                }
                if !properties.is_empty() {
                    schema.insert("properties".to_owned(), serde_json::Value::Object(properties));
                    adapted.push(format!("{} {path} query `{name}`: alternatives' properties listed at the top", method.to_uppercase()));
                }
            }
        }
    }
    adapted
}

fn start_prism(spec: &PathBuf, dynamic: bool) -> Prism {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port").port();
    let mut command = Command::new(prism_bin());
    command.args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()]);
    if dynamic {
        command.arg("--dynamic");
    }
    let mut child = command.arg(spec).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start prism");
    // Prism logs every request on stdout; drain it so it never blocks, keeping the startup
    // lines for the failure message.
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut log = Vec::new();
    loop {
        while let Ok(line) = rx.try_recv() {
            if log.len() < 40 {
                log.push(line);
            }
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
            }
            panic!("prism exited ({status}) before listening:\n{}\n{stderr}", log.join("\n"));
        }
        assert!(Instant::now() < deadline, "prism did not listen within 180 s:\n{}", log.join("\n"));
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::spawn(move || while rx.recv().is_ok() {});
    Prism { child, base_url: format!("http://127.0.0.1:{port}") }
}

/// Sends operations and tallies what came back. The generated `call_all` drives it.
pub struct Harness {
    client: Client,
    calls_per_operation: usize,
    operations: usize,
    calls: usize,
    repaired_samples: usize,
    mock_crashes: usize,
    rejected: Vec<String>,
    undecodable: Vec<String>,
    other: Vec<String>,
}

fn is_mock_crash<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(Error::Api(e)) if e.status.as_u16() == 500
        && e.body_snippet.as_deref().is_some_and(|b| b.contains("stoplight.io/prism/errors#UNKNOWN")))
}

impl Harness {
    fn new(base_url: &str, calls_per_operation: usize) -> Harness {
        // Redirects are answers to check, not to follow (a followed `Location` would leave the
        // loopback mock).
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("reqwest client");
        let client = Client::builder("contract-test-token")
            .http_client(http)
            .base_url(base_url)
            .timeout(Duration::from_secs(60))
            .retry(RetryPolicy::never())
            .build()
            .expect("client");
        Harness {
            client,
            calls_per_operation,
            operations: 0,
            calls: 0,
            repaired_samples: 0,
            mock_crashes: 0,
            rejected: Vec::new(),
            undecodable: Vec::new(),
            other: Vec::new(),
        }
    }

    /// Builds operation `O` from its sample and sends it.
    /// `has_success`: whether the spec lists a 2xx response; an operation that lists only a
    /// redirect or errors is answered with one of those, which is not a failure.
    pub async fn call<O: Operation + DeserializeOwned>(&mut self, id: &str, sample: &str, repairs: usize, has_success: bool) {
        self.operations += 1;
        if repairs > 0 {
            self.repaired_samples += 1;
        }
        let operation: O = match serde_json::from_str(sample) {
            Ok(op) => op,
            Err(e) => {
                self.other.push(format!("{id}: the sample does not build the operation: {e}\n  sample: {sample}"));
                return;
            }
        };
        for _ in 0..self.calls_per_operation {
            self.calls += 1;
            let mut result = self.client.send(&operation).await;
            // Prism's random data generator (json-schema-faker) sometimes crashes on the
            // deepest conversation schemas and answers 500 UNKNOWN; a new call draws new data.
            // Crashes are counted and printed; ten in a row for one call fail the test.
            for _ in 0..10 {
                if !is_mock_crash(&result) {
                    break;
                }
                self.mock_crashes += 1;
                result = self.client.send(&operation).await;
            }
            match result {
                Ok(_) => {}
                Err(Error::Api(e)) if e.status.as_u16() == 422 || e.status.as_u16() == 400 => {
                    self.rejected.push(format!("{id} ({} {}): {e}\n  sample: {sample}", O::METHOD, O::PATH));
                }
                Err(Error::Api(_)) if !has_success => {}
                Err(Error::Decode(e)) => self.undecodable.push(format!("{id} ({} {}): {e}", O::METHOD, O::PATH)),
                Err(e) => self.other.push(format!("{id} ({} {}): {e}", O::METHOD, O::PATH)),
            }
        }
    }

    fn report(&self, version: &str, mode: &str, expected_operations: usize) {
        println!(
            "contract {version} ({mode}): {}/{expected_operations} operations called, {} calls, {} rejected, {} decode failures, \
             {} other failures; {} samples repaired from invalid spec examples; {} mock crashes retried",
            self.operations,
            self.calls,
            self.rejected.len(),
            self.undecodable.len(),
            self.other.len(),
            self.repaired_samples,
            self.mock_crashes,
        );
        let mut problems = String::new();
        for (what, list) in
            [("rejected by Prism", &self.rejected), ("did not decode", &self.undecodable), ("failed otherwise", &self.other)]
        {
            if !list.is_empty() {
                problems.push_str(&format!("\n{} {what}:\n", list.len()));
                for line in list.iter().take(60) {
                    problems.push_str(&format!("- {line}\n"));
                }
            }
        }
        assert!(problems.is_empty(), "contract {version} ({mode}) failed:{problems}");
        assert_eq!(self.operations, expected_operations, "every operation must be called");
    }
}

/// Runs one version's calls on a thread with a large stack: decoding the deepest responses
/// with serde in a debug build needs more than a test thread's default 2 MiB.
fn run(version: &'static str, module: &'static str, dynamic: bool, expected: usize) {
    // One Prism at a time: six Node processes would fight over two cores, and a port picked
    // as free could be taken by a sibling's server before ours binds it.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    std::thread::Builder::new()
        .name(format!("contract-{module}"))
        .stack_size(64 << 20)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
            runtime.block_on(run_calls(version, module, dynamic, expected));
        })
        .expect("spawn the contract thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

async fn run_calls(version: &str, module: &str, dynamic: bool, expected: usize) {
    let spec = effective_spec(version);
    let prism = start_prism(&spec, dynamic);
    let mut harness = Harness::new(&prism.base_url, if dynamic { DYNAMIC_CALLS } else { 1 });
    versions::call_all(module, &mut harness).await;
    drop(prism);
    harness.report(version, if dynamic { "dynamic" } else { "static" }, expected);
}
