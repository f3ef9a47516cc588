/* log_parse_fast: exact spans on known lines, errors, truncation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The Apache documentation's combined-format example. */
static const char COMBINED[] =
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
    "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";

static void combined_line(void) {
    LogSpan f[LOG_FAST_FIELDS];
    const char *l = COMBINED;
    int32_t rc = checked_fast(l, slen(l), f);
    CHECK_EQ(rc, 11);
    CHECK_SPAN(l, f[LOG_FIELD_REMOTE_ADDR], 0, "127.0.0.1", 0);
    CHECK_ABSENT(f[LOG_FIELD_IDENT]);
    CHECK_SPAN(l, f[LOG_FIELD_REMOTE_USER], 12, "frank", 0);
    CHECK_SPAN(l, f[LOG_FIELD_TIME], 19, "10/Oct/2000:13:55:36 -0700", 0);
    CHECK_SPAN(l, f[LOG_FIELD_REQUEST], 48, "GET /apache_pb.gif HTTP/1.0", 0);
    CHECK_SPAN(l, f[LOG_FIELD_METHOD], 48, "GET", 0);
    CHECK_SPAN(l, f[LOG_FIELD_PATH], 52, "/apache_pb.gif", 0);
    CHECK_SPAN(l, f[LOG_FIELD_PROTOCOL], 67, "HTTP/1.0", 0);
    CHECK_SPAN(l, f[LOG_FIELD_STATUS], 77, "200", 0);
    CHECK_SPAN(l, f[LOG_FIELD_BODY_BYTES], 81, "2326", 0);
    CHECK_SPAN(l, f[LOG_FIELD_REFERER], 87, "http://www.example.com/start.html", 0);
    CHECK_SPAN(l, f[LOG_FIELD_USER_AGENT], 123, "Mozilla/4.08 [en] (Win98; I ;Nav)", 0);
}

static void common_line(void) {
    LogSpan f[LOG_FAST_FIELDS];
    const char *l =
        "192.168.1.20 - - [01/Jan/2024:00:00:00 +0000] \"POST /api/v1/items HTTP/1.1\" 201 -";
    int32_t rc = checked_fast(l, slen(l), f);
    CHECK_EQ(rc, 7);
    CHECK_SPAN(l, f[LOG_FIELD_REMOTE_ADDR], 0, "192.168.1.20", 0);
    CHECK_ABSENT(f[LOG_FIELD_IDENT]);
    CHECK_ABSENT(f[LOG_FIELD_REMOTE_USER]);
    CHECK_SPAN(l, f[LOG_FIELD_TIME], 18, "01/Jan/2024:00:00:00 +0000", 0);
    CHECK_SPAN(l, f[LOG_FIELD_REQUEST], 47, "POST /api/v1/items HTTP/1.1", 0);
    CHECK_SPAN(l, f[LOG_FIELD_METHOD], 47, "POST", 0);
    CHECK_SPAN(l, f[LOG_FIELD_PATH], 52, "/api/v1/items", 0);
    CHECK_SPAN(l, f[LOG_FIELD_PROTOCOL], 66, "HTTP/1.1", 0);
    CHECK_SPAN(l, f[LOG_FIELD_STATUS], 76, "201", 0);
    CHECK_ABSENT(f[LOG_FIELD_BODY_BYTES]); /* "-" */
    CHECK_ABSENT(f[LOG_FIELD_REFERER]);    /* common format: no referer */
    CHECK_ABSENT(f[LOG_FIELD_USER_AGENT]);
}

static void ipv6_line(void) {
    LogSpan f[LOG_FAST_FIELDS];
    const char *l = "2001:db8::1 - alice [01/Jan/2024:00:00:00 +0100] \"GET /x?y=1 HTTP/2.0\" 304 "
                    "0 \"-\" \"curl/8.5.0\"";
    int32_t rc = checked_fast(l, slen(l), f);
    CHECK_EQ(rc, 10);
    CHECK_SPAN(l, f[LOG_FIELD_REMOTE_ADDR], 0, "2001:db8::1", 0);
    CHECK_ABSENT(f[LOG_FIELD_IDENT]);
    CHECK_SPAN(l, f[LOG_FIELD_REMOTE_USER], 14, "alice", 0);
    CHECK_SPAN(l, f[LOG_FIELD_TIME], 21, "01/Jan/2024:00:00:00 +0100", 0);
    CHECK_SPAN(l, f[LOG_FIELD_REQUEST], 50, "GET /x?y=1 HTTP/2.0", 0);
    CHECK_SPAN(l, f[LOG_FIELD_METHOD], 50, "GET", 0);
    CHECK_SPAN(l, f[LOG_FIELD_PATH], 54, "/x?y=1", 0);
    CHECK_SPAN(l, f[LOG_FIELD_PROTOCOL], 61, "HTTP/2.0", 0);
    CHECK_SPAN(l, f[LOG_FIELD_STATUS], 71, "304", 0);
    CHECK_SPAN(l, f[LOG_FIELD_BODY_BYTES], 75, "0", 0); /* 0 is a value, not "-" */
    CHECK_ABSENT(f[LOG_FIELD_REFERER]);                  /* "-" */
    CHECK_SPAN(l, f[LOG_FIELD_USER_AGENT], 82, "curl/8.5.0", 0);
}

static void dash_values(void) {
    LogSpan f[LOG_FAST_FIELDS];
    /* A "-" request (nginx's 408 on an idle connection), "-" bytes. */
    const char *l = "10.0.0.3 - - [01/Jan/2024:00:00:00 +0000] \"-\" 408 - \"-\" \"-\"";
    int32_t rc = checked_fast(l, slen(l), f);
    CHECK_EQ(rc, 3);
    CHECK_SPAN(l, f[LOG_FIELD_REMOTE_ADDR], 0, "10.0.0.3", 0);
    CHECK_SPAN(l, f[LOG_FIELD_TIME], 14, "01/Jan/2024:00:00:00 +0000", 0);
    CHECK_SPAN(l, f[LOG_FIELD_STATUS], 46, "408", 0);
    for (int i = 0; i < LOG_FAST_FIELDS; i++)
        if (i != LOG_FIELD_REMOTE_ADDR && i != LOG_FIELD_TIME && i != LOG_FIELD_STATUS)
            CHECK_ABSENT(f[i]);
    /* A value that merely starts with '-' is present. */
    const char *l2 = "-x -- - [t] \"GET / HTTP/1.1\" 200 1 \"--\" \"-a\"";
    rc = checked_fast(l2, slen(l2), f);
    CHECK_EQ(rc, 11);
    CHECK_SPAN(l2, f[LOG_FIELD_REMOTE_ADDR], 0, "-x", 0);
    CHECK_SPAN(l2, f[LOG_FIELD_IDENT], 3, "--", 0);
    CHECK_ABSENT(f[LOG_FIELD_REMOTE_USER]);
    CHECK_SPAN(l2, f[LOG_FIELD_REFERER], 36, "--", 0);
    CHECK_SPAN(l2, f[LOG_FIELD_USER_AGENT], 41, "-a", 0);
}

static void escapes(void) {
    LogSpan f[LOG_FAST_FIELDS];
    const char *l = "10.0.0.4 - bob [01/Jan/2024:00:00:00 +0000] \"GET /q?a=\\\"b\\\" HTTP/1.1\" "
                    "200 5 \"-\" \"agent \\\"quoted\\\" \\\\ backslash\"";
    int32_t rc = checked_fast(l, slen(l), f);
    CHECK_EQ(rc, 10);
    /* The raw text is kept: the backslashes are in the span. */
    CHECK_SPAN(l, f[LOG_FIELD_REQUEST], 45, "GET /q?a=\\\"b\\\" HTTP/1.1", LOG_FLAG_ESCAPED);
    CHECK_SPAN(l, f[LOG_FIELD_METHOD], 45, "GET", 0);
    CHECK_SPAN(l, f[LOG_FIELD_PATH], 49, "/q?a=\\\"b\\\"", LOG_FLAG_ESCAPED);
    CHECK_SPAN(l, f[LOG_FIELD_PROTOCOL], 60, "HTTP/1.1", 0);
    CHECK_SPAN(l, f[LOG_FIELD_STATUS], 70, "200", 0);
    CHECK_SPAN(l, f[LOG_FIELD_BODY_BYTES], 74, "5", 0);
    CHECK_ABSENT(f[LOG_FIELD_REFERER]);
    CHECK_SPAN(l, f[LOG_FIELD_USER_AGENT], 81, "agent \\\"quoted\\\" \\\\ backslash",
               LOG_FLAG_ESCAPED);
    /* A quoted field may end in an escaped backslash. */
    const char *l2 = "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\\\\\"";
    rc = checked_fast(l2, slen(l2), f);
    CHECK_EQ(rc, 9);
    CHECK_SPAN(l2, f[LOG_FIELD_USER_AGENT], 44, "ua\\\\", LOG_FLAG_ESCAPED);
}

static void unsplittable_requests(void) {
    LogSpan f[LOG_FAST_FIELDS];
    /* TLS handshake bytes sent to a plain-HTTP port, as nginx logs them. */
    const char *l = "10.0.0.2 - - [01/Jan/2024:00:00:00 +0000] \"\\x16\\x03\\x01\\x00\\xa5\\x01\" "
                    "400 226 \"-\" \"-\"";
    int32_t rc = checked_fast(l, slen(l), f);
    CHECK_EQ(rc, 5);
    CHECK_SPAN(l, f[LOG_FIELD_REQUEST], 43, "\\x16\\x03\\x01\\x00\\xa5\\x01", LOG_FLAG_ESCAPED);
    CHECK_ABSENT(f[LOG_FIELD_METHOD]);
    CHECK_ABSENT(f[LOG_FIELD_PATH]);
    CHECK_ABSENT(f[LOG_FIELD_PROTOCOL]);
    CHECK_SPAN(l, f[LOG_FIELD_STATUS], 69, "400", 0);
    CHECK_SPAN(l, f[LOG_FIELD_BODY_BYTES], 73, "226", 0);

    /* The same with the raw bytes (a NUL among them): not a C string. */
    static const char raw[] = "10.0.0.2 - - [t] \"\x16\x03\x01\x00\xa5\x01\" 400 0 \"-\" \"-\"";
    rc = checked_fast(raw, sizeof raw - 1, f);
    CHECK_EQ(rc, 5);
    CHECK(f[LOG_FIELD_REQUEST].off == 18 && f[LOG_FIELD_REQUEST].len == 6 &&
          f[LOG_FIELD_REQUEST].flags == 0);
    CHECK_ABSENT(f[LOG_FIELD_METHOD]);
    CHECK_ABSENT(f[LOG_FIELD_PATH]);
    CHECK_ABSENT(f[LOG_FIELD_PROTOCOL]);
    CHECK_SPAN(raw, f[LOG_FIELD_STATUS], 26, "400", 0);

    /* Other shapes that are not METHOD SP TARGET [SP HTTP/x.y]. */
    static const char *const reqs[] = {"GET", "GET /a b HTTP/1.1", "GET /a FTP/1.0",
                                       " /a HTTP/1.1", "GET  HTTP/1.1", "G(T / HTTP/1.1"};
    for (size_t k = 0; k < sizeof reqs / sizeof reqs[0]; k++) {
        char line[128];
        snprintf(line, sizeof line, "1.2.3.4 - - [t] \"%s\" 400 0 \"-\" \"-\"", reqs[k]);
        rc = checked_fast(line, strlen(line), f);
        CHECK_EQ(rc, 5);
        CHECK_SPAN(line, f[LOG_FIELD_REQUEST], 17, reqs[k], 0);
        CHECK(f[LOG_FIELD_METHOD].off == LOG_SPAN_ABSENT &&
              f[LOG_FIELD_PATH].off == LOG_SPAN_ABSENT &&
              f[LOG_FIELD_PROTOCOL].off == LOG_SPAN_ABSENT);
    }
    /* HTTP/0.9: method and path, no protocol. */
    const char *l09 = "1.2.3.4 - - [t] \"GET /\" 200 0 \"-\" \"-\"";
    rc = checked_fast(l09, slen(l09), f);
    CHECK_EQ(rc, 7);
    CHECK_SPAN(l09, f[LOG_FIELD_METHOD], 17, "GET", 0);
    CHECK_SPAN(l09, f[LOG_FIELD_PATH], 21, "/", 0);
    CHECK_ABSENT(f[LOG_FIELD_PROTOCOL]);
}

/* A trailing "\n" or "\r\n" changes nothing: same return, same spans. */
static void line_endings(void) {
    static const char *const lines[] = {
        COMBINED,
        "192.168.1.20 - - [01/Jan/2024:00:00:00 +0000] \"POST /api/v1/items HTTP/1.1\" 201 -",
        "::1 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
    };
    static const char *const eols[] = {"\n", "\r\n"};
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        LogSpan want[LOG_FAST_FIELDS], got[LOG_FAST_FIELDS];
        int32_t want_rc = checked_fast(lines[k], strlen(lines[k]), want);
        CHECK(want_rc > 0);
        for (size_t e = 0; e < 2; e++) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s%s", lines[k], eols[e]);
            int32_t rc = checked_fast(buf, strlen(buf), got);
            CHECK_EQ(rc, want_rc);
            CHECK(memcmp(got, want, sizeof want) == 0);
        }
    }
    /* Only one line ending is removed; a lone "\r" is not one. */
    LogSpan f[LOG_FAST_FIELDS];
    const char *cr = "::1 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\r";
    CHECK_EQ(checked_fast(cr, slen(cr), f), LOG_ERR_ACCESS_TRAILING_DATA);
    const char *two = "::1 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n\n";
    CHECK_EQ(checked_fast(two, slen(two), f), LOG_ERR_ACCESS_TRAILING_DATA);
}

static void malformed(void) {
    static const struct {
        const char *line;
        int32_t want;
    } cases[] = {
        {"", LOG_ERR_EMPTY_LINE},
        {"\n", LOG_ERR_EMPTY_LINE},
        {"\r\n", LOG_ERR_EMPTY_LINE},
        {" - - [t] \"GET / HTTP/1.1\" 200 1", LOG_ERR_ACCESS_MISSING_FIELD},
        {"1.2.3.4  - [t] \"GET / HTTP/1.1\" 200 1", LOG_ERR_ACCESS_MISSING_FIELD},
        {"1.2.3.4 - - t \"GET / HTTP/1.1\" 200 1", LOG_ERR_ACCESS_BAD_TIME},
        {"1.2.3.4 - - [t]x\"GET / HTTP/1.1\" 200 1", LOG_ERR_ACCESS_BAD_TIME},
        {"not an access log line", LOG_ERR_ACCESS_BAD_TIME},
        {"1.2.3.4 - - [t] GET / HTTP/1.1 200 1", LOG_ERR_ACCESS_BAD_QUOTE},
        {"1.2.3.4 - - [t] \"GET /\"x 200 1", LOG_ERR_ACCESS_BAD_QUOTE},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\"x\"-\"", LOG_ERR_ACCESS_BAD_QUOTE},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1 200 1", LOG_ERR_ACCESS_UNTERMINATED_QUOTE},
        {"1.2.3.4 - - [t] \"GET /\\\"", LOG_ERR_ACCESS_UNTERMINATED_QUOTE},
        {"1.2.3.4 - - [t] \"GET /\\", LOG_ERR_ACCESS_UNTERMINATED_QUOTE},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 20x 1", LOG_ERR_ACCESS_BAD_STATUS},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 2000 1", LOG_ERR_ACCESS_BAD_STATUS},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 x", LOG_ERR_ACCESS_BAD_BYTES},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 12x", LOG_ERR_ACCESS_BAD_BYTES},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\"", LOG_ERR_ACCESS_TRUNCATED},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua", LOG_ERR_ACCESS_UNTERMINATED_QUOTE},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\" x", LOG_ERR_ACCESS_TRAILING_DATA},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 ", LOG_ERR_ACCESS_TRUNCATED},
        {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200", LOG_ERR_ACCESS_TRUNCATED},
        {"1.2.3.4 - - [t", LOG_ERR_ACCESS_TRUNCATED},
        {"1.2.3.4", LOG_ERR_ACCESS_TRUNCATED},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        LogSpan f[LOG_FAST_FIELDS];
        int32_t rc = checked_fast(cases[k].line, strlen(cases[k].line), f);
        if (!CHECK_EQ(rc, cases[k].want))
            fprintf(stderr, "  line: \"%s\"\n", cases[k].line);
        int all_absent = 1; /* checked_fast checks this too; make it explicit */
        for (int i = 0; i < LOG_FAST_FIELDS; i++)
            all_absent &= f[i].off == LOG_SPAN_ABSENT && f[i].len == 0 && f[i].flags == 0;
        CHECK(all_absent);
    }
}

/* Cutting the combined line at every byte: no crash, no span outside the
 * cut buffer (an exact-size heap copy: ASan/valgrind see any over-read),
 * and only cuts inside "2326" give a (common) line. */
static void every_truncation(void) {
    const size_t n = slen(COMBINED);
    const size_t common_end = (size_t)(strstr(COMBINED, " 2326") - COMBINED) + 5;
    int unexpected = 0;
    for (size_t cut = 0; cut < n; cut++) {
        LogSpan f[LOG_FAST_FIELDS];
        int32_t rc = checked_fast(COMBINED, cut, f);
        int want_ok = cut >= common_end - 3 && cut <= common_end;
        if ((rc >= 0) != want_ok) {
            fprintf(stderr, "  cut %zu: rc %d\n", cut, (int)rc);
            unexpected++;
        }
        if (rc >= 0) {
            CHECK_EQ(rc, 9); /* referer and user agent absent */
            CHECK_EQ(f[LOG_FIELD_BODY_BYTES].len, cut - (common_end - 4));
        }
    }
    CHECK_EQ(unexpected, 0);
}

void test_fast(void) {
    combined_line();
    common_line();
    ipv6_line();
    dash_values();
    escapes();
    unsplittable_requests();
    line_endings();
    malformed();
    every_truncation();
}
