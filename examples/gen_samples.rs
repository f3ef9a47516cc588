//! Writes the sample logs shipped in `examples/data/` (used by `make demo`
//! and the C example), deterministically: the same bytes on every run.
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

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let lines: u64 = args
        .get(1)
        .map_or(2000, |s| s.parse().expect("LINES must be a number"));
    let dir = args.get(2).map_or("examples/data", |s| s.as_str());
    std::fs::create_dir_all(dir)?;
    let mut r = Rng(0x5EED_1065_BA11_0001);
    let mut access = std::io::BufWriter::new(std::fs::File::create(format!("{dir}/access.log"))?);
    for n in 0..lines {
        writeln!(access, "{}", access_line(&mut r, n))?;
    }
    let mut json = std::io::BufWriter::new(std::fs::File::create(format!("{dir}/app.jsonl"))?);
    for n in 0..lines {
        writeln!(json, "{}", json_line(&mut r, n))?;
    }
    eprintln!("wrote {lines} lines each to {dir}/access.log and {dir}/app.jsonl");
    Ok(())
}
