//! A source's version (`GET /api/v1/status/buildinfo`), asked once per page
//! load for the screen's source state. Core decides what the answer says.

use panopticon_core::prom::{self, AnswerLimits, HttpRequest, Method, QueryError};

use crate::ClientConfig;
use crate::fetch;

/// A buildinfo answer is a few hundred bytes; more is not one.
const MAX_BYTES: u64 = 64 * 1024;

/// The version the source at `config.base_url` names, within its timeout;
/// `Ok(None)` when it names none (`VictoriaMetrics`).
pub(crate) async fn version(config: &ClientConfig) -> Result<Option<String>, QueryError> {
    let request = HttpRequest {
        method: Method::Get,
        url: config.base_url.join("/api/v1/status/buildinfo"),
        body: None,
        content_type: None,
    };
    let limits = AnswerLimits {
        max_bytes: MAX_BYTES,
        max_series: usize::MAX,
    };
    let answer = fetch::get_bounded(&request, config.timeout, &limits).await?;
    prom::decode_buildinfo(answer.status, answer.content_type.as_deref(), &answer.body)
}
