/* The real Apache log of the elastic examples (10,000 lines): batch-parse
 * it with the `access` spec in several calls and check the results
 * against the corpus maintainers' summary (apache_logs.summary.json).
 * When the corpus is not there the group prints SKIP and passes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CORPUS "../shared/corpora/access/elastic-examples/apache_logs"
#define SUMMARY CORPUS ".summary.json"

enum { LINES_CAP = 512, MAX_ERRORS = 16 };

/* ---- just enough JSON reading for the summary file ---------------- */

/* The text after `"key":` (and spaces), or NULL. */
static const char *after_key(const char *json, const char *key) {
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    const char *p = strstr(json, quoted);
    if (p == NULL)
        return NULL;
    p += strlen(quoted);
    while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static long long json_int(const char *json, const char *key) {
    const char *p = after_key(json, key);
    return p ? strtoll(p, NULL, 10) : -1;
}

/* Calls f(name, value) for each `"name": int` of the object at key.
 * Returns the number of entries, -1 if the key is missing. */
static int json_object_ints(const char *json, const char *key,
                            void (*f)(const char *name, size_t len, long long v, void *ctx),
                            void *ctx) {
    const char *p = after_key(json, key);
    if (p == NULL || *p != '{')
        return -1;
    int n = 0;
    for (;;) {
        const char *q = strchr(p, '"'), *close = strchr(p, '}');
        if (q == NULL || close == NULL || close < q)
            return n;
        const char *e = strchr(q + 1, '"');
        if (e == NULL)
            return n;
        const char *v = e + 1;
        while (*v == ' ' || *v == ':')
            v++;
        char *after;
        long long val = strtoll(v, &after, 10);
        f(q + 1, (size_t)(e - q - 1), val, ctx);
        n++;
        p = after;
    }
}

/* The integers of the array at key, into out[0..cap); returns the count. */
static int json_array_ints(const char *json, const char *key, long long *out, int cap) {
    const char *p = after_key(json, key);
    if (p == NULL || *p != '[')
        return -1;
    p++;
    int n = 0;
    for (;;) {
        while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\r' || *p == '\t')
            p++;
        if (*p == ']' || *p == 0)
            return n;
        char *after;
        long long v = strtoll(p, &after, 10);
        if (after == p)
            return n;
        if (n < cap)
            out[n] = v;
        n++;
        p = after;
    }
}

static int json_string(const char *json, const char *key, char *out, size_t cap) {
    const char *p = after_key(json, key);
    if (p == NULL || *p != '"')
        return 0;
    const char *e = strchr(p + 1, '"');
    if (e == NULL || (size_t)(e - p - 1) >= cap)
        return 0;
    memcpy(out, p + 1, (size_t)(e - p - 1));
    out[e - p - 1] = 0;
    return 1;
}

/* ---- what the parse found --------------------------------------------- */

struct tally {
    long long status[1000];
    long long get, head, options, post, other_method;
    long long bytes_dash, bytes_sum;
    long long escaped_lines[8];
    int n_escaped;
    /* distinct remote addresses: open addressing over spans of the buffer */
    const uint8_t *buf;
    LogSpan *addr_set;
    size_t addr_cap, distinct;
    char first_time[64], last_time[64];
};

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static void add_addr(struct tally *t, LogSpan s) {
    const uint8_t *p = t->buf + s.off;
    size_t i = hash_bytes(p, s.len) & (t->addr_cap - 1);
    for (;; i = (i + 1) & (t->addr_cap - 1)) {
        LogSpan e = t->addr_set[i];
        if (e.off == LOG_SPAN_ABSENT) {
            t->addr_set[i] = s;
            t->distinct++;
            return;
        }
        if (e.len == s.len && memcmp(t->buf + e.off, p, s.len) == 0)
            return;
    }
}

static int span_is(const uint8_t *buf, LogSpan s, const char *text) {
    return s.off != LOG_SPAN_ABSENT && s.len == strlen(text) && memcmp(buf + s.off, text, s.len) == 0;
}

static void copy_span(char *dst, size_t cap, const uint8_t *buf, LogSpan s) {
    size_t n = s.off == LOG_SPAN_ABSENT ? 0 : s.len < cap ? s.len : cap - 1;
    if (n)
        memcpy(dst, buf + s.off, n);
    dst[n] = 0;
}

static void check_status(const char *name, size_t len, long long v, void *ctx) {
    struct tally *t = ctx;
    char code[8];
    if (!CHECK(len == 3)) {
        fprintf(stderr, "  odd status key in the summary\n");
        return;
    }
    memcpy(code, name, 3);
    code[3] = 0;
    long long got = t->status[atoi(code)];
    if (!CHECK_EQ(got, v))
        fprintf(stderr, "  status %s\n", code);
}

static long long status_sum;
static void sum_values(const char *name, size_t len, long long v, void *ctx) {
    (void)name, (void)len, (void)ctx;
    status_sum += v;
}

static void check_method(const char *name, size_t len, long long v, void *ctx) {
    struct tally *t = ctx;
    long long got = -1;
    if (len == 3 && memcmp(name, "GET", 3) == 0)
        got = t->get;
    else if (len == 4 && memcmp(name, "HEAD", 4) == 0)
        got = t->head;
    else if (len == 7 && memcmp(name, "OPTIONS", 7) == 0)
        got = t->options;
    else if (len == 4 && memcmp(name, "POST", 4) == 0)
        got = t->post;
    if (!CHECK_EQ(got, v))
        fprintf(stderr, "  method %.*s\n", (int)len, name);
}

void test_corpus(void) {
    size_t len;
    uint8_t *buf = read_file(CORPUS, &len);
    if (buf == NULL) {
        note("  SKIP: %s not found (run from the repository root); corpus checks skipped",
             CORPUS);
        return;
    }
    size_t slen_;
    char *summary = (char *)read_file(SUMMARY, &slen_);
    if (summary != NULL) {
        summary = realloc(summary, slen_ + 1);
        summary[slen_] = 0;
    }

    uint8_t *copy = dup_bytes(buf, len);
    LogParser *p = new_parser("access");
    if (p == NULL) {
        free(buf);
        free(copy);
        free(summary);
        return;
    }
    LogLine *lines = malloc(LINES_CAP * sizeof *lines);
    LogSpan *fields = malloc(LINES_CAP * LOG_FAST_FIELDS * sizeof *fields);
    struct tally *t = calloc(1, sizeof *t);
    t->buf = buf;
    t->addr_cap = 1 << 14;
    t->addr_set = malloc(t->addr_cap * sizeof *t->addr_set);
    for (size_t i = 0; i < t->addr_cap; i++)
        t->addr_set[i] = LogSpan_ABSENT;

    size_t pos = 0, calls = 0, nlines = 0, nerrors = 0;
    long long err_line[MAX_ERRORS];
    int32_t err_code[MAX_ERRORS];
    size_t bad_line = 0, bad_span = 0, bad_status = 0, fast_disagrees = 0;
    for (;;) {
        LogBatchResult r;
        int32_t rc = log_parser_parse_batch(p, buf + pos, len - pos, LOG_BATCH_END_OF_INPUT,
                                            lines, LINES_CAP, fields,
                                            LINES_CAP * LOG_FAST_FIELDS, &r);
        calls++;
        if (!CHECK_EQ(rc, LOG_OK))
            break;
        const uint8_t *base = buf + pos;
        size_t avail = len - pos;
        for (size_t k = 0; k < r.lines; k++) {
            LogLine l = lines[k];
            const LogSpan *f = fields + k * LOG_FAST_FIELDS;
            nlines++;
            if ((uint64_t)l.off + l.len > avail)
                bad_line++;
            for (int i = 0; i < LOG_FAST_FIELDS; i++)
                if (f[i].off != LOG_SPAN_ABSENT &&
                    (f[i].off < l.off || (uint64_t)f[i].off + f[i].len > (uint64_t)l.off + l.len))
                    bad_span++;
            /* log_parse_fast on the line alone agrees. */
            LogSpan one[LOG_FAST_FIELDS];
            int32_t frc = log_parse_fast(base + l.off, l.len, one);
            for (int i = 0; i < LOG_FAST_FIELDS; i++)
                if (one[i].off != LOG_SPAN_ABSENT)
                    one[i].off += l.off;
            if (frc != l.status || memcmp(one, f, sizeof one) != 0)
                fast_disagrees++;

            if (l.status < 0) {
                if (nerrors < MAX_ERRORS) {
                    err_line[nerrors] = (long long)nlines;
                    err_code[nerrors] = l.status;
                }
                nerrors++;
                continue;
            }
            LogSpan st = f[LOG_FIELD_STATUS];
            if (st.off == LOG_SPAN_ABSENT || st.len != 3) {
                bad_status++;
                continue;
            }
            const uint8_t *s = base + st.off;
            if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' ||
                s[2] > '9') {
                bad_status++;
                continue;
            }
            t->status[(s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0')]++;

            LogSpan m = f[LOG_FIELD_METHOD];
            LogSpan m_abs = m;
            if (m_abs.off != LOG_SPAN_ABSENT)
                m_abs.off += (uint32_t)pos;
            if (span_is(buf, m_abs, "GET"))
                t->get++;
            else if (span_is(buf, m_abs, "HEAD"))
                t->head++;
            else if (span_is(buf, m_abs, "OPTIONS"))
                t->options++;
            else if (span_is(buf, m_abs, "POST"))
                t->post++;
            else
                t->other_method++;

            LogSpan b = f[LOG_FIELD_BODY_BYTES];
            if (b.off == LOG_SPAN_ABSENT) {
                t->bytes_dash++;
            } else {
                long long v = 0;
                for (uint32_t i = 0; i < b.len; i++)
                    v = v * 10 + (base[b.off + i] - '0');
                t->bytes_sum += v;
            }
            int escaped = 0;
            for (int i = 0; i < LOG_FAST_FIELDS; i++)
                escaped |= (f[i].flags & LOG_FLAG_ESCAPED) != 0;
            if (escaped && t->n_escaped < 8)
                t->escaped_lines[t->n_escaped++] = (long long)nlines;
            LogSpan a = f[LOG_FIELD_REMOTE_ADDR];
            if (a.off != LOG_SPAN_ABSENT) {
                a.off += (uint32_t)pos;
                add_addr(t, a);
            }
            LogSpan tm = f[LOG_FIELD_TIME];
            if (tm.off != LOG_SPAN_ABSENT)
                tm.off += (uint32_t)pos;
            if (t->first_time[0] == 0)
                copy_span(t->first_time, sizeof t->first_time, buf, tm);
            copy_span(t->last_time, sizeof t->last_time, buf, tm);
        }
        pos += r.consumed;
        if (!r.full)
            break;
    }
    note("  corpus: %zu lines in %zu calls, %zu errors", nlines, calls, nerrors);

    CHECK_EQ(pos, len);
    CHECK(calls > 1); /* it really streamed */
    CHECK(len == 0 || memcmp(buf, copy, len) == 0); /* input untouched */
    CHECK_EQ(nlines, 10000);
    CHECK_EQ(nlines - nerrors, 9999);
    if (CHECK_EQ(nerrors, 1)) {
        CHECK_EQ(err_line[0], 8899);
        /* The line ends inside the quoted user agent. */
        CHECK_EQ(err_code[0], LOG_ERR_ACCESS_UNTERMINATED_QUOTE);
    } else {
        for (size_t i = 0; i < nerrors && i < MAX_ERRORS; i++)
            fprintf(stderr, "  error at line %lld: %s\n", err_line[i],
                    log_status_str(err_code[i]));
    }
    CHECK_EQ(bad_line, 0);
    CHECK_EQ(bad_span, 0);
    CHECK_EQ(bad_status, 0);
    CHECK_EQ(fast_disagrees, 0);

    if (!CHECK(summary != NULL)) {
        fprintf(stderr, "  cannot read %s\n", SUMMARY);
    } else {
        CHECK_EQ(json_int(summary, "lines"), (long long)nlines);
        CHECK_EQ(json_int(summary, "bytes"), (long long)len);
        long long not_matching[4];
        int nm = json_array_ints(summary, "lines_not_matching_combined_format", not_matching, 4);
        CHECK_EQ(nm, 1);
        if (nm == 1 && nerrors == 1)
            CHECK_EQ(err_line[0], not_matching[0]);

        int ns = json_object_ints(summary, "status_counts", check_status, t);
        CHECK(ns > 0);
        status_sum = 0;
        json_object_ints(summary, "status_counts", sum_values, NULL);
        long long ours = 0;
        for (int i = 0; i < 1000; i++)
            ours += t->status[i];
        CHECK_EQ(ours, status_sum); /* no status missing from the summary */
        CHECK_EQ(ours, 9999);

        int nmeth = json_object_ints(summary, "request_method_counts", check_method, t);
        CHECK_EQ(nmeth, 4);
        CHECK_EQ(t->other_method, 0);
        CHECK_EQ(t->bytes_dash, json_int(summary, "lines_with_bytes_dash"));
        CHECK_EQ(t->bytes_sum, json_int(summary, "sum_of_numeric_bytes"));
        CHECK_EQ((long long)t->distinct, json_int(summary, "distinct_remote_addr"));

        long long esc[8];
        int ne = json_array_ints(summary, "lines_with_backslash_escapes", esc, 8);
        if (CHECK_EQ(t->n_escaped, ne))
            for (int i = 0; i < ne && i < 8; i++)
                CHECK_EQ(t->escaped_lines[i], esc[i]);
        char ts[64];
        if (CHECK(json_string(summary, "first_timestamp", ts, sizeof ts)))
            CHECK_STR(t->first_time, ts);
        if (CHECK(json_string(summary, "last_timestamp", ts, sizeof ts)))
            CHECK_STR(t->last_time, ts);
    }

    free(t->addr_set);
    free(t);
    free(lines);
    free(fields);
    free(summary);
    free(buf);
    free(copy);
    log_parser_free(p);
}
