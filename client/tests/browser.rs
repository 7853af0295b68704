//! The client in a real browser (headless Chromium) against
//! `tests/fixture_server.py`, which replays the responses recorded from
//! Prometheus 2.42. Run with `client/run-browser-tests.sh`.
#![cfg(all(target_arch = "wasm32", feature = "browser-tests"))]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures_util::StreamExt;
use gloo_timers::future::sleep;
use panopticon_client::{Client, ClientConfig};
use panopticon_core::prom::{BaseUrl, PromErrorKind, Query, QueryData, QueryError};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Set at compile time by `run-browser-tests.sh`; read lazily so that
/// `clippy --all-features` builds without it.
const SERVER: Option<&str> = option_env!("PANOPTICON_FIXTURE_SERVER");

fn server() -> &'static str {
    SERVER
        .expect("PANOPTICON_FIXTURE_SERVER unset: start the tests with client/run-browser-tests.sh")
}

fn client_for(base: &str, timeout_ms: u64, max_in_flight: usize) -> Client {
    Client::new(ClientConfig {
        base_url: BaseUrl::parse(base).expect("valid base URL"),
        timeout: Duration::from_millis(timeout_ms),
        max_in_flight,
        auth: None,
    })
}

fn client(timeout_ms: u64) -> Client {
    client_for(server(), timeout_ms, 6)
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
async fn decodes_recorded_instant_and_range_answers() {
    let c = client(5_000);
    let vector = c.instant("vector", 1.0).await.expect("vector");
    assert_eq!(vector.into_vector().expect("a vector").len(), 3);
    let matrix = c
        .range("matrix_range", 0.0, 10.0, 100)
        .await
        .expect("matrix");
    let series = matrix.into_matrix().expect("a matrix");
    assert_eq!(series.len(), 3);
    assert_eq!(series[0].samples.len(), 6);
    let string = c.instant("string", 1.0).await.expect("string");
    assert!(matches!(string.data, QueryData::String { ref value, .. } if value == "panopticon"));
}

#[wasm_bindgen_test]
async fn long_queries_are_sent_as_post() {
    // The server refuses GETs this long with 414.
    let expr = format!("vector {}", "x".repeat(2_500));
    let answer = client(5_000).instant(&expr, 1.0).await;
    assert_eq!(answer.map(|r| r.data.kind()), Ok("vector"));
}

#[wasm_bindgen_test]
async fn failures_keep_their_kind() {
    let c = client(5_000);
    let bad = c.instant("error_bad_data_syntax", 1.0).await.unwrap_err();
    assert!(bad.is_bad_data(), "{bad:?}");
    let slow = c.instant("error_timeout", 1.0).await.unwrap_err();
    assert_eq!(slow.prometheus_kind(), Some(&PromErrorKind::Timeout));
    let proxy = c.instant("derived/nginx_502", 1.0).await.unwrap_err();
    assert!(
        matches!(proxy, QueryError::Http { status: 502, .. }),
        "{proxy:?}"
    );
    let starting = c.instant("starting_503", 1.0).await.unwrap_err();
    assert!(
        matches!(starting, QueryError::Http { status: 503, .. }),
        "{starting:?}"
    );
    let wrong_path = client_for(&format!("{}/wrong", server()), 5_000, 6)
        .instant("vector", 1.0)
        .await
        .unwrap_err();
    assert!(
        matches!(wrong_path, QueryError::Http { status: 404, .. }),
        "{wrong_path:?}"
    );
}

#[wasm_bindgen_test]
async fn no_server_is_unreachable() {
    let err = client_for("http://127.0.0.1:9", 5_000, 6)
        .instant("vector", 1.0)
        .await
        .unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");
    assert!(
        err.to_string().starts_with("Prometheus unreachable: "),
        "{err}"
    );
}

#[wasm_bindgen_test]
async fn the_deadline_aborts_the_fetch() {
    let start = now_ms();
    let err = client(300)
        .instant("sleep_3000_vector", 1.0)
        .await
        .unwrap_err();
    let elapsed = now_ms() - start;
    assert_eq!(
        err,
        QueryError::Timeout {
            after: Duration::from_millis(300)
        }
    );
    assert!(
        elapsed < 1_500.0,
        "waited {elapsed} ms for a 300 ms deadline"
    );
}

#[wasm_bindgen_test]
async fn fan_out_delivers_each_answer_as_it_arrives() {
    let start = now_ms();
    let answers: Vec<(String, Result<&'static str, QueryError>, f64)> = client(1_000)
        .fan_out([
            Query::instant("sleep_3000_vector", 1.0),
            Query::instant("vector", 1.0),
            Query::instant("scalar", 1.0),
            Query::instant("vector", 1.0),
        ])
        .map(|(q, r)| {
            (
                q.expr().to_owned(),
                r.map(|r| r.data.kind()),
                now_ms() - start,
            )
        })
        .collect()
        .await;
    assert_eq!(answers.len(), 3, "duplicates are asked once: {answers:?}");
    let (fast, slow) = answers.split_at(2);
    for (expr, result, at) in fast {
        assert!(result.is_ok(), "{expr}: {result:?}");
        assert!(*at < 900.0, "{expr} waited for the slow query ({at} ms)");
    }
    assert_eq!(slow[0].0, "sleep_3000_vector");
    assert_eq!(
        slow[0].1,
        Err(QueryError::Timeout {
            after: Duration::from_secs(1)
        })
    );
}

#[wasm_bindgen_test]
async fn max_in_flight_bounds_concurrency() {
    let queries = || {
        [
            Query::instant("sleep_400_vector", 1.0),
            Query::instant("sleep_400_scalar", 1.0),
        ]
    };
    for (max, at_least, below) in [(1, 800.0, 5_000.0), (2, 0.0, 780.0)] {
        let start = now_ms();
        let n = client_for(server(), 5_000, max)
            .fan_out(queries())
            .filter(|(_, r)| std::future::ready(r.is_ok()))
            .count()
            .await;
        let elapsed = now_ms() - start;
        assert_eq!(n, 2);
        assert!(
            elapsed >= at_least && elapsed < below,
            "max_in_flight {max}: {elapsed} ms"
        );
    }
}

#[wasm_bindgen_test]
async fn a_newer_refresh_cancels_the_older_one() {
    let c = client(5_000);
    let log = Rc::new(RefCell::new(Vec::new()));
    let old_log = Rc::clone(&log);
    let old = c.refresh([Query::instant("sleep_500_vector", 1.0)], move |q, _| {
        old_log.borrow_mut().push(format!("old {}", q.expr()));
    });
    let new_log = Rc::clone(&log);
    let new = c.refresh(
        [
            Query::instant("sleep_100_scalar", 1.0),
            Query::instant("sleep_100_scalar", 1.0),
        ],
        move |q, r| {
            new_log
                .borrow_mut()
                .push(format!("new {} {:?}", q.expr(), r.map(|r| r.data.kind())));
        },
    );
    assert!(old.is_cancelled());
    assert_eq!((old.generation(), new.generation()), (1, 2));
    assert_eq!(new.queries().len(), 1);
    sleep(Duration::from_secs(1)).await;
    assert_eq!(*log.borrow(), ["new sleep_100_scalar Ok(\"scalar\")"]);
    drop(new);
}

#[wasm_bindgen_test]
async fn dropping_the_handle_cancels_the_refresh() {
    let log = Rc::new(RefCell::new(0));
    let seen = Rc::clone(&log);
    drop(
        client(5_000).refresh([Query::instant("sleep_200_vector", 1.0)], move |_, _| {
            *seen.borrow_mut() += 1;
        }),
    );
    sleep(Duration::from_millis(600)).await;
    assert_eq!(*log.borrow(), 0);

    // Control: the same refresh, kept, does deliver.
    let seen = Rc::clone(&log);
    let kept = client(5_000).refresh([Query::instant("sleep_200_vector", 1.0)], move |_, _| {
        *seen.borrow_mut() += 1;
    });
    sleep(Duration::from_millis(600)).await;
    assert_eq!(*log.borrow(), 1);
    drop(kept);
}
