//! Writes the sample logs shipped in `examples/data/` (used by `make demo`,
//! the C example, the tests and the benchmarks), deterministically: the
//! same bytes on every run.
//!
//! ```text
//! cargo run --example gen_samples -- [LINES] [OUT_DIR]
//! ```
//!
//! - `access.log`: nginx/Apache combined format, with IPv6 clients, `-`
//!   referers, user agents with `\"` escapes, a few TLS handshakes sent to
//!   a plain-HTTP port, and a few common-format lines.
//! - `app.jsonl`: JSON lines in the shapes of Go's slog and zap, with
//!   nested `http`/`user` objects, escapes and non-ASCII text.
//! - `app.logfmt`: logfmt, 80% in the shape of Go's slog `TextHandler`
//!   (`dur=618µs`, `user.id=42`), 20% logrus (`time="..."`,
//!   `level=warning`); quoted values with `\"`, `\\`, `\n`, `\t`, `\u200b`.
//! - `syslog.log`: 60% RFC 5424 (nil fields, 0-3 SD elements with `\"`,
//!   `\\`, `\]` escapes, optional BOM, optional MSG), 40% RFC 3164
//!   (space-padded day, `tag[pid]:` or `tag:`).
//!
//! Bench corpus mode writes larger files of the same shapes (not shipped;
//! `make bench` puts them in `target/bench-corpus/`), each format from its
//! own fixed seed, until each file holds at least MB * 10^6 bytes:
//!
//! ```text
//! cargo run --release --example gen_samples -- --bench-corpus [MB] [OUT_DIR]
//! # combined.log json.log logfmt.log syslog.log
//! ```

use std::fmt::Write as _;
use std::io::Write as _;

/// xorshift64*: tiny, dependency-free and stable across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const METHODS: &[&str] = &[
    "GET", "GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH",
];
const PATHS: &[&str] = &[
    "/",
    "/index.html",
    "/api/v1/users",
    "/api/v1/orders?limit=50&offset=100",
    "/static/css/site.min.css",
    "/static/js/app.3f9a1c.js",
    "/images/logo.png",
    "/search?q=caf%C3%A9+cr%C3%A8me",
    "/login?next=%2Faccount",
    "/wp-login.php",
    "/.env",
    "/healthz",
];
const UAS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "curl/8.5.0",
    "Go-http-client/1.1",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "python-requests/2.31.0",
    "Mozilla/5.0 (compatible; \\\"evil\\\" scanner; \\\\x)",
];
const REFERERS: &[&str] = &[
    "-",
    "-",
    "https://example.com/",
    "https://www.google.com/search?q=logspan",
    "https://example.com/products?id=42",
];
const STATUSES: &[&str] = &[
    "200", "200", "200", "200", "304", "301", "404", "500", "201", "206", "403",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const LEVELS: &[&str] = &["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
const MSGS: &[&str] = &[
    "request completed",
    "cache miss",
    "user \\\"admin\\\" logged in",
    "retrying after error:\\n\\tconnection reset",
    "caf\\u00e9 order placed",
    "naïve résumé uploaded",
    "slow query",
];

fn client(r: &mut Rng) -> String {
    if r.chance(13) {
        format!("2001:db8:{:x}::{:x}", r.below(0xffff), r.below(0xffff))
    } else {
        format!(
            "{}.{}.{}.{}",
            1 + r.below(223),
            r.below(256),
            r.below(256),
            1 + r.below(254)
        )
    }
}

fn access_line(r: &mut Rng, n: u64) -> String {
    let day = 1 + n * 28 / 100_000 % 28;
    let secs = n * 7 % 86_400;
    let time = format!(
        "{:02}/{}/2024:{:02}:{:02}:{:02} +0000",
        day,
        MONTHS[(n / 40_000 % 12) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    let user = if r.chance(5) { "alice" } else { "-" };
    let mut line = String::new();
    let request = if r.chance(1) {
        "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03".to_string()
    } else {
        format!(
            "{} {} HTTP/1.{}",
            r.pick(METHODS),
            r.pick(PATHS),
            r.below(2)
        )
    };
    let status = if request.starts_with('\\') {
        "400"
    } else {
        r.pick(STATUSES)
    };
    let bytes = if status == "304" || r.chance(3) {
        "-".to_string()
    } else {
        (r.below(90_000) + 100).to_string()
    };
    write!(
        line,
        "{} - {} [{}] \"{}\" {} {}",
        client(r),
        user,
        time,
        request,
        status,
        bytes
    )
    .unwrap();
    if !r.chance(2) {
        write!(line, " \"{}\" \"{}\"", r.pick(REFERERS), r.pick(UAS)).unwrap();
    }
    line
}

fn json_line(r: &mut Rng, n: u64) -> String {
    let secs = n * 3 % 86_400;
    let ts = format!(
        "2024-05-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + n / 20_000 % 28,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        r.below(1000)
    );
    let status = r.pick(STATUSES);
    let method = r.pick(METHODS);
    let path = r.pick(PATHS);
    let dur = r.below(5000) as f64 / 10.0;
    let uid = r.below(100_000);
    if r.chance(70) {
        // slog JSONHandler shape
        format!(
            "{{\"time\":\"{ts}\",\"level\":\"{}\",\"msg\":\"{}\",\"http\":{{\"method\":\"{method}\",\"path\":\"{path}\",\"status\":{status}}},\"user\":{{\"id\":{uid},\"roles\":[\"reader\",\"writer\"]}},\"duration_ms\":{dur},\"cached\":{}}}",
            r.pick(LEVELS),
            r.pick(MSGS),
            r.chance(30)
        )
    } else {
        // zap production shape
        format!(
            "{{\"level\":\"{}\",\"ts\":1714521600.{:03},\"caller\":\"server/handler.go:{}\",\"msg\":\"{}\",\"time\":\"{ts}\",\"http\":{{\"status\":{status},\"method\":\"{method}\",\"path\":\"{path}\"}},\"user\":{{\"id\":{uid}}},\"duration_ms\":{dur},\"error\":null}}",
            r.pick(LEVELS).to_lowercase(),
            r.below(1000),
            10 + r.below(400),
            r.pick(MSGS)
        )
    }
}

// ---------------------------------------------------------------- logfmt

const LOGFMT_MSGS: &[&str] = &[
    // As Go's strconv.Quote (slog TextHandler, logrus) writes them.
    "\"request completed\"",
    "\"cache miss\"",
    "\"user \\\"admin\\\" logged in\"",
    "\"retrying after error:\\n\\tconnection reset\"",
    "\"café order placed\"",
    "\"naïve résumé uploaded\"",
    "\"zero\\u200bwidth space in C:\\\\temp\"",
    "\"slow query\"",
    "ok",
    "started",
];
const LOGFMT_ERRS: &[&str] = &[
    "\"dial tcp 10.0.0.7:5432: connect: connection refused\"",
    "\"context deadline exceeded\"",
    "\"unexpected EOF\"",
    "\"invalid character '\\\"' in string\"",
];

/// Go's `time.Duration.String()` for a duration of `ns` nanoseconds
/// (below one minute).
fn go_duration(ns: u64) -> String {
    fn trim(mut s: String) -> String {
        if s.contains('.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        s
    }
    if ns < 1_000 {
        format!("{ns}ns")
    } else if ns < 1_000_000 {
        format!("{}µs", trim(format!("{}.{:03}", ns / 1_000, ns % 1_000)))
    } else if ns < 1_000_000_000 {
        format!(
            "{}ms",
            trim(format!("{}.{:06}", ns / 1_000_000, ns % 1_000_000))
        )
    } else {
        format!(
            "{}s",
            trim(format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000))
        )
    }
}

/// A logfmt value as slog's TextHandler writes it: bare when it is a
/// plain token, quoted (strconv.Quote) when it holds a space, `=`, `"` or
/// a control byte.
fn logfmt_value(v: &str) -> String {
    if !v.is_empty()
        && !v
            .bytes()
            .any(|b| b <= b' ' || b == b'=' || b == b'"' || b == b'\\')
    {
        return v.to_string();
    }
    let mut q = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn logfmt_line(r: &mut Rng, n: u64) -> String {
    let secs = n * 3 % 86_400;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let day = 1 + n / 20_000 % 28;
    let method = r.pick(METHODS);
    let path = logfmt_value(r.pick(PATHS));
    let status = r.pick(STATUSES);
    let uid = r.below(100_000);
    let dur = go_duration(r.below(3_000_000_000) >> (r.below(4) * 8));
    let mut line = String::with_capacity(256);
    if r.chance(80) {
        // slog TextHandler: time with milliseconds, upper-case level,
        // dotted group keys.
        write!(
            line,
            "time=2024-05-{day:02}T{h:02}:{m:02}:{s:02}.{:03}Z level={} msg={} method={method} path={path} status={status} dur={dur} user.id={uid}",
            r.below(1000),
            r.pick(LEVELS),
            r.pick(LOGFMT_MSGS),
        )
        .unwrap();
        if r.chance(15) {
            write!(line, " err={}", r.pick(LOGFMT_ERRS)).unwrap();
        }
        if r.chance(30) {
            write!(line, " request.id={:016x} remote={}", r.next(), client(r)).unwrap();
        }
    } else {
        // logrus TextFormatter: quoted RFC 3339 time, lower-case level.
        let level = match r.pick(LEVELS) {
            "WARN" => "warning".to_string(),
            l => l.to_lowercase(),
        };
        write!(
            line,
            "time=\"2024-05-{day:02}T{h:02}:{m:02}:{s:02}Z\" level={level} msg={} component={} latency={dur} method={method} path={path} status={status} user_id={uid}",
            r.pick(LOGFMT_MSGS),
            r.pick(&["http", "db", "cache", "auth"]),
        )
        .unwrap();
        if r.chance(20) {
            write!(line, " error={}", r.pick(LOGFMT_ERRS)).unwrap();
        }
    }
    line
}

// ---------------------------------------------------------------- syslog

const SYSLOG_HOSTS: &[&str] = &[
    "web-01.example.com",
    "web-02.example.com",
    "db-2",
    "10.0.0.5",
    "2001:db8::1",
    "mymachine",
];
/// RFC 3164 hostnames: no IPv6 address, which go-syslog reads as a TAG
/// (`2001:`) where logspan reads a hostname: the format is ambiguous there.
const SYSLOG3164_HOSTS: &[&str] = &["web-01", "web-02", "db-2", "10.0.0.5", "mymachine"];
const SYSLOG_APPS: &[&str] = &[
    "nginx",
    "sshd",
    "postgres",
    "app-server",
    "systemd",
    "CRON",
    "kernel",
    "su",
];
const SYSLOG_MSGIDS: &[&str] = &["-", "-", "ID47", "TCPIN", "REQ", "audit"];
/// SD-ELEMENTs with distinct SD-IDs; values hold `\"`, `\\` and `\]`
/// escapes and raw UTF-8.
const SD_ELEMENTS: &[&str] = &[
    "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]",
    "[origin ip=\"192.0.2.1\" software=\"rsyslogd\" swVersion=\"8.2302.0\"]",
    "[meta sequenceId=\"29\" sysUpTime=\"37\" language=\"EN\"]",
    "[req@4711 path=\"/api/v1/orders?limit=50\" note=\"said \\\"hi\\\" \\\\ then \\] left\"]",
    "[timeQuality tzKnown=\"1\" isSynced=\"1\" syncAccuracy=\"60000\"]",
    "[user@4711 name=\"Zoë\" role=\"admin\"]",
];
const SYSLOG_MSGS: &[&str] = &[
    "An application event log entry",
    "Accepted publickey for deploy from 10.0.0.9 port 52114 ssh2",
    "connection received: host=10.0.0.7 port=40312",
    "'su root' failed for lonvick on /dev/pts/8",
    "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
    "Out of memory: Killed process 4242 (java) total-vm:8123456kB",
    "checkpoint complete: wrote 1234 buffers (7.5%); 0 WAL file(s) added",
    "Zoë's café: order #42 shipped",
];

fn syslog_line(r: &mut Rng, n: u64) -> String {
    let secs = n * 2 % 86_400;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let day = 1 + n / 40_000 % 28;
    let pri = r.below(192);
    let mut line = String::with_capacity(256);
    if r.chance(60) {
        // RFC 5424.
        let ts = if r.chance(5) {
            "-".to_string()
        } else if r.chance(70) {
            format!(
                "2024-05-{day:02}T{h:02}:{m:02}:{s:02}.{:06}Z",
                r.below(1_000_000)
            )
        } else {
            format!(
                "2024-05-{day:02}T{h:02}:{m:02}:{s:02}.{:03}+02:00",
                r.below(1000)
            )
        };
        let procid = if r.chance(30) {
            "-".to_string()
        } else {
            (100 + r.below(60_000)).to_string()
        };
        write!(
            line,
            "<{pri}>1 {ts} {} {} {procid} {}",
            r.pick(SYSLOG_HOSTS),
            r.pick(SYSLOG_APPS),
            r.pick(SYSLOG_MSGIDS)
        )
        .unwrap();
        // 0-3 SD-ELEMENTs, distinct SD-IDs.
        let count = r.below(4) as usize;
        if count == 0 {
            line.push_str(" -");
        } else {
            line.push(' ');
            let first = r.below(SD_ELEMENTS.len() as u64) as usize;
            let step = 1 + r.below(SD_ELEMENTS.len() as u64 - 1) as usize;
            let mut used = [false; 8];
            let mut k = first;
            for _ in 0..count {
                while used[k] {
                    k = (k + 1) % SD_ELEMENTS.len();
                }
                used[k] = true;
                line.push_str(SD_ELEMENTS[k]);
                k = (k + step) % SD_ELEMENTS.len();
            }
        }
        if !r.chance(5) {
            line.push(' ');
            if r.chance(25) {
                line.push('\u{FEFF}'); // the UTF-8 BOM, EF BB BF
            }
            line.push_str(r.pick(SYSLOG_MSGS));
        }
    } else {
        // RFC 3164: space-padded day, `tag[pid]:` (or `tag:`).
        write!(
            line,
            "<{pri}>May {day:>2} {h:02}:{m:02}:{s:02} {} {}",
            r.pick(SYSLOG3164_HOSTS),
            r.pick(SYSLOG_APPS)
        )
        .unwrap();
        if !r.chance(15) {
            write!(line, "[{}]", 100 + r.below(60_000)).unwrap();
        }
        write!(line, ": {}", r.pick(SYSLOG_MSGS)).unwrap();
    }
    line
}

// ---------------------------------------------------------------- main

type LineFn = fn(&mut Rng, u64) -> String;

/// The formats, with the seed of their own generator (the shipped
/// access.log and app.jsonl share one, for compatibility with the first
/// version of this program).
const SEED: u64 = 0x5EED_1065_BA11_0001;
const BENCH_FILES: &[(&str, LineFn, u64)] = &[
    ("combined.log", access_line, 0x5EED_1065_BA11_0101),
    ("json.log", json_line, 0x5EED_1065_BA11_0102),
    ("logfmt.log", logfmt_line, 0x5EED_1065_BA11_0103),
    ("syslog.log", syslog_line, 0x5EED_1065_BA11_0104),
];

fn write_lines(path: &str, r: &mut Rng, f: LineFn, lines: u64) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for n in 0..lines {
        writeln!(w, "{}", f(r, n))?;
    }
    w.flush()
}

/// Bench corpus: each format to `dir/<name>`, lines until the file holds
/// at least `mb` * 10^6 bytes.
fn bench_corpus(dir: &str, mb: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for &(name, f, seed) in BENCH_FILES {
        let path = format!("{dir}/{name}");
        let mut r = Rng(seed);
        let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        let (mut bytes, mut n) = (0u64, 0u64);
        while bytes < mb * 1_000_000 {
            let line = f(&mut r, n);
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")?;
            bytes += line.len() as u64 + 1;
            n += 1;
        }
        w.flush()?;
        eprintln!("wrote {path}: {n} lines, {bytes} bytes");
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--bench-corpus") {
        let mb: u64 = args
            .get(2)
            .map_or(50, |s| s.parse().expect("MB must be a number"));
        let dir = args.get(3).map_or("target/bench-corpus", |s| s.as_str());
        return bench_corpus(dir, mb);
    }
    let lines: u64 = args
        .get(1)
        .map_or(2000, |s| s.parse().expect("LINES must be a number"));
    let dir = args.get(2).map_or("examples/data", |s| s.as_str());
    std::fs::create_dir_all(dir)?;
    let mut r = Rng(SEED);
    write_lines(&format!("{dir}/access.log"), &mut r, access_line, lines)?;
    write_lines(&format!("{dir}/app.jsonl"), &mut r, json_line, lines)?;
    write_lines(
        &format!("{dir}/app.logfmt"),
        &mut Rng(SEED ^ 0x10),
        logfmt_line,
        lines,
    )?;
    write_lines(
        &format!("{dir}/syslog.log"),
        &mut Rng(SEED ^ 0x20),
        syslog_line,
        lines,
    )?;
    eprintln!("wrote {lines} lines each to {dir}/access.log, app.jsonl, app.logfmt and syslog.log");
    Ok(())
}
