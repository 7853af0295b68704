//! How much of an answer the client accepts, decided before the answer is
//! held in memory.
//!
//! A wall screen runs for weeks, and WebAssembly memory never shrinks: one
//! 31 MB answer grew the tab's wasm memory from 1.4 to 195 MB for good. So a
//! body is refused by its declared size, or while it streams in, before it
//! is copied into wasm memory; and the series of a result are counted while
//! they are decoded, so a 100,000-series answer is dropped after
//! `max_series` of them instead of becoming 100,000 domain objects. The
//! browser client drives the reading ([`BodyBudget`]); the decoder enforces
//! the series bound ([`crate::prom::decode_response_within`]).

use super::error::QueryError;

/// Bounds on one answer, from `datasource.max_answer_bytes` and
/// `datasource.max_series`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerLimits {
    /// Largest body accepted from a successful (2xx) answer, in bytes.
    pub max_bytes: u64,
    /// Most series (vector elements or matrix rows) accepted in one result.
    pub max_series: usize,
}

impl AnswerLimits {
    /// No bounds: for decoding bodies that are already in memory and
    /// trusted to be small (tests, fuzzing).
    pub const UNLIMITED: AnswerLimits = AnswerLimits {
        max_bytes: u64::MAX,
        max_series: usize::MAX,
    };

    /// Plans the reading of a body from what the status line and headers
    /// say, before any of it is read. A successful answer that declares
    /// more than `max_bytes` in `Content-Length` is refused here, so not a
    /// byte of it is downloaded.
    ///
    /// `Content-Length` is the size on the wire: with `Content-Encoding:
    /// gzip` the decoded body is larger still, so refusing by it never
    /// refuses an answer that would have fitted; a compressed answer that
    /// fits on the wire is still counted as it is decoded.
    ///
    /// A failing status only needs its start to be reported (a Prometheus
    /// error envelope or a proxy's page), so at most [`ERROR_BODY_BYTES`]
    /// of it is read, whatever its size.
    pub fn budget(
        &self,
        status: u16,
        content_length: Option<&str>,
    ) -> Result<BodyBudget, QueryError> {
        if !(200..300).contains(&status) {
            return Ok(BodyBudget {
                limit: ERROR_BODY_BYTES.min(self.max_bytes),
                read: 0,
                over_limit: OverLimit::Truncate,
            });
        }
        let declared = content_length.and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(bytes) = declared.filter(|&b| b > self.max_bytes) {
            return Err(QueryError::TooLarge {
                bytes: Some(bytes),
                limit: self.max_bytes,
            });
        }
        Ok(BodyBudget {
            limit: self.max_bytes,
            read: 0,
            over_limit: OverLimit::Refuse,
        })
    }
}

impl Default for AnswerLimits {
    /// 8 MiB and 20,000 series, the defaults of `datasource.max_answer_bytes`
    /// and `datasource.max_series`: a 1,000-node cluster's largest instant
    /// answer is well below 2 MB, and five states of a 1,000-node mesh fit
    /// four times over (the configuration sets the values actually used).
    fn default() -> Self {
        AnswerLimits {
            max_bytes: 8 * 1024 * 1024,
            max_series: 20_000,
        }
    }
}

/// How much of a failing answer's body is read: a Prometheus error envelope
/// or a proxy's error page says what it has to say in its first kilobytes.
pub const ERROR_BODY_BYTES: u64 = 64 * 1024;

/// The reading of one body, chunk by chunk, within its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyBudget {
    limit: u64,
    read: u64,
    over_limit: OverLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OverLimit {
    /// A successful answer: a body above the limit is refused whole, since
    /// a cut-off result would be decoded as missing data.
    Refuse,
    /// A failing answer: keep its start, stop reading.
    Truncate,
}

/// What to do with one chunk of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Take {
    /// How many bytes of the start of the chunk to keep.
    pub keep: usize,
    /// Whether reading should go on; `false` means cancel the rest.
    pub more: bool,
}

impl BodyBudget {
    /// Accounts for the next chunk of `len` bytes. An error means the body
    /// is refused: stop reading and drop what was kept.
    pub fn take(&mut self, len: usize) -> Result<Take, QueryError> {
        let len_u64 = u64::try_from(len).unwrap_or(u64::MAX);
        let room = self.limit - self.read;
        if len_u64 <= room {
            self.read += len_u64;
            let more = self.over_limit == OverLimit::Refuse || self.read < self.limit;
            return Ok(Take { keep: len, more });
        }
        match self.over_limit {
            OverLimit::Refuse => Err(QueryError::TooLarge {
                bytes: None,
                limit: self.limit,
            }),
            OverLimit::Truncate => {
                self.read = self.limit;
                Ok(Take {
                    // room < len, so it fits in usize.
                    keep: usize::try_from(room).unwrap_or(len),
                    more: false,
                })
            }
        }
    }

    /// Bytes kept so far, to size the final buffer exactly once.
    pub fn kept(&self) -> u64 {
        self.read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: AnswerLimits = AnswerLimits {
        max_bytes: 100,
        max_series: 10,
    };

    #[test]
    fn declared_length_refuses_a_success_before_reading() {
        let table: &[(u16, Option<&str>, Result<(), QueryError>)] = &[
            (200, None, Ok(())),
            (200, Some("100"), Ok(())),
            (
                200,
                Some("101"),
                Err(QueryError::TooLarge {
                    bytes: Some(101),
                    limit: 100,
                }),
            ),
            (
                204,
                Some(" 32505856 "),
                Err(QueryError::TooLarge {
                    bytes: Some(32_505_856),
                    limit: 100,
                }),
            ),
            // Unparsable: decided while streaming instead.
            (200, Some("lots"), Ok(())),
            // A failing status is read in part, never refused for its size.
            (503, Some("32505856"), Ok(())),
        ];
        for (status, length, expect) in table {
            assert_eq!(
                &SMALL.budget(*status, *length).map(|_| ()),
                expect,
                "{status} {length:?}"
            );
        }
    }

    #[test]
    fn a_success_streamed_past_the_limit_is_refused() {
        let mut budget = SMALL.budget(200, None).unwrap();
        let take = |keep| Ok(Take { keep, more: true });
        assert_eq!(budget.take(60), take(60));
        assert_eq!(budget.take(40), take(40));
        assert_eq!(budget.take(0), take(0));
        assert_eq!(
            budget.take(1),
            Err(QueryError::TooLarge {
                bytes: None,
                limit: 100
            })
        );
        assert_eq!(budget.kept(), 100);
    }

    #[test]
    fn a_failing_answer_keeps_its_start_and_stops() {
        let mut budget = SMALL.budget(502, Some("1000000")).unwrap();
        assert_eq!(
            budget.take(60),
            Ok(Take {
                keep: 60,
                more: true
            })
        );
        assert_eq!(
            budget.take(60),
            Ok(Take {
                keep: 40,
                more: false
            })
        );
        assert_eq!(budget.kept(), 100);
        let mut exact = SMALL.budget(500, None).unwrap();
        assert_eq!(
            exact.take(100),
            Ok(Take {
                keep: 100,
                more: false
            })
        );
        let big = AnswerLimits::default().budget(503, None).unwrap();
        assert_eq!(big.limit, ERROR_BODY_BYTES);
    }
}
