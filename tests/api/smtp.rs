//! A real SMTP server on loopback for the tests: it speaks enough of RFC 5321 for lettre, keeps
//! every message it accepts, and can be stopped and started again on the same port.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    running: Arc<AtomicBool>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let sink = SmtpSink {
            port,
            messages: Arc::default(),
            running: Arc::new(AtomicBool::new(false)),
        };
        sink.serve(listener);
        sink
    }

    /// Accepts connections again on the same port after `stop`.
    pub fn restart(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("bind the same port");
        self.serve(listener);
    }

    /// Stops accepting: connections are refused until `restart`.
    pub fn stop(&self) {
        self.running.store(false, Ordering::SeqCst);
        // Wake the accept loop so that it drops the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            std::thread::yield_now();
        }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    fn serve(&self, listener: TcpListener) {
        self.running.store(true, Ordering::SeqCst);
        let (messages, running) = (self.messages.clone(), self.running.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if !running.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let messages = messages.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &messages);
                });
            }
        });
    }
}

fn session(stream: TcpStream, messages: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 localhost ESMTP test sink\r\n")?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            out.write_all(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if command.starts_with("HELO") || command.starts_with("MAIL FROM") {
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if command.starts_with("RCPT TO") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_matches(['<', '>'])
                .to_owned();
            to.push(address);
            out.write_all(b"250 OK\r\n")?;
        } else if command == "DATA" {
            out.write_all(b"354 go ahead\r\n")?;
            let mut data = Vec::new();
            loop {
                let mut body_line = String::new();
                if lines.read_line(&mut body_line)? == 0 {
                    return Ok(());
                }
                if body_line == ".\r\n" {
                    break;
                }
                let unstuffed = body_line.strip_prefix('.').unwrap_or(&body_line);
                data.extend_from_slice(unstuffed.as_bytes());
            }
            messages.lock().unwrap().push(Received {
                to: std::mem::take(&mut to),
                data,
            });
            out.write_all(b"250 OK queued\r\n")?;
        } else if command == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"250 OK\r\n")?;
        }
    }
}
