//! Template variables in the page: the values asked for (`var-` in the URL,
//! the picker, a host page's `vars`), the label-values answers they are
//! checked against, and the configuration bound with the values chosen.
//!
//! What is allowed and how a value is written into an expression is the
//! engine's (`Bindings::choose`, `Config::bind`); this module asks
//! Prometheus for the label values and keeps the URL in step.
//!
//! A label-values variable is bound only once its answer is in: a value
//! from the URL is never used before it could be checked (the alternative,
//! binding it provisionally, could show a screen of data for a value that
//! turns out not to exist). Configurations without such variables bind at
//! once, and without any variables nothing here costs a request.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use panopticon_engine::Config;
use panopticon_engine::variables::{Bindings, Choice, Options, Variable, Why, bounded_answer};

use crate::url_state;

/// Seconds between attempts to read a variable's values after a failure.
const RETRY_SECS: u64 = 30;

/// The page's variables, shared through context (`use_variables`).
#[derive(Debug, Clone, Copy)]
pub struct Variables {
    /// As declared by the configuration.
    declared: StoredValue<Vec<Variable>>,
    /// The values asked for, by name (URL at load, then picker and host).
    requested: RwSignal<BTreeMap<String, Vec<String>>>,
    /// Label-values answers by variable; `None` until every one was asked.
    answers: RwSignal<Option<BTreeMap<String, Vec<String>>>>,
    /// Why a variable's values could not be read, by variable.
    failures: RwSignal<BTreeMap<String, String>>,
    /// What is bound: the engine's choice, recomputed when a part changes,
    /// equal choices not passed on (so the dashboard is rebuilt only for a
    /// new binding).
    choice: Memo<Option<Choice>>,
    /// The picker that was used last, to hand the focus back to it once the
    /// dashboard is rebuilt.
    focused: StoredValue<Option<String>>,
}

/// The variables of the dashboard on screen.
pub fn use_variables() -> Option<Variables> {
    use_context::<Variables>()
}

impl Variables {
    /// Reads the URL's `var-` values, starts reading the label values, and
    /// provides the result as context.
    pub fn provide(config: &Config) -> Variables {
        let declared = config.variables.clone();
        let needs_answers = declared
            .iter()
            .any(|v| matches!(v.options, Options::LabelValues(_)));
        let answers = RwSignal::new((!needs_answers).then(BTreeMap::new));
        let requested = RwSignal::new(url_state::var_params());
        let declared = StoredValue::new(declared);
        let choice = Memo::new(move |_| {
            let answers = answers.get()?;
            Some(declared.with_value(|d| Bindings::choose(d, &requested.get(), &answers)))
        });
        let vars = Variables {
            declared,
            requested,
            answers,
            failures: RwSignal::new(BTreeMap::new()),
            choice,
            focused: StoredValue::new(None),
        };
        if needs_answers {
            read_answers(config, vars);
        }
        // The address says what is on screen: refused values leave it, and
        // a label-values variable's first value is written once known. Not
        // while a value waits for values that could not be read: it is
        // taken once they can, and a reload meanwhile must not lose it.
        crate::effect::effect(move || {
            if let Some(choice) = choice.get()
                && !declared.with_value(Vec::is_empty)
                && choice.unbound.is_empty()
                && !choice.refused.iter().any(|r| r.why == Why::Unchecked)
            {
                url_state::set_var_params(choice.bindings.iter());
            }
        });
        provide_context(vars);
        vars
    }

    /// `config` bound with the chosen values: `None` while a label-values
    /// answer is awaited, `Err` (in words) when a variable has no value.
    pub fn bound(self, config: &Arc<Config>) -> Option<Result<Arc<Config>, String>> {
        if config.variables.is_empty() {
            // Nothing to bind: the configuration as loaded, not a copy.
            return Some(Ok(Arc::clone(config)));
        }
        let choice = self.choice.get()?;
        if let Some(name) = choice.unbound.first() {
            let why = self
                .failures
                .with(|f| f.get(name).cloned())
                .unwrap_or_else(|| "Prometheus knows no value for it".to_owned());
            return Some(Err(format!(
                "variable {name:?} has no value to show: {why}; retrying every {RETRY_SECS} s"
            )));
        }
        Some(
            config
                .bind(&choice.bindings)
                .map(Arc::new)
                .map_err(|e| e.to_string()),
        )
    }

    /// The declared variables.
    pub fn declared(self) -> Vec<Variable> {
        self.declared.get_value()
    }

    /// The values `name` offers now (its list, or the label-values answer;
    /// the bound values alone while that is missing).
    pub fn offered(self, name: &str) -> Vec<String> {
        let answers = self.answers.get().unwrap_or_default();
        let list = self.declared.with_value(|d| {
            d.iter()
                .find(|v| v.name == name)
                .and_then(|v| v.offered(answers.get(name).map(Vec::as_slice)))
                .map(<[String]>::to_vec)
        });
        list.unwrap_or_else(|| self.selected(name))
    }

    /// The values bound to `name`.
    pub fn selected(self, name: &str) -> Vec<String> {
        self.choice.with(|c| {
            c.as_ref()
                .and_then(|c| c.bindings.get(name))
                .map(<[String]>::to_vec)
                .unwrap_or_default()
        })
    }

    /// What to tell the operator: refused values and unreadable label
    /// values. Not variables the configuration does not declare: Grafana's
    /// `${__all_variables}` sends every variable of its dashboard.
    pub fn problems(self) -> Vec<String> {
        let mut out: Vec<String> = self.choice.with(|c| {
            c.iter()
                .flat_map(|c| c.refused.iter())
                .filter(|r| r.why != Why::NoSuchVariable)
                .map(ToString::to_string)
                .collect()
        });
        self.failures.with(|f| {
            out.extend(f.iter().map(|(name, why)| {
                format!("variable {name:?}: its values could not be read: {why}")
            }));
        });
        out
    }

    /// Asks for `values` of `name` (from the picker), keeping the focus on
    /// its picker across the rebuild.
    pub fn pick(self, name: String, values: Vec<String>) {
        self.focused.set_value(Some(name.clone()));
        let mut asked = BTreeMap::new();
        asked.insert(name, values);
        self.ask(asked);
    }

    /// Asks for these values (from a host page); other variables keep theirs.
    pub fn ask(self, values: BTreeMap<String, Vec<String>>) {
        // After the event that asked has returned: the rebuild removes the
        // element (or the listener) whose handler is running now.
        queue_microtask(move || {
            self.requested.update(|r| r.extend(values));
        });
    }

    /// Whether the picker of `name` should take the focus (once).
    pub fn take_focus(self, name: &str) -> bool {
        let mine = self.focused.with_value(|f| f.as_deref() == Some(name));
        if mine {
            self.focused.set_value(None);
        }
        mine
    }
}

/// Reads every label-values variable's values, then publishes them all at
/// once; a failed one is retried later (its default, if any, stands in).
fn read_answers(config: &Config, vars: Variables) {
    let jobs: Vec<(String, Job)> = config
        .variables
        .iter()
        .filter_map(|v| match &v.options {
            Options::LabelValues(lv) => {
                let source = lv
                    .source
                    .as_ref()
                    .and_then(|name| config.datasources.iter().find(|d| &d.name == name))
                    .unwrap_or(&config.datasource);
                Some((
                    v.name.clone(),
                    Job {
                        base_url: source.base_url.clone(),
                        label: lv.label.clone(),
                        matcher: lv.matcher.clone(),
                        timeout: Duration::from_secs_f64(source.timeout_secs),
                        max_bytes: source.max_answer_bytes,
                    },
                ))
            }
            Options::Fixed(_) => None,
        })
        .collect();
    wasm_bindgen_futures::spawn_local(ask_all(jobs, vars));
}

/// One label-values request.
#[derive(Debug, Clone)]
struct Job {
    base_url: panopticon_core::prom::BaseUrl,
    label: String,
    matcher: Option<String>,
    timeout: Duration,
    max_bytes: u64,
}

async fn ask_all(jobs: Vec<(String, Job)>, vars: Variables) {
    let mut answers = BTreeMap::new();
    let mut failures = BTreeMap::new();
    for (name, job) in &jobs {
        let answer = panopticon_client::fetch_label_values(
            &job.base_url,
            &job.label,
            job.matcher.as_deref(),
            job.timeout,
            job.max_bytes,
        )
        .await;
        match answer {
            Ok(values) => {
                answers.insert(name.clone(), bounded_answer(values));
            }
            Err(e) => {
                failures.insert(name.clone(), e.to_string());
            }
        }
    }
    let failed = !failures.is_empty();
    // `Some` back: the dashboard is gone (another configuration loaded).
    if vars.failures.try_set(failures).is_some() {
        return;
    }
    // A failed variable keeps the values of an earlier answer.
    let mut merged = vars
        .answers
        .try_get_untracked()
        .flatten()
        .unwrap_or_default();
    merged.extend(answers);
    if vars.answers.try_set(Some(merged)).is_some() || !failed {
        return;
    }
    set_timeout(
        move || wasm_bindgen_futures::spawn_local(ask_all(jobs, vars)),
        Duration::from_secs(RETRY_SECS),
    );
}

/// What shows instead of the dashboard while a variable has no value at
/// all: which and why (the reading is retried meanwhile).
#[component]
pub fn Unbound(
    /// The variable and the reason, in words.
    why: String,
) -> impl IntoView {
    view! {
        <main class="dashboard-main">
            <div class="alert alert-source" data-testid="variable-error" role="alert">
                <crate::untrusted::Untrusted text=why max=crate::untrusted::SENTENCE_CHARS />
            </div>
        </main>
    }
}
