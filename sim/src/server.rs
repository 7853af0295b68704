//! HTTP listeners: one per scrape target plus the control API, each request on its own
//! thread so a deliberately slow gluster target never delays any other answer.

use std::io::Read as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use thiserror::Error;
use tiny_http::{Header, Request, Response, Server};

use crate::cluster::Behaviour;
use crate::control::Control;
use crate::exposition::CONTENT_TYPE;
use crate::simulator::Simulator;
use crate::target::{BoundTarget, Target};

/// Control requests are small JSON documents; anything bigger is a mistake.
const MAX_BODY: u64 = 64 * 1024;

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: SocketAddr, message: String },
    #[error("base port {base} leaves no room for {count} targets below 65536")]
    PortRange { base: u16, count: usize },
}

/// Where to listen. Port 0 lets the OS choose (each target gets its own free port).
#[derive(Debug, Clone, Copy)]
pub struct Listen {
    pub ip: IpAddr,
    pub base_port: u16,
    pub control_port: u16,
    pub layout: Layout,
}

/// How the cluster is split into scrape targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One listener per exporter and node, as in the real cluster.
    PerTarget,
    /// One listener for everything (`crate::aggregate`), on the base port.
    Aggregate,
}

/// The listeners of a running simulator. Dropping it does not stop them; call `stop`.
pub struct Running {
    pub targets: Vec<BoundTarget>,
    pub control: SocketAddr,
    servers: Vec<Arc<Server>>,
    acceptors: Vec<JoinHandle<()>>,
    stopping: Arc<AtomicBool>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("targets", &self.targets)
            .field("control", &self.control)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// Stops accepting requests and waits for the accept loops to end. Requests still
    /// being served (a delayed gluster answer) are abandoned with the process.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        for server in &self.servers {
            server.unblock();
        }
        for acceptor in self.acceptors {
            let _ = acceptor.join();
        }
    }
}

/// Binds every target and the control API, then serves them on background threads.
pub fn start(sim: Arc<Simulator>, listen: Listen) -> Result<Running, ServeError> {
    if listen.layout == Layout::Aggregate {
        return start_aggregate(sim, listen);
    }
    let all = Target::all(sim.nodes());
    if listen.base_port != 0
        && usize::from(listen.base_port) + all.len() > usize::from(u16::MAX) + 1
    {
        return Err(ServeError::PortRange {
            base: listen.base_port,
            count: all.len(),
        });
    }
    let stopping = Arc::new(AtomicBool::new(false));
    let mut servers = Vec::new();
    let mut bound = Vec::new();
    for target in &all {
        let port = if listen.base_port == 0 {
            0
        } else {
            // In range: checked above.
            u16::try_from(usize::from(listen.base_port) + target.port_offset()).unwrap_or(0)
        };
        let (server, addr) = bind(SocketAddr::new(listen.ip, port))?;
        bound.push(BoundTarget::new(*target, addr));
        servers.push((server, *target));
    }
    let (control_server, control) = bind(SocketAddr::new(listen.ip, listen.control_port))?;
    let targets = Arc::new(bound.clone());

    let mut acceptors = Vec::new();
    let mut all_servers = Vec::new();
    for (server, target) in servers {
        let sim = Arc::clone(&sim);
        all_servers.push(Arc::clone(&server));
        acceptors.push(accept_loop(server, Arc::clone(&stopping), move |rq| {
            serve_target(&sim, target, rq);
        }));
    }
    all_servers.push(Arc::clone(&control_server));
    acceptors.push(accept_loop(
        control_server,
        Arc::clone(&stopping),
        move |rq| {
            serve_control(&sim, &targets, rq);
        },
    ));
    Ok(Running {
        targets: bound,
        control,
        servers: all_servers,
        acceptors,
        stopping,
    })
}

fn start_aggregate(sim: Arc<Simulator>, listen: Listen) -> Result<Running, ServeError> {
    let stopping = Arc::new(AtomicBool::new(false));
    let (server, addr) = bind(SocketAddr::new(listen.ip, listen.base_port))?;
    let (control_server, control) = bind(SocketAddr::new(listen.ip, listen.control_port))?;
    let bound = vec![BoundTarget::aggregate(addr)];
    let targets = Arc::new(bound.clone());
    let target_sim = Arc::clone(&sim);
    let acceptors = vec![
        accept_loop(Arc::clone(&server), Arc::clone(&stopping), move |rq| {
            serve_aggregate(&target_sim, rq);
        }),
        accept_loop(
            Arc::clone(&control_server),
            Arc::clone(&stopping),
            move |rq| serve_control(&sim, &targets, rq),
        ),
    ];
    Ok(Running {
        targets: bound,
        control,
        servers: vec![server, control_server],
        acceptors,
        stopping,
    })
}

fn bind(addr: SocketAddr) -> Result<(Arc<Server>, SocketAddr), ServeError> {
    let server = Server::http(addr).map_err(|e| ServeError::Bind {
        addr,
        message: e.to_string(),
    })?;
    let actual = server.server_addr().to_ip().unwrap_or(addr);
    Ok((Arc::new(server), actual))
}

fn accept_loop(
    server: Arc<Server>,
    stopping: Arc<AtomicBool>,
    handler: impl Fn(Request) + Send + Sync + 'static,
) -> JoinHandle<()> {
    let handler = Arc::new(handler);
    thread::spawn(move || {
        loop {
            match server.recv() {
                Ok(rq) => {
                    let handler = Arc::clone(&handler);
                    thread::spawn(move || handler(rq));
                }
                Err(_) if stopping.load(Ordering::SeqCst) => break,
                // An accept error (e.g. out of file descriptors) is transient for us:
                // back off briefly rather than spin or give up the target.
                Err(e) => {
                    eprintln!("panopticon-sim: accept failed: {e}");
                    thread::sleep(Duration::from_millis(50));
                }
            }
        }
    })
}

fn with_content_type<R: std::io::Read>(response: Response<R>, value: &str) -> Response<R> {
    // Our values are ASCII constants, so the header always parses; no need to panic if not.
    match Header::from_bytes(&b"Content-Type"[..], value.as_bytes()) {
        Ok(h) => response.with_header(h),
        Err(()) => response,
    }
}

fn serve_target(sim: &Simulator, target: Target, rq: Request) {
    let path = rq.url().split('?').next().unwrap_or("");
    if path != "/metrics" && path != "/" {
        let _ = rq.respond(
            Response::from_string("not found: metrics are at /metrics\n").with_status_code(404),
        );
        return;
    }
    match sim.behaviour(target) {
        Behaviour::Serve => {}
        Behaviour::Fail => {
            let body = format!(
                "simulated failure: the {} exporter of {} is down (scenario exporter-down)\n",
                target.exporter.job(),
                crate::target::instance(target.node)
            );
            let _ = rq.respond(Response::from_string(body).with_status_code(500));
            return;
        }
        Behaviour::Delay(delay) => thread::sleep(delay),
    }
    let body = sim.body(target);
    let _ = rq.respond(with_content_type(Response::from_string(body), CONTENT_TYPE));
}

fn serve_aggregate(sim: &Simulator, rq: Request) {
    let path = rq.url().split('?').next().unwrap_or("");
    if path != "/metrics" && path != "/" {
        let _ = rq.respond(
            Response::from_string("not found: metrics are at /metrics\n").with_status_code(404),
        );
        return;
    }
    let body = sim.aggregate_body();
    let _ = rq.respond(with_content_type(Response::from_string(body), CONTENT_TYPE));
}

fn serve_control(sim: &Simulator, targets: &[BoundTarget], mut rq: Request) {
    let mut body = String::new();
    if rq
        .as_reader()
        .take(MAX_BODY)
        .read_to_string(&mut body)
        .is_err()
    {
        let _ = rq.respond(
            Response::from_string("{\"error\":\"body is not UTF-8\"}").with_status_code(400),
        );
        return;
    }
    let method = rq.method().as_str().to_owned();
    let reply = Control { sim, targets }.handle(&method, rq.url(), &body);
    let response = with_content_type(
        Response::from_string(reply.body + "\n").with_status_code(reply.status),
        "application/json",
    );
    let _ = rq.respond(response);
}
