/* The bad-input matrix (README "Limits and guarantees"), from C.
 *
 * Each row of ROWS is: a spec, an input, the expected status, and (for a
 * success) the field that must hold a given text. Every row is run
 * through log_parser_parse on an exact-size heap copy (ASan and valgrind
 * see any read past it) and through log_parser_parse_batch, and checks
 * that the input bytes are untouched, every span lies inside the input,
 * absent spans are absent, the status counts the present spans and an
 * error leaves every span absent (checked_parse, check.c).
 *
 * Besides the table: NULL pointers with zero and non-zero lengths, output
 * capacities 0 and 1 (and one short of the field count), every truncation
 * of a valid line of every format, a 16 MiB line of every format, JSON
 * nested 100,000 deep, regexes built for catastrophic backtracking on
 * long lines, a spec that is not UTF-8, more pairs than an enumerate spec
 * holds, and a 1 GiB stream through log_parser_parse_batch in 1 MiB
 * windows (64 MiB under valgrind).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#define MIB ((size_t)1 << 20)

/* An input given with its length (it may hold NUL bytes). */
#define IN(s) (s), (sizeof(s) - 1)

struct row {
    const char *name;
    const char *spec;
    const char *input;
    size_t len;
    int32_t status;     /* expected status (a count of present fields, or LOG_ERR_*) */
    const char *field;  /* success rows: a field that must be present ... */
    const char *text;   /* ... and its bytes (NULL: just present) */
};

#define A_LINE "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200 12 \"-\" \"ua\""

static const struct row ROWS[] = {
    /* empty input, a line of only "\n", "\r\n" */
    {"empty access", "access", IN(""), LOG_ERR_EMPTY_LINE, NULL, NULL},
    {"only \\n access", "access", IN("\n"), LOG_ERR_EMPTY_LINE, NULL, NULL},
    {"only \\r\\n access", "access", IN("\r\n"), LOG_ERR_EMPTY_LINE, NULL, NULL},
    {"only \\n json", "json:a", IN("\n"), LOG_ERR_EMPTY_LINE, NULL, NULL},
    {"only \\n logfmt", "logfmt:a", IN("\n"), LOG_ERR_EMPTY_LINE, NULL, NULL},
    {"only \\n syslog", "syslog", IN("\n"), LOG_ERR_EMPTY_LINE, NULL, NULL},
    {"only \\n pattern", "pattern:<a> <b>", IN("\n"), LOG_ERR_EMPTY_LINE, NULL, NULL},
    {"only \\n auto", "auto", IN("\r\n"), LOG_ERR_EMPTY_LINE, NULL, NULL},
    /* regex matches the empty line when the regex allows it */
    {"only \\n regex", "regex:^(?P<a>\\w*)$", IN("\n"), 1, "a", ""},
    {"only \\n regex no match", "regex:(?P<a>\\w+)", IN("\n"), LOG_ERR_REGEX_NO_MATCH, NULL, NULL},
    /* \r\n endings are not part of any field */
    {"\\r\\n access", "access", IN(A_LINE "\r\n"), 9, "user_agent", "ua"},
    {"\\r\\n json", "json:a", IN("{\"a\":\"x\"}\r\n"), 1, "a", "x"},
    {"\\r\\n logfmt", "logfmt:a", IN("a=x\r\n"), 1, "a", "x"},
    {"\\r\\n syslog", "syslog", IN("<1>1 - - - - - - m\r\n"), 3, "message", "m"},
    {"\\r\\n pattern", "pattern:<a> <b>", IN("x y\r\n"), 2, "b", "y"},
    {"\\r\\n regex", "regex:(?P<a>y.*)$", IN("x y\r\n"), 1, "a", "y"},
    /* NUL bytes inside a line: data like any other byte, except where a
     * format forbids control characters */
    {"NUL in access path", "access", IN("1.2.3.4 - - [t] \"GET /a\0b HTTP/1.1\" 200 1"), 8, "path", NULL},
    {"NUL in JSON string", "json:a", IN("{\"a\":\"x\0y\"}"), LOG_ERR_JSON_BAD_STRING, NULL, NULL},
    {"NUL between JSON tokens", "json:a", IN("{\"a\":1\0}"), LOG_ERR_JSON_SYNTAX, NULL, NULL},
    {"NUL in logfmt quoted value", "logfmt:a", IN("a=\"x\0y\""), LOG_ERR_LOGFMT_BAD_ESCAPE, NULL, NULL},
    {"NUL separates logfmt pairs", "logfmt:a,b", IN("a=x\0b=y"), 2, "b", "y"},
    {"NUL in syslog MSG", "syslog", IN("<1>1 - - - - - - a\0b"), 3, "message", NULL},
    {"NUL in syslog HOSTNAME", "syslog", IN("<1>1 - h\0st - - - -"), LOG_ERR_SYSLOG_BAD_HEADER, NULL, NULL},
    {"NUL in pattern capture", "pattern:<a> <b>", IN("x\0 y"), 2, "a", NULL},
    {"NUL in regex input", "regex:(?P<a>a.b)", IN("a\0b"), 1, "a", NULL},
    /* invalid UTF-8 (\xff) in every field position, as each format says */
    {"\\xff remote_addr", "access", IN("\xff - - [t] \"GET / HTTP/1.1\" 200 1"), 8, "remote_addr", "\xff"},
    {"\\xff ident", "access", IN("h \xff - [t] \"GET / HTTP/1.1\" 200 1"), 9, "ident", "\xff"},
    {"\\xff remote_user", "access", IN("h - \xff [t] \"GET / HTTP/1.1\" 200 1"), 9, "remote_user", "\xff"},
    {"\\xff time", "access", IN("h - - [\xff] \"GET / HTTP/1.1\" 200 1"), 8, "time", "\xff"},
    /* a method that is not a token: the request line is kept whole */
    {"\\xff method", "access", IN("h - - [t] \"G\xff / HTTP/1.1\" 200 1"), 5, "request", "G\xff / HTTP/1.1"},
    {"\\xff path", "access", IN("h - - [t] \"GET /\xff HTTP/1.1\" 200 1"), 8, "path", "/\xff"},
    {"\\xff protocol", "access", IN("h - - [t] \"GET / HTTP/1.\xff\" 200 1"), 5, "request", "GET / HTTP/1.\xff"},
    {"\\xff status", "access", IN("h - - [t] \"GET / HTTP/1.1\" 2\xff" "0 1"), LOG_ERR_ACCESS_BAD_STATUS, NULL, NULL},
    {"\\xff body_bytes", "access", IN("h - - [t] \"GET / HTTP/1.1\" 200 1\xff"), LOG_ERR_ACCESS_BAD_BYTES, NULL, NULL},
    {"\\xff referer", "access", IN("h - - [t] \"GET / HTTP/1.1\" 200 1 \"\xff\" \"u\""), 10, "referer", "\xff"},
    {"\\xff user_agent", "access", IN("h - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"\xff\""), 9, "user_agent", "\xff"},
    {"\\xff JSON key", "json:a", IN("{\"\xff\":1}"), LOG_ERR_JSON_INVALID_UTF8, NULL, NULL},
    {"\\xff JSON value", "json:a", IN("{\"a\":\"\xff\"}"), LOG_ERR_JSON_INVALID_UTF8, NULL, NULL},
    {"\\xff JSON nested value", "json:a", IN("{\"a\":[{\"b\":\"\xc3\x28\"}]}"), LOG_ERR_JSON_INVALID_UTF8, NULL, NULL},
    {"\\xff JSON outside strings", "json:a", IN("{\"a\":1\xff}"), LOG_ERR_JSON_SYNTAX, NULL, NULL},
    {"\\xff logfmt key", "logfmt:a", IN("\xff=1"), LOG_ERR_LOGFMT_SYNTAX, NULL, NULL},
    {"\\xff logfmt value", "logfmt:a", IN("a=\xff"), 1, "a", "\xff"},
    {"\\xff logfmt quoted value", "logfmt:a", IN("a=\"\xff\""), 1, "a", "\xff"},
    {"\\xff syslog5424 hostname", "syslog", IN("<1>1 - \xff - - - -"), LOG_ERR_SYSLOG_BAD_HEADER, NULL, NULL},
    {"\\xff syslog5424 app_name", "syslog", IN("<1>1 - - \xff - - -"), LOG_ERR_SYSLOG_BAD_HEADER, NULL, NULL},
    {"\\xff syslog5424 procid", "syslog", IN("<1>1 - - - \xff - -"), LOG_ERR_SYSLOG_BAD_HEADER, NULL, NULL},
    {"\\xff syslog5424 msgid", "syslog", IN("<1>1 - - - - \xff -"), LOG_ERR_SYSLOG_BAD_HEADER, NULL, NULL},
    {"\\xff syslog5424 SD value", "syslog", IN("<1>1 - - - - - [a b=\"\xff\"]"), LOG_ERR_SYSLOG_BAD_STRUCTURED_DATA, NULL, NULL},
    {"\\xff syslog5424 MSG", "syslog", IN("<1>1 - - - - - - \xff"), 3, "message", "\xff"},
    {"\\xff syslog5424 BOM MSG", "syslog", IN("<1>1 - - - - - - \xef\xbb\xbf\xff"), LOG_ERR_SYSLOG_INVALID_UTF8, NULL, NULL},
    {"\\xff syslog3164 hostname", "syslog", IN("<1>Oct 11 22:14:15 \xff msg"), LOG_ERR_SYSLOG_BAD_HEADER, NULL, NULL},
    {"\\xff syslog3164 MSG", "syslog", IN("<1>Oct 11 22:14:15 host app: \xff"), 5, "message", "\xff"},
    {"\\xff pattern capture", "pattern:<a> <b>", IN("\xff \xfe"), 2, "b", "\xfe"},
    {"\\xff regex input", "regex:(?P<a>\\d+)", IN("\xff" "42\xfe"), 1, "a", "42"},
    /* regex: `.` and classes match UTF-8 characters only (a regex that
     * could match invalid UTF-8 is a spec error), so a line whose needed
     * part is not UTF-8 does not match: rejected, never half-matched */
    {"\\xff regex dot", "regex:^(?P<a>.*)$", IN("a\xff" "b"), LOG_ERR_REGEX_NO_MATCH, NULL, NULL},
    /* more fields than the enumerate spec holds: an error, never a cut */
    {"json:*2 with 3 pairs", "json:*2", IN("{\"a\":1,\"b\":2,\"c\":3}"), LOG_ERR_TOO_MANY_FIELDS, NULL, NULL},
    {"logfmt:*2 with 3 pairs", "logfmt:*2", IN("a=1 b=2 c=3"), LOG_ERR_TOO_MANY_FIELDS, NULL, NULL},
    {"json:*2 with 2 pairs", "json:*2", IN("{\"a\":1,\"b\":2}"), 4, "value1", "2"},
};
enum { NROWS = sizeof ROWS / sizeof ROWS[0] };

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One row: parse, batch, expectations. */
static void run_row(const struct row *r) {
    LogParser *p = new_parser(r->spec);
    if (p == NULL)
        return;
    size_t nf = log_parser_field_count(p);
    LogSpan *out = malloc(nf * sizeof *out);
    int32_t rc = checked_parse(p, r->input, r->len, out, nf);
    if (!CHECK_EQ(rc, r->status))
        fprintf(stderr, "  row \"%s\"\n", r->name);
    if (rc >= 0 && r->field != NULL) {
        int32_t k = log_parser_field_index(p, (const uint8_t *)r->field, strlen(r->field));
        if (CHECK(k >= 0) && CHECK(out[k].off != LOG_SPAN_ABSENT)) {
            if (r->text != NULL &&
                !(CHECK_EQ(out[k].len, strlen(r->text)) &&
                  CHECK(memcmp(r->input + out[k].off, r->text, out[k].len) == 0)))
                fprintf(stderr, "  row \"%s\"\n", r->name);
        }
    }
    /* The same line as a batch (end of input): the same status. */
    uint8_t *copy = dup_bytes(r->input, r->len);
    LogLine line;
    LogSpan *fields = malloc(nf * sizeof *fields);
    LogBatchResult res;
    CHECK_EQ(log_parser_parse_batch(p, copy, r->len, LOG_BATCH_END_OF_INPUT, &line, 1, fields, nf,
                                    &res),
             LOG_OK);
    CHECK_EQ(res.lines, r->len == 0 ? 0 : 1);
    if (res.lines == 1 && !CHECK_EQ(line.status, r->status))
        fprintf(stderr, "  batch row \"%s\"\n", r->name);
    CHECK(r->len == 0 || memcmp(copy, r->input, r->len) == 0);
    free(copy);
    free(fields);
    free(out);
    log_parser_free(p);
}

static void table(void) {
    for (int i = 0; i < NROWS; i++)
        run_row(&ROWS[i]);
}

/* NULL pointers with zero and non-zero lengths, for every entry point
 * that takes a buffer, with parsers of every format. */
static const char *const SPECS[] = {
    "access", "combined", "common", "json:a,b", "json:*", "logfmt:a", "logfmt:*",
    "syslog", "syslog5424", "syslog3164", "auto", "regex:(?P<a>x*)", "pattern:<a> <b>",
    "nginx:$a $b", "apache:%h %>s",
};
enum { NSPECS = sizeof SPECS / sizeof SPECS[0] };

static void nulls(void) {
    for (int i = 0; i < NSPECS; i++) {
        LogParser *p = new_parser(SPECS[i]);
        if (p == NULL)
            continue;
        size_t nf = log_parser_field_count(p);
        LogSpan *out = malloc(nf * sizeof *out);
        int32_t rc = log_parser_parse(p, NULL, 0, out, nf);
        /* (NULL, 0) is the empty line: an error for every format but a
         * regex that matches the empty string. */
        int32_t want = strncmp(SPECS[i], "regex:", 6) == 0 ? 1 : LOG_ERR_EMPTY_LINE;
        if (!CHECK_EQ(rc, want))
            fprintf(stderr, "  spec %s\n", SPECS[i]);
        CHECK_EQ(log_parser_parse(p, NULL, 1, out, nf), LOG_ERR_NULL_ARGUMENT);
        CHECK_EQ(log_parser_parse(p, NULL, (size_t)-1, out, nf), LOG_ERR_NULL_ARGUMENT);
        CHECK_EQ(log_parser_parse(p, (const uint8_t *)"x", 1, NULL, nf), LOG_ERR_NULL_ARGUMENT);
        CHECK_EQ(log_parser_parse(NULL, (const uint8_t *)"x", 1, out, nf), LOG_ERR_NULL_ARGUMENT);
        LogBatchResult res = {77, 77, 77, 77};
        CHECK_EQ(log_parser_parse_batch(p, NULL, 0, LOG_BATCH_END_OF_INPUT, NULL, 0, NULL, 0, &res),
                 LOG_OK);
        CHECK(res.consumed == 0 && res.lines == 0 && res.full == 0);
        res.lines = 77;
        CHECK_EQ(log_parser_parse_batch(p, NULL, 5, 0, NULL, 0, NULL, 0, &res),
                 LOG_ERR_NULL_ARGUMENT);
        CHECK_EQ(res.lines, 77); /* untouched on error */
        CHECK_EQ(log_parser_parse_batch(p, (const uint8_t *)"x\n", 2, 0, NULL, 4, out, nf, &res),
                 LOG_ERR_NULL_ARGUMENT);
        free(out);
        log_parser_free(p);
    }
    LogSpan f[LOG_FAST_FIELDS];
    CHECK_EQ(log_parse_fast(NULL, 0, f), LOG_ERR_EMPTY_LINE);
    CHECK_EQ(log_parse_fast(NULL, 3, f), LOG_ERR_NULL_ARGUMENT);
}

/* Output capacities 0 and 1, and one short of the field count: the
 * status says so and nothing is written. */
static void capacities(void) {
    static const char line[] = "{\"a\":1,\"b\":2}";
    for (int i = 0; i < NSPECS; i++) {
        LogParser *p = new_parser(SPECS[i]);
        if (p == NULL)
            continue;
        size_t nf = log_parser_field_count(p);
        LogSpan *out = malloc((nf + 1) * sizeof *out);
        size_t caps[3] = {0, 1, nf - 1};
        for (int c = 0; c < 3; c++) {
            if (caps[c] >= nf)
                continue;
            fill_garbage(out, nf + 1);
            CHECK_EQ(log_parser_parse(p, (const uint8_t *)line, sizeof line - 1, out, caps[c]),
                     LOG_ERR_OUTPUT_TOO_SMALL);
            CHECK(out[0].off == 0xA5A5A5A5u && out[nf].off == 0xA5A5A5A5u);
        }
        CHECK_EQ(log_parser_parse(p, (const uint8_t *)line, sizeof line - 1, NULL, 0),
                 nf > 0 ? LOG_ERR_OUTPUT_TOO_SMALL : 0);
        /* A batch with room for no line: LOG_OK, full, nothing consumed. */
        LogLine lines[2];
        LogBatchResult res;
        CHECK_EQ(log_parser_parse_batch(p, (const uint8_t *)"x\ny\n", 4, 0, lines, 0, out, nf, &res),
                 LOG_OK);
        CHECK(res.lines == 0 && res.consumed == 0 && res.full == 1);
        CHECK_EQ(log_parser_parse_batch(p, (const uint8_t *)"x\ny\n", 4, 0, lines, 2, out, nf - 1,
                                        &res),
                 LOG_OK);
        CHECK(res.lines == 0 && res.consumed == 0 && res.full == 1);
        /* Room for exactly one line: one line, full, continue after it. */
        CHECK_EQ(log_parser_parse_batch(p, (const uint8_t *)"x\ny\n", 4, 0, lines, 1, out, nf, &res),
                 LOG_OK);
        CHECK(res.lines == 1 && res.consumed == 2 && res.full == 1);
        free(out);
        log_parser_free(p);
    }
    /* A one-field spec with capacity 1 parses. */
    LogParser *p = new_parser("json:a");
    if (p != NULL) {
        LogSpan one;
        CHECK_EQ(checked_parse(p, line, sizeof line - 1, &one, 1), 1);
        log_parser_free(p);
    }
}

/* Every truncation of a valid line of each format: never a crash or a
 * read past the cut (exact-size copies), all the invariants; and for the
 * formats whose grammar makes every proper prefix invalid, an error. */
static const struct {
    const char *spec;
    const char *line;
    int prefix_is_error; /* every proper, non-empty prefix is an error */
} VALID[] = {
    {"combined", A_LINE, 1},
    {"access", A_LINE, 0},
    {"json:a,b.c,d[1]", "{\"a\":\"x\\\"y\",\"b\":{\"c\":[1,2.5e3,true,null]},\"d\":[0,{}]}", 1},
    {"json:*", "{\"a\":1, \"b\" : \"\\u00e9\"}", 1},
    {"logfmt:a,msg", "a=1 msg=\"hi \\\"you\\\"\" debug", 0},
    {"syslog5424", "<165>1 2003-10-11T22:14:15.003Z host app 12 ID47 [ex@1 a=\"b\\]\"] msg", 0},
    {"syslog3164", "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed", 0},
    {"auto", "time=2024-01-01T00:00:00Z level=info msg=ok", 0},
    {"regex:^(?P<k>\\w+)=(?P<v>\\d+)$", "key=12345", 0},
    {"pattern:<ip> - <user> [<ts>] \"<req>\" <status>", "1.2.3.4 - u [t] \"GET /\" 200", 0},
};

static void truncations(void) {
    for (size_t i = 0; i < sizeof VALID / sizeof VALID[0]; i++) {
        LogParser *p = new_parser(VALID[i].spec);
        if (p == NULL)
            continue;
        size_t nf = log_parser_field_count(p);
        LogSpan *out = malloc(nf * sizeof *out);
        size_t len = strlen(VALID[i].line);
        if (!CHECK(checked_parse(p, VALID[i].line, len, out, nf) > 0))
            fprintf(stderr, "  spec %s: the whole line must parse\n", VALID[i].spec);
        int errors = 0;
        for (size_t k = 1; k < len; k++) {
            int32_t rc = checked_parse(p, VALID[i].line, k, out, nf);
            errors += rc < 0;
            CHECK(rc != LOG_ERR_PANIC);
        }
        if (VALID[i].prefix_is_error && !CHECK_EQ(errors, (long long)len - 1))
            fprintf(stderr, "  spec %s: a cut line parsed\n", VALID[i].spec);
        free(out);
        log_parser_free(p);
    }
}

/* A 16 MiB single line of each format parses, with the long field whole. */
static void long_lines(void) {
    const size_t big = 16 * MIB;
    struct {
        const char *spec, *head, *tail, *field;
    } cases[] = {
        {"access", "1.2.3.4 - - [t] \"GET /", " HTTP/1.1\" 200 1", "path"},
        {"json:msg", "{\"msg\":\"", "\"}", "msg"},
        {"logfmt:msg", "level=info msg=\"", "\"", "msg"},
        {"syslog", "<1>1 - - - - - - ", "", "message"},
        {"auto", "a=1 msg=", "", "message"},
        {"regex:^(?P<a>x+)(?P<b>y)$", "", "y", "a"},
        {"pattern:<a> <b>", "", " y", "a"},
    };
    char *line = malloc(big + 64);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        LogParser *p = new_parser(cases[i].spec);
        if (p == NULL)
            continue;
        size_t h = strlen(cases[i].head), t = strlen(cases[i].tail);
        memcpy(line, cases[i].head, h);
        memset(line + h, 'x', big - h - t);
        memcpy(line + big - t, cases[i].tail, t);
        size_t nf = log_parser_field_count(p);
        LogSpan *out = malloc(nf * sizeof *out);
        double t0 = now_s();
        int32_t rc = checked_parse(p, line, big, out, nf);
        double dt = now_s() - t0;
        int32_t k = log_parser_field_index(p, (const uint8_t *)cases[i].field,
                                           strlen(cases[i].field));
        if (!CHECK(rc > 0 && k >= 0 && out[k].len >= big - h - t))
            fprintf(stderr, "  16 MiB %s: status %d (%s)\n", cases[i].spec, rc, log_status_str(rc));
        note("    16 MiB line, %-28s %6.3f s", cases[i].spec, dt);
        free(out);
        log_parser_free(p);
    }
    free(line);
}

/* JSON nested 100,000 deep: an error from the depth limit, no overflow. */
static void deep_json(void) {
    const size_t depth = 100000;
    size_t len = 5 + 2 * depth + 1;
    char *s = malloc(len);
    memcpy(s, "{\"a\":", 5);
    memset(s + 5, '[', depth);
    memset(s + 5 + depth, ']', depth);
    s[len - 1] = '}';
    LogParser *p = new_parser("json:a");
    LogParser *e = new_parser("json:*");
    LogSpan out[128];
    if (p != NULL) {
        CHECK_EQ(checked_parse(p, s, len, out, 1), LOG_ERR_JSON_TOO_DEEP);
        /* Opening brackets only (a line cut short): still the depth error. */
        CHECK_EQ(checked_parse(p, s, 5 + depth, out, 1), LOG_ERR_JSON_TOO_DEEP);
        /* Exactly at the limit of 1024 levels: accepted (1 object + 1023 arrays). */
        size_t ok = 1023;
        char *t = malloc(5 + 2 * ok + 1);
        memcpy(t, "{\"a\":", 5);
        memset(t + 5, '[', ok);
        memset(t + 5 + ok, ']', ok);
        t[5 + 2 * ok] = '}';
        CHECK_EQ(checked_parse(p, t, 5 + 2 * ok + 1, out, 1), 1);
        /* One more level (1 object + 1024 arrays): LOG_ERR_JSON_TOO_DEEP. */
        free(t);
        ok = 1024;
        t = malloc(5 + 2 * ok + 1);
        memcpy(t, "{\"a\":", 5);
        memset(t + 5, '[', ok);
        memset(t + 5 + ok, ']', ok);
        t[5 + 2 * ok] = '}';
        CHECK_EQ(checked_parse(p, t, 5 + 2 * ok + 1, out, 1), LOG_ERR_JSON_TOO_DEEP);
        free(t);
    }
    if (e != NULL)
        CHECK_EQ(checked_parse(e, s, len, out, 128), LOG_ERR_JSON_TOO_DEEP);
    /* Top-level arrays nested 100,000 deep (JSONTestSuite n_structure_100000_opening_arrays). */
    if (p != NULL)
        CHECK_EQ(checked_parse(p, s + 5, depth, out, 1), LOG_ERR_JSON_TOO_DEEP);
    log_parser_free(p);
    log_parser_free(e);
    free(s);
}

/* Regexes that backtrack catastrophically in backtracking engines, on
 * long adversarial lines: linear time (the 4x longer line takes at most
 * ~4x as long, with slack for noise) and the right verdict. */
static void catastrophic_regex(void) {
    static const struct {
        const char *spec;
        char fill;
        const char *tail;
        int32_t status;
    } cases[] = {
        {"regex:^(?P<x>(a+)+)$", 'a', "!", LOG_ERR_REGEX_NO_MATCH},
        {"regex:^(?P<x>(a|aa)+)$", 'a', "!", LOG_ERR_REGEX_NO_MATCH},
        {"regex:^(?P<x>(a|a?)+)b$", 'a', "", LOG_ERR_REGEX_NO_MATCH},
        {"regex:(?P<x>(.*a){12})$", 'a', "b", LOG_ERR_REGEX_NO_MATCH},
        {"regex:^(?P<x>(\\w+\\s?)*)$", 'a', "!", LOG_ERR_REGEX_NO_MATCH},
        {"regex:(?P<x>x+x+y)", 'x', "", LOG_ERR_REGEX_NO_MATCH},
        {"pattern:<a>ab<b>ab<c>c", 'a', "b", LOG_ERR_PATTERN_MISMATCH},
    };
    const size_t n1 = 64 * 1024, n2 = 4 * n1;
    char *s = malloc(n2 + 8);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        LogParser *p = new_parser(cases[i].spec);
        if (p == NULL)
            continue;
        LogSpan out[8];
        double dt[2];
        size_t sizes[2] = {n1, n2};
        for (int k = 0; k < 2; k++) {
            size_t t = strlen(cases[i].tail);
            memset(s, cases[i].fill, sizes[k]);
            memcpy(s + sizes[k], cases[i].tail, t);
            double t0 = now_s();
            int32_t rc = checked_parse(p, s, sizes[k] + t, out, 8);
            dt[k] = now_s() - t0;
            if (!CHECK_EQ(rc, cases[i].status))
                fprintf(stderr, "  %s\n", cases[i].spec);
        }
        note("    adversarial %-30s 64 KiB %.4f s, 256 KiB %.4f s", cases[i].spec, dt[0], dt[1]);
        /* Linear: a 4x longer line may cost 4x, plus generous slack for a
         * loaded machine; a quadratic engine would cost 16x, exponential
         * would not return. */
        if (!CHECK(dt[1] < 12 * dt[0] + 0.05))
            fprintf(stderr, "  %s: %.4f s then %.4f s\n", cases[i].spec, dt[0], dt[1]);
        log_parser_free(p);
    }
    free(s);
}

/* Specs that are not UTF-8: LOG_ERR_INVALID_SPEC with a message that
 * says so, *out untouched. */
static void non_utf8_specs(void) {
    /* A UTF-8 regex that could match invalid UTF-8 is refused too. */
    LogParser *q = NULL;
    char msg[256];
    static const char byteclass[] = "regex:(?-u:(?P<a>[\\x80-\\xff]+))";
    CHECK_EQ(log_parser_new((const uint8_t *)byteclass, sizeof byteclass - 1, &q, (uint8_t *)msg,
                            sizeof msg),
             LOG_ERR_INVALID_SPEC);
    CHECK(strstr(msg, "invalid UTF-8") != NULL);
    static const char *const bad[] = {"json:\xff", "regex:(?P<a>\xc3\x28)", "logfmt:a\xfe",
                                      "pattern:<a> \xed\xa0\x80", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        LogParser *p = (LogParser *)(uintptr_t)0x42;
        char err[256];
        uint8_t *spec = dup_bytes(bad[i], strlen(bad[i]));
        CHECK_EQ(log_parser_new(spec, strlen(bad[i]), &p, (uint8_t *)err, sizeof err),
                 LOG_ERR_INVALID_SPEC);
        CHECK(p == (LogParser *)(uintptr_t)0x42);
        CHECK(strstr(err, "UTF-8") != NULL);
        CHECK(memcmp(spec, bad[i], strlen(bad[i])) == 0);
        free(spec);
    }
}

/* A 1 GiB buffer streamed through log_parser_parse_batch in windows of
 * 1 MiB - 1 bytes (so lines are cut at window ends), the unconsumed tail
 * carried into the next window as a caller would: every line is reported
 * once, none fails, no byte lost. About 1 s, 2 s under ASan; under
 * valgrind (found through its LD_PRELOAD), where it would take minutes,
 * 64 MiB unless LOGSPAN_BIG=1. */
static void big_stream(void) {
    static const char period[] =
        A_LINE "\n"
        "10.0.0.2 - bob [10/Oct/2000:13:55:37 -0700] \"POST /api/v1/items?id=1 HTTP/2.0\" 201 -\r\n"
        "::1 - - [10/Oct/2000:13:55:38 -0700] \"-\" 400 0 \"-\" \"-\"\n";
    const size_t plen = sizeof period - 1;
    const char *big = getenv("LOGSPAN_BIG"), *preload = getenv("LD_PRELOAD");
    int valgrind = preload != NULL && strstr(preload, "vgpreload") != NULL;
    size_t target = (valgrind && !(big != NULL && big[0] == '1')) ? 64 * MIB : 1024 * MIB;
    size_t total = target / plen * plen; /* whole periods: 3 lines each */
    LogParser *p = new_parser("access");
    if (p == NULL)
        return;
    const size_t window = MIB - 1;
    char *buf = malloc(window);
    const size_t cap_lines = 4096;
    LogLine *ll = malloc(cap_lines * sizeof *ll);
    LogSpan *ff = malloc(cap_lines * LOG_FAST_FIELDS * sizeof *ff);
    size_t gen = 0, have = 0, seen = 0, errors = 0, consumed = 0;
    double t0 = now_s();
    for (;;) {
        while (have < window && gen < total) { /* the stream, cyclically */
            size_t at = gen % plen, n = plen - at;
            if (n > window - have)
                n = window - have;
            if (n > total - gen)
                n = total - gen;
            memcpy(buf + have, period + at, n);
            have += n;
            gen += n;
        }
        int eof = gen == total;
        LogBatchResult res;
        if (!CHECK_EQ(log_parser_parse_batch(p, (const uint8_t *)buf, have,
                                             eof ? LOG_BATCH_END_OF_INPUT : 0, ll, cap_lines, ff,
                                             cap_lines * LOG_FAST_FIELDS, &res),
                      LOG_OK))
            break;
        seen += res.lines;
        errors += res.errors;
        consumed += res.consumed;
        memmove(buf, buf + res.consumed, have - res.consumed);
        have -= res.consumed;
        if (eof && have == 0)
            break;
        if (res.lines == 0 && !res.full) {
            CHECK(0 && "no progress: a line longer than the window");
            break;
        }
    }
    double dt = now_s() - t0;
    CHECK_EQ(seen, total / plen * 3);
    CHECK_EQ(errors, 0);
    CHECK_EQ(consumed, total);
    note("    streamed %zu MiB through parse_batch: %zu lines in %.2f s (%.0f MiB/s)%s",
         total / MIB, seen, dt, (double)total / (double)MIB / dt,
         target < 1024 * MIB ? " (valgrind: LOGSPAN_BIG=1 streams 1 GiB)" : "");
    free(buf);
    free(ll);
    free(ff);
    log_parser_free(p);
}

void test_bad_input(void) {
    table();
    nulls();
    capacities();
    truncations();
    long_lines();
    deep_json();
    catastrophic_regex();
    non_utf8_specs();
    big_stream();
}
