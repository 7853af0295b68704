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
use panopticon_core::prom::{
    BaseUrl, PromErrorKind, Query, QueryData, QueryError, QueryResult, SUCCESS_BODY_IGNORED,
};
use wasm_bindgen::{JsCast, JsValue};
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
        timeout: Duration::from_millis(timeout_ms),
        max_in_flight,
        // The defaults of `datasource.max_answer_bytes` (8 MiB) and
        // `datasource.max_series` (20,000).
        ..ClientConfig::new(BaseUrl::parse(base).expect("valid base URL"))
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
    // Relative to the answer it did not wait for (3 s), not a tight window:
    // a busy 2-core machine may be slow, never ten times too slow.
    assert!(
        elapsed < 1_500.0,
        "waited {elapsed} ms for a 300 ms deadline (the answer takes 3,000 ms)"
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
    // By order and overlap, not by a time window: the fast answers came
    // first, and well before the slow one gave up (at its 1 s deadline).
    for (expr, result, at) in fast {
        assert!(result.is_ok(), "{expr}: {result:?}");
        assert!(
            *at * 2.0 < slow[0].2,
            "{expr} waited for the slow query ({at} ms, slow at {} ms)",
            slow[0].2
        );
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
    // Each query sleeps 400 ms on the server. One in flight: the second
    // answer comes at least 400 ms after the first (the server's sleep is a
    // lower bound whatever the load). Two in flight: they overlap, so the
    // gap between the answers is far smaller than that.
    let mut gaps = Vec::new();
    for max in [1, 2] {
        let start = now_ms();
        let arrivals: Vec<f64> = client_for(server(), 5_000, max)
            .fan_out(queries())
            .filter(|(_, r)| std::future::ready(r.is_ok()))
            .map(|_| now_ms() - start)
            .collect()
            .await;
        assert_eq!(arrivals.len(), 2, "max_in_flight {max}");
        gaps.push(arrivals[1] - arrivals[0]);
    }
    assert!(
        gaps[0] >= 380.0,
        "one in flight, answers {} ms apart",
        gaps[0]
    );
    assert!(
        gaps[1] * 2.0 < gaps[0],
        "two in flight should overlap: {} ms apart, one at a time {} ms",
        gaps[1],
        gaps[0]
    );
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

/// The error of an answer that must fail; a result is reported by its
/// size only (a 100,000-series result printed whole would swamp the runner).
fn failed(what: &str, answer: Result<QueryResult, QueryError>) -> QueryError {
    match answer {
        Err(err) => err,
        Ok(result) => {
            let series = match &result.data {
                QueryData::Vector(v) => v.len(),
                QueryData::Matrix(m) => m.len(),
                _ => 1,
            };
            panic!(
                "{what}: expected an error, got a {} result of {series} series",
                result.data.kind()
            )
        }
    }
}

const MIB: u64 = 1024 * 1024;
/// `datasource.max_answer_bytes` by default.
const LIMIT_BYTES: u64 = 8 * MIB;
/// `datasource.max_series` by default.
const LIMIT_SERIES: usize = 20_000;
/// The size of the answer that grew wasm memory to 195 MB (issue 12, row 8).
const HUGE: u64 = 31 * MIB;

#[wasm_bindgen_test]
async fn a_failing_status_is_an_error_whatever_the_body() {
    let err = failed(
        "503 with a success body",
        client(5_000).instant("derived/vector_503", 1.0).await,
    );
    assert_eq!(
        err,
        QueryError::Http {
            status: 503,
            content_type: Some("application/json".into()),
            excerpt: SUCCESS_BODY_IGNORED.into(),
        }
    );
}

#[wasm_bindgen_test]
async fn html_pages_read_as_one_sentence() {
    let c = client(5_000);
    let proxy = failed("nginx 502", c.instant("derived/nginx_502", 1.0).await);
    assert_eq!(
        proxy.to_string(),
        "Prometheus answered HTTP 502 Bad Gateway (the proxy could not reach Prometheus)"
    );
    // A 20 MiB error page: only its start is read, and it is not "too large".
    let page = failed(
        "20 MiB 503 page",
        c.instant(&format!("html_503_{}", 20 * MIB), 1.0).await,
    );
    assert_eq!(
        page.to_string(),
        "Prometheus answered HTTP 503 Service Temporarily Unavailable \
         (Prometheus is starting or overloaded)"
    );
}

#[wasm_bindgen_test]
async fn oversized_answers_are_refused_with_or_without_content_length() {
    let c = client(30_000);
    let declared = failed("31 MiB", c.instant(&format!("big_{HUGE}"), 1.0).await);
    assert_eq!(
        declared,
        QueryError::TooLarge {
            bytes: Some(HUGE),
            limit: LIMIT_BYTES
        }
    );
    assert_eq!(
        declared.to_string(),
        "answer of 31 MiB refused: larger than datasource.max_answer_bytes (8 MiB); \
         narrow the query or raise the limit"
    );
    let streamed = failed(
        "31 MiB chunked",
        c.instant(&format!("chunked_big_{HUGE}"), 1.0).await,
    );
    assert_eq!(
        streamed,
        QueryError::TooLarge {
            bytes: None,
            limit: LIMIT_BYTES
        }
    );
    // Controls: at the limit exactly, both ways, the answer is read.
    for name in [
        format!("big_{LIMIT_BYTES}"),
        format!("chunked_big_{LIMIT_BYTES}"),
    ] {
        let answer = c.instant(&name, 1.0).await;
        assert_eq!(answer.map(|r| r.data.kind()), Ok("vector"), "{name}");
    }
}

#[wasm_bindgen_test]
async fn a_100000_series_answer_is_refused() {
    let c = client(30_000);
    for name in ["series_100000", "chunked_series_100000"] {
        let err = failed(name, c.instant(name, 1.0).await);
        assert_eq!(
            err,
            QueryError::TooManySeries {
                series: 100_000,
                limit: LIMIT_SERIES
            },
            "{name}"
        );
    }
    // Control: at the limit, every series arrives.
    let at_limit = c.instant("series_20000", 1.0).await.expect("20,000 series");
    assert_eq!(at_limit.into_vector().map(|v| v.len()), Ok(LIMIT_SERIES));
}

/// The size of this instance's wasm memory: what never shrinks.
fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length())
}

#[wasm_bindgen_test]
async fn memory_stays_bounded_over_repeated_oversized_answers() {
    let c = client(30_000);
    let before = wasm_memory_bytes();
    let mut after_each = Vec::new();
    for _ in 0..20 {
        for name in [
            format!("big_{HUGE}"),
            format!("chunked_big_{HUGE}"),
            "series_100000".to_owned(),
        ] {
            let err = failed(&name, c.instant(&name, 1.0).await);
            assert!(
                err.is_too_large() || err.is_too_many_series(),
                "{name}: {err:?}"
            );
        }
        after_each.push((wasm_memory_bytes() - before) / 1e6);
    }
    let growth = after_each.last().copied().unwrap_or_default();
    wasm_bindgen_test::console_log!(
        "wasm memory growth (MB) after each of 20 cycles: {after_each:?}"
    );
    assert!(
        growth < 20.0,
        "wasm memory grew by {growth:.1} MB over 20 cycles: {after_each:?}"
    );
}

/// The parts of the combined cases of `scripts/record-combined-fixtures.py`
/// (the fixture server answers the combined query and each part as recorded).
const VECTORS: [&str; 6] = [
    "panopticon_fixture_value",
    "sum(panopticon_fixture_value)",
    "panopticon_fixture_value{node=\"nope\"}",
    "panopticon_fixture_special",
    "up{job=\"fixture\"} # a comment ends at the line end",
    "vector(0/0)",
];
const BAD_PART: [&str; 2] = ["sum(up", "up{job=\"fixture\"}"];
const CLASH: [&str; 2] = [
    "label_replace(panopticon_fixture_value, \"__panopticon_part\", \"7\", \"\", \"\")",
    "up{job=\"fixture\"}",
];

type Answers = Rc<RefCell<Vec<(Query, Result<QueryResult, QueryError>)>>>;

/// Runs a status-first refresh of `status` then `graphs` and waits for all answers.
async fn status_first(c: &Client, status: &[&str], graphs: Vec<Query>) -> Answers {
    let answers: Answers = Rc::default();
    let sink = Rc::clone(&answers);
    let status: Vec<Query> = status.iter().map(|e| Query::instant_now(e)).collect();
    let want = status.len() + graphs.len();
    let handle = c.refresh_status_first(status, graphs, move |q, r| {
        sink.borrow_mut().push((q, r));
    });
    let start = now_ms();
    while answers.borrow().len() < want && now_ms() - start < 10_000.0 {
        sleep(Duration::from_millis(20)).await;
    }
    drop(handle);
    assert_eq!(answers.borrow().len(), want, "{:?}", answers.borrow());
    answers
}

fn answer_of<'a>(
    answers: &'a [(Query, Result<QueryResult, QueryError>)],
    expr: &str,
) -> &'a Result<QueryResult, QueryError> {
    &answers
        .iter()
        .find(|(q, _)| q.expr() == expr.trim())
        .unwrap_or_else(|| panic!("no answer for {expr}"))
        .1
}

/// The page's `performance` object, through `js_sys` (the client's web-sys
/// features name no `Performance`).
fn performance() -> JsValue {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into()).expect("performance")
}

fn call(target: &JsValue, method: &str, arg: &JsValue) -> JsValue {
    js_sys::Reflect::get(target, &method.into())
        .expect("method")
        .dyn_into::<js_sys::Function>()
        .expect("a function")
        .call1(target, arg)
        .expect("called")
}

/// Requests whose URL contains `needle` since the resource timings were
/// last cleared (tests run interleaved: the needle must be the test's own).
fn requests_with(needle: &str) -> usize {
    let entries: js_sys::Array = call(&performance(), "getEntriesByType", &"resource".into())
        .dyn_into()
        .expect("an array");
    entries
        .iter()
        .filter_map(|e| js_sys::Reflect::get(&e, &"name".into()).ok()?.as_string())
        .filter(|url| url.contains(needle))
        .count()
}

#[wasm_bindgen_test]
async fn the_combined_answer_splits_into_each_parts_own_and_graphs_come_after() {
    let c = client(5_000);
    let graph = Query::range("matrix_range", 0.0, 10.0, 100);
    call(&performance(), "clearResourceTimings", &JsValue::UNDEFINED);
    let answers = status_first(&c, &VECTORS, vec![graph.clone()]).await;
    // One request asked `vector(0/0)` (only this test asks it): the combined
    // query was answered, not fallen back from.
    assert_eq!(requests_with("vector%280%2F0%29"), 1);
    let answers = answers.borrow().clone();
    // The range query left only once every check was answered.
    assert_eq!(answers.last().map(|(q, _)| q), Some(&graph));
    for part in VECTORS {
        let alone = c.query(&Query::instant_now(part)).await;
        // Compared as text: NaN is not equal to itself.
        assert_eq!(
            format!("{:?}", answer_of(&answers, part)),
            format!("{alone:?}"),
            "{part}"
        );
    }
}

#[wasm_bindgen_test]
async fn one_bad_part_fails_alone_and_the_others_are_still_answered() {
    let c = client(5_000);
    let answers = status_first(&c, &BAD_PART, vec![]).await;
    let answers = answers.borrow();
    let bad = answer_of(&answers, BAD_PART[0]);
    assert!(bad.as_ref().is_err_and(QueryError::is_bad_data), "{bad:?}");
    let up = answer_of(&answers, BAD_PART[1])
        .clone()
        .expect("answered alone");
    assert_eq!(up.into_vector().expect("vector").len(), 1);
}

#[wasm_bindgen_test]
async fn a_part_whose_series_had_the_tag_label_is_an_error_of_its_own() {
    let c = client(5_000);
    let answers = status_first(&c, &CLASH, vec![]).await;
    let answers = answers.borrow();
    assert!(
        matches!(
            answer_of(&answers, CLASH[0]),
            Err(QueryError::ReservedLabel { .. })
        ),
        "{answers:?}"
    );
    assert!(answer_of(&answers, CLASH[1]).is_ok());
}

#[wasm_bindgen_test]
async fn checks_that_cannot_be_combined_are_answered_one_by_one() {
    // Fixture names combined are a query the server does not know (bad_data):
    // the client asks each alone, and each keeps its own answer or error.
    let c = client(5_000);
    let answers = status_first(
        &c,
        &["vector", "error_timeout", "derived/nginx_502"],
        vec![],
    )
    .await;
    let answers = answers.borrow();
    assert_eq!(
        answer_of(&answers, "vector")
            .clone()
            .map(|r| r.into_vector().map(|v| v.len())),
        Ok(Ok(3))
    );
    assert_eq!(
        answer_of(&answers, "error_timeout")
            .as_ref()
            .err()
            .and_then(QueryError::prometheus_kind),
        Some(&PromErrorKind::Timeout)
    );
    assert!(
        answer_of(&answers, "derived/nginx_502")
            .as_ref()
            .is_err_and(QueryError::is_http)
    );
}

/// Leaves an early request in the boot script's slot: `url` and `body` as
/// sent, answered by `answer` (a JSON body) or, if `None`, failed.
fn leave_early_request(url: &str, body: Option<&str>, answer: Option<&str>) {
    let make = js_sys::Function::new_with_args(
        "url, body, answer",
        "window.__panopticonQuery = { url, body, sent: Date.now() - 5000, response: answer === null \
         ? Promise.reject(new TypeError('Failed to fetch')) \
         : Promise.resolve(new Response(answer, { headers: { 'content-type': 'application/json' } })) };",
    );
    let body = body.map_or(JsValue::NULL, JsValue::from_str);
    let answer = answer.map_or(JsValue::NULL, JsValue::from_str);
    make.call3(&JsValue::NULL, &url.into(), &body, &answer)
        .expect("slot set");
}

/// One series per part, marked as coming from the early request.
const EARLY_ANSWER: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__panopticon_part":"0","early":"yes"},"value":[1,"1"]},{"metric":{"__panopticon_part":"1","early":"yes"},"value":[1,"1"]}]}}"#;

fn is_early(answer: &Result<QueryResult, QueryError>) -> bool {
    answer.clone().is_ok_and(|r| {
        r.into_vector()
            .is_ok_and(|v| v.len() == 1 && v[0].labels.get("early").is_some_and(|e| e == "yes"))
    })
}

/// The request a client with `timeout_ms` sends for the combined query of `parts`.
fn combined_request(timeout_ms: u64, parts: &[&str]) -> panopticon_core::prom::HttpRequest {
    let plan = panopticon_core::prom::combine::plan(parts.iter().copied());
    let combined = plan.combined.expect("combinable");
    panopticon_core::prom::build_request(
        &BaseUrl::parse(server()).expect("base"),
        combined.query(),
        &panopticon_core::prom::RequestOptions::for_client(Duration::from_millis(timeout_ms)),
    )
    .expect("built")
}

#[wasm_bindgen_test]
async fn the_first_refresh_takes_the_boot_scripts_identical_request_and_only_it() {
    let request = combined_request(5_000, &CLASH);
    leave_early_request(&request.url, request.body.as_deref(), Some(EARLY_ANSWER));
    let c = client(5_000);
    let answers = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&answers);
    let status: Vec<Query> = CLASH.iter().map(|e| Query::instant_now(e)).collect();
    let handle = c.refresh_status_first(status, vec![], move |q, r| {
        sink.borrow_mut().push((q, r));
    });
    let asked_at = handle.asked_at().expect("the early request was taken");
    assert!(
        (js_sys::Date::now() / 1000.0 - asked_at - 5.0).abs() < 1.0,
        "{asked_at}"
    );
    let start = now_ms();
    while answers.borrow().len() < 2 && now_ms() - start < 5_000.0 {
        sleep(Duration::from_millis(20)).await;
    }
    drop(handle);
    for part in CLASH {
        assert!(is_early(answer_of(&answers.borrow(), part)), "{part}");
    }
    // A second refresh never takes an early answer, even one left again.
    leave_early_request(&request.url, request.body.as_deref(), Some(EARLY_ANSWER));
    let again = status_first(&c, &CLASH, vec![]).await;
    assert!(!is_early(answer_of(&again.borrow(), CLASH[1])));
    assert!(
        answer_of(&again.borrow(), CLASH[0]).is_err(),
        "answered by the server"
    );
}

#[wasm_bindgen_test]
async fn an_early_request_that_differs_or_failed_is_not_used() {
    let request = combined_request(5_000, &CLASH);
    // A body where there is none, or a longer one.
    let other_body = Some(
        request
            .body
            .as_deref()
            .map_or_else(|| "query=up".to_owned(), |b| format!("{b}&x=1")),
    );
    let cases = [
        (request.url.clone(), other_body, Some(EARLY_ANSWER)),
        (
            format!("{}&x=1", request.url),
            request.body.clone(),
            Some(EARLY_ANSWER),
        ),
        (request.url.clone(), request.body.clone(), None),
    ];
    for (url, body, answer) in cases {
        leave_early_request(&url, body.as_deref(), answer);
        let answers = status_first(&client(5_000), &CLASH, vec![]).await;
        let answers = answers.borrow();
        // Answered by the server as asked now: the first part's series carry the tag label.
        assert!(
            matches!(
                answer_of(&answers, CLASH[0]),
                Err(QueryError::ReservedLabel { .. })
            ),
            "{url} {answer:?}: {answers:?}"
        );
        assert!(!is_early(answer_of(&answers, CLASH[1])));
    }
}

/// An alert source at the fixture server's `/alerts/<name>` (see `fixture_server.py`).
fn alert_fetch(
    name: &str,
    request: panopticon_core::alerts::AlertRequest,
    timeout_ms: u64,
) -> panopticon_client::AlertFetch {
    panopticon_client::AlertFetch {
        request,
        base_url: BaseUrl::parse(&format!("{}/alerts/{name}", server())).expect("base"),
        timeout: Duration::from_millis(timeout_ms),
    }
}

#[wasm_bindgen_test]
async fn alert_sources_are_read_and_decoded() {
    use panopticon_core::alerts::{AlertAnswer, AlertRequest};
    let c = client(5_000);
    let rules = c
        .alert(&alert_fetch(
            "prom_rules",
            AlertRequest::PrometheusRules,
            5_000,
        ))
        .await;
    assert!(
        matches!(rules, Ok(AlertAnswer::Rules(ref r)) if r.rules.len() == 6),
        "{rules:?}"
    );
    let alerts = c
        .alert(&alert_fetch("am_alerts", AlertRequest::AmAlerts, 5_000))
        .await;
    assert!(
        matches!(alerts, Ok(AlertAnswer::Alerts(ref a)) if a.alerts.len() == 3),
        "{alerts:?}"
    );
    let status = c
        .alert(&alert_fetch("am_status", AlertRequest::AmStatus, 5_000))
        .await;
    assert!(
        matches!(status, Ok(AlertAnswer::Status(ref s)) if s.version.as_deref() == Some("0.25.0")),
        "{status:?}"
    );
}

#[wasm_bindgen_test]
async fn alert_source_failures_are_their_own() {
    use panopticon_core::alerts::{AlertRequest, AlertSource, AlertSourceError};
    let c = client_for(server(), 5_000, 6);
    let slow = c
        .alert(&alert_fetch("sleep_1500", AlertRequest::AmAlerts, 300))
        .await
        .unwrap_err();
    assert_eq!(
        slow.describe(AlertSource::Alertmanager),
        "Alertmanager is slow: no answer within 300 ms"
    );
    let missing = c
        .alert(&alert_fetch(
            "am_not_found",
            AlertRequest::AmSilences,
            5_000,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, AlertSourceError::Api { status: 404, .. }),
        "{missing:?}"
    );
    // Bigger than datasource.max_answer_bytes: refused by its Content-Length.
    let small = Client::new(ClientConfig {
        max_answer_bytes: 10_000,
        ..ClientConfig::new(BaseUrl::parse(server()).expect("base"))
    });
    let big = small
        .alert(&alert_fetch("big_200000", AlertRequest::AmAlerts, 5_000))
        .await
        .unwrap_err();
    assert!(
        matches!(big, AlertSourceError::TooLarge { limit: 10_000, .. }),
        "{big:?}"
    );
    let refused = c
        .alert(&panopticon_client::AlertFetch {
            request: AlertRequest::AmAlerts,
            base_url: BaseUrl::parse("http://127.0.0.1:9").expect("base"),
            timeout: Duration::from_secs(5),
        })
        .await
        .unwrap_err();
    assert!(
        refused
            .describe(AlertSource::Alertmanager)
            .starts_with("Alertmanager unreachable: "),
        "{refused:?}"
    );
}

#[wasm_bindgen_test]
async fn alert_requests_each_answer_once_and_a_dropped_handle_delivers_nothing() {
    use panopticon_core::alerts::AlertRequest;
    let c = client(5_000);
    let seen: Rc<RefCell<Vec<AlertRequest>>> = Rc::default();
    let log = Rc::clone(&seen);
    let handle = c.fetch_alerts(
        vec![
            alert_fetch("sleep_600", AlertRequest::AmAlerts, 5_000),
            alert_fetch("sleep_600", AlertRequest::AmSilences, 5_000),
            alert_fetch("prom_rules", AlertRequest::PrometheusRules, 5_000),
        ],
        move |request, _| log.borrow_mut().push(request),
    );
    for _ in 0..50 {
        if seen.borrow().len() == 3 {
            break;
        }
        sleep(Duration::from_millis(100)).await;
    }
    drop(handle);
    let mut answered = seen.borrow().clone();
    answered.sort();
    assert_eq!(
        answered,
        [
            AlertRequest::PrometheusRules,
            AlertRequest::AmAlerts,
            AlertRequest::AmSilences
        ]
    );
    // A handle dropped before the answers: nothing is delivered.
    let late: Rc<RefCell<usize>> = Rc::default();
    let count = Rc::clone(&late);
    let handle = c.fetch_alerts(
        vec![alert_fetch("sleep_300", AlertRequest::AmAlerts, 5_000)],
        move |_, _| *count.borrow_mut() += 1,
    );
    drop(handle);
    sleep(Duration::from_millis(600)).await;
    assert_eq!(*late.borrow(), 0);
}

/// Leaves the boot script's early alert request for `url`, answered with
/// `answer` (a JSON body).
fn leave_early_alert(url: &str, answer: &str) {
    let make = js_sys::Function::new_with_args(
        "url, answer",
        "window.__panopticonAlerts = { [url]: { sent: Date.now() - 5000, response: \
         Promise.resolve(new Response(answer, { headers: { 'content-type': 'application/json' } })) } };",
    );
    make.call2(&JsValue::NULL, &url.into(), &answer.into())
        .expect("slot set");
}

#[wasm_bindgen_test]
async fn the_first_alert_round_takes_the_boot_scripts_early_request_of_the_same_url() {
    use panopticon_core::alerts::{AlertAnswer, AlertRequest};
    let fetch = alert_fetch("am_alerts", AlertRequest::AmAlerts, 5_000);
    let url = fetch.request.http(&fetch.base_url).url;
    // The fixture has three alerts; the early answer none: which one arrives tells.
    leave_early_alert(&url, "[]");
    let c = client(5_000);
    let answers: Rc<RefCell<Vec<usize>>> = Rc::default();
    let log = Rc::clone(&answers);
    let record = move |_, a: Result<AlertAnswer, _>| {
        if let Ok(AlertAnswer::Alerts(a)) = a {
            log.borrow_mut().push(a.alerts.len());
        }
    };
    let first = c.fetch_alerts(vec![fetch.clone()], record.clone());
    for _ in 0..50 {
        if !answers.borrow().is_empty() {
            break;
        }
        sleep(Duration::from_millis(50)).await;
    }
    drop(first);
    assert_eq!(*answers.borrow(), [0], "the early answer");
    // Later rounds always ask: a leftover early request is never taken.
    leave_early_alert(&url, "[]");
    let second = c.fetch_alerts(vec![fetch], record);
    for _ in 0..50 {
        if answers.borrow().len() == 2 {
            break;
        }
        sleep(Duration::from_millis(50)).await;
    }
    drop(second);
    assert_eq!(*answers.borrow(), [0, 3]);
    let _ = js_sys::Reflect::delete_property(
        js_sys::global().unchecked_ref::<js_sys::Object>(),
        &JsValue::from_str("__panopticonAlerts"),
    );
}
