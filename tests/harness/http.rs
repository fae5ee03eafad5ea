//! A tiny HTTP/1.1 server on 127.0.0.1 for what a real archive does not do
//! (hostile mirrors, error pages, hangs, proxies): each request is answered
//! with what the handler returns for its path, one request per connection
//! (`Connection: close`). It runs on a thread of the test process and stops
//! (closing what it holds) when dropped. Every request head is recorded
//! before it is answered.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One answer.
#[derive(Clone)]
pub enum Reply {
    /// Status, extra headers and body; Content-Length and `Connection:
    /// close` are added.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request and never answer (the connection stays open).
    Hang,
}

impl Reply {
    /// `status` with a Content-Type and a body.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Answer {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200, "text/plain; charset=utf-8", body)
    }

    pub fn not_found() -> Reply {
        Reply::new(404, "text/plain", "Not Found\n")
    }

    pub fn redirect(location: &str) -> Reply {
        Reply::Answer {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }
}

pub struct HttpServer {
    port: u16,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Answer each request with `handler(path)`.
    pub fn start(handler: impl Fn(&str) -> Reply + Send + 'static) -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (stop.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                let head = read_head(&mut conn);
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                r.lock().unwrap().push(head);
                match handler(&path) {
                    Reply::Answer { status, headers, body } => {
                        let mut out = format!(
                            "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                            reason(status),
                            body.len()
                        );
                        for (k, v) in &headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        let _ = conn.write_all(out.as_bytes());
                        let _ = conn.write_all(&body);
                    }
                    Reply::Hang => held.push(conn),
                }
            }
        });
        HttpServer {
            port,
            stop,
            requests,
            thread: Some(thread),
        }
    }

    /// Answer every request with `reply`.
    pub fn always(reply: Reply) -> HttpServer {
        HttpServer::start(move |_| reply.clone())
    }

    /// `http://127.0.0.1:PORT/` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    /// The request heads so far (request line and headers), in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// The requested paths so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|h| h.split_whitespace().nth(1).unwrap_or("").to_string())
            .collect()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// The request line and headers (up to the empty line).
fn read_head(conn: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that the thread sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
