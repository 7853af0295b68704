//! `silence`, `silences` and `unsilence` against the real Debian Alertmanager
//! (`prometheus-alertmanager`, 0.25) on a free loopback port, gossip off.

#[path = "support/process.rs"]
mod support;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::{Guard, SIM, TempDir, free_port, http, wait_for};

const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

struct Alertmanager {
    url: String,
    _guard: Guard,
    _dir: TempDir,
}

impl Alertmanager {
    fn start() -> Self {
        let dir = TempDir::new("alertmanager");
        let config = dir.path().join("alertmanager.yml");
        std::fs::write(
            &config,
            "route: { receiver: none }\nreceivers: [{ name: none }]\n",
        )
        .expect("write config");
        let port = free_port();
        let child = Command::new(ALERTMANAGER)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus-alertmanager (apt-get install prometheus-alertmanager)");
        let guard = Guard(child);
        let url = format!("http://127.0.0.1:{port}");
        wait_for(
            "Alertmanager to be ready",
            Duration::from_secs(30),
            || match http(
                "GET",
                &format!("{url}/-/ready"),
                None,
                Duration::from_secs(2),
            ) {
                Ok(r) if r.status == 200 => Ok(()),
                Ok(r) => Err(format!("HTTP {}", r.status)),
                Err(e) => Err(e),
            },
        );
        Self {
            url,
            _guard: guard,
            _dir: dir,
        }
    }

    fn silences(&self) -> Vec<serde_json::Value> {
        let reply = http(
            "GET",
            &format!("{}/api/v2/silences", self.url),
            None,
            Duration::from_secs(5),
        )
        .expect("list silences");
        serde_json::from_str(&reply.body).expect("silences are JSON")
    }
}

fn cli(args: &[&str]) -> Output {
    Command::new(SIM)
        .args(args)
        .env_remove("PANOPTICON_SIM_ALERTMANAGER")
        .output()
        .expect("run panopticon-sim")
}

#[test]
fn makes_lists_and_expires_a_silence_in_the_real_alertmanager() {
    let am = Alertmanager::start();
    let out = cli(&[
        "silence",
        "weave",
        "--minutes",
        "30",
        "--comment",
        "router upgrade, ticket OPS-7",
        "--created-by",
        "alice",
        "--alertmanager",
        &am.url,
    ]);
    assert!(out.status.success(), "{out:?}");
    let reply: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON reply");
    let id = reply["silenceID"].as_str().expect("silenceID").to_owned();

    let silences = am.silences();
    assert_eq!(silences.len(), 1);
    let silence = &silences[0];
    assert_eq!(silence["id"], id.as_str());
    assert_eq!(silence["status"]["state"], "active");
    assert_eq!(silence["createdBy"], "alice");
    assert_eq!(silence["comment"], "router upgrade, ticket OPS-7");
    assert_eq!(
        silence["matchers"],
        serde_json::json!([{ "name": "service", "value": "weave", "isRegex": false, "isEqual": true }])
    );
    // 30 minutes, give or take the clock's seconds.
    let seconds = |field: &str| {
        let text = silence[field].as_str().expect("a time");
        let hms: Vec<f64> = text[11..19]
            .split(':')
            .map(|p| p.parse().expect("number"))
            .collect();
        hms[0] * 3600.0 + hms[1] * 60.0 + hms[2]
    };
    let length = (seconds("endsAt") - seconds("startsAt")).rem_euclid(86_400.0);
    assert!((1790.0..=1810.0).contains(&length), "{silence}");

    let listed = cli(&["silences", "--alertmanager", &am.url]);
    assert!(listed.status.success(), "{listed:?}");
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id));

    let expired = cli(&["unsilence", &id, "--alertmanager", &am.url]);
    assert!(expired.status.success(), "{expired:?}");
    assert_eq!(am.silences()[0]["status"]["state"], "expired");

    // An unknown id: Alertmanager's refusal, exit 1, with what it said.
    let unknown = cli(&[
        "unsilence",
        "00000000-0000-0000-0000-000000000000",
        "--alertmanager",
        &am.url,
    ]);
    assert_eq!(unknown.status.code(), Some(1), "{unknown:?}");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Alertmanager refused DELETE"));
}

#[test]
fn says_when_alertmanager_cannot_be_reached() {
    let port = free_port();
    let out = cli(&[
        "silence",
        "host",
        "--alertmanager",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot reach Alertmanager at"),
        "{out:?}"
    );
}
