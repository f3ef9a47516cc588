/* log_parser_parse_batch: line positions and statuses, spans relative to
 * the buffer with stride field_count, the unterminated last line, full
 * output arrays, flags, streaming, and equality with log_parser_parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CANARY 0xE7

/* One line of a test buffer, and what the batch must say about it. */
struct seg {
    const char *text; /* with its line ending, if any */
    int32_t status;   /* expected status */
};

static const struct seg MIXED[] = {
    {"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
     "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\n",
     11},
    {"\n", LOG_ERR_EMPTY_LINE},
    {"garbage line\r\n", LOG_ERR_ACCESS_TRUNCATED},
    {"192.168.1.20 - - [01/Jan/2024:00:00:00 +0000] \"POST /api/v1/items HTTP/1.1\" 201 -\r\n",
     7},
    {"1.2.3.4 - - [t] \"GET / HTTP/1.1\" 20x 1\n", LOG_ERR_ACCESS_BAD_STATUS},
    {"\r\n", LOG_ERR_EMPTY_LINE},
    {"::1 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", 8}, /* no newline */
};
enum { NMIXED = sizeof MIXED / sizeof MIXED[0] };

static size_t eol_len(const char *s) {
    size_t n = strlen(s);
    if (n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n')
        return 2;
    if (n >= 1 && s[n - 1] == '\n')
        return 1;
    return 0;
}

/* Concatenate `reps` copies of segs[0..n) (the last segment only after the
 * last copy, when it has no newline). Offsets of each line go to offs. */
static uint8_t *build(const struct seg *segs, size_t n, size_t reps, size_t *len,
                      size_t *offs, int32_t *status, size_t *lens, size_t *nlines) {
    size_t total = 0, k = 0;
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++)
            total += strlen(segs[i].text);
    uint8_t *buf = malloc(total);
    size_t at = 0;
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            const char *t = segs[i].text;
            if (eol_len(t) == 0 && r + 1 < reps)
                t = "\n"; /* only the very last line may lack a newline */
            size_t l = strlen(t);
            memcpy(buf + at, t, l);
            offs[k] = at;
            lens[k] = l - eol_len(t);
            status[k] = t == segs[i].text ? segs[i].status : LOG_ERR_EMPTY_LINE;
            k++;
            at += l;
        }
    *len = at;
    *nlines = k;
    return buf;
}

/* The end (after its newline) of the line starting at off. */
static size_t raw_end(const uint8_t *buf, size_t len, size_t off) {
    const uint8_t *nl = memchr(buf + off, '\n', len - off);
    return nl ? (size_t)(nl - buf) + 1 : len;
}

/* Every reported line must equal log_parser_parse on that line alone,
 * with spans shifted by the line's offset, and stay inside its line. */
static void check_per_line(const char *file, int line, const LogParser *p, const uint8_t *buf,
                           size_t len, const LogLine *lines, size_t n, const LogSpan *fields) {
    size_t nf = log_parser_field_count(p);
    LogSpan *one = malloc(nf * sizeof *one);
    int bad = 0;
    for (size_t k = 0; k < n && !bad; k++) {
        size_t off = lines[k].off, end = raw_end(buf, len, off);
        int32_t rc = log_parser_parse(p, buf + off, end - off, one, nf);
        if (rc != lines[k].status) {
            fprintf(stderr, "%s:%d: line %zu: batch status %d, parse %d\n", file, line, k,
                    (int)lines[k].status, (int)rc);
            bad = 1;
        }
        for (size_t f = 0; f < nf && !bad; f++) {
            LogSpan want = one[f], got = fields[k * nf + f];
            if (want.off != LOG_SPAN_ABSENT)
                want.off += (uint32_t)off;
            if (memcmp(&want, &got, sizeof want) != 0) {
                fprintf(stderr, "%s:%d: line %zu field %zu: batch {%u,%u,%u} parse {%u,%u,%u}\n",
                        file, line, k, f, (unsigned)got.off, (unsigned)got.len,
                        (unsigned)got.flags, (unsigned)want.off, (unsigned)want.len,
                        (unsigned)want.flags);
                bad = 1;
            }
            if (got.off != LOG_SPAN_ABSENT &&
                (got.off < off || (uint64_t)got.off + got.len > off + lines[k].len)) {
                fprintf(stderr, "%s:%d: line %zu field %zu: span outside its line\n", file,
                        line, k, f);
                bad = 1;
            }
        }
    }
    free(one);
    check_at(file, line, !bad, "batch results equal per-line log_parser_parse results");
}
#define CHECK_PER_LINE(p, buf, len, lines, n, fields) \
    check_per_line(__FILE__, __LINE__, (p), (buf), (len), (lines), (n), (fields))

static int all_bytes(const void *p, size_t n, uint8_t v) {
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != v)
            return 0;
    return 1;
}

static void mixed_lines(LogParser *p) {
    size_t len, nlines, offs[16], lens[16];
    int32_t want[16];
    uint8_t *buf = build(MIXED, NMIXED, 1, &len, offs, want, lens, &nlines);
    uint8_t *copy = dup_bytes(buf, len);
    LogLine lines[16];
    LogSpan fields[16 * LOG_FAST_FIELDS];
    LogBatchResult r;

    for (int end = 0; end < 2; end++) {
        memset(lines, CANARY, sizeof lines);
        memset(fields, CANARY, sizeof fields);
        CHECK_EQ(log_parser_parse_batch(p, buf, len, end ? LOG_BATCH_END_OF_INPUT : 0, lines, 16,
                                        fields, 16 * LOG_FAST_FIELDS, &r),
                 LOG_OK);
        CHECK(memcmp(buf, copy, len) == 0); /* input untouched */
        size_t n = end ? NMIXED : NMIXED - 1;
        CHECK_EQ(r.lines, n);
        CHECK_EQ(r.errors, 4);
        CHECK_EQ(r.full, 0);
        /* Without END_OF_INPUT the final line waits for its newline. */
        CHECK_EQ(r.consumed, end ? len : offs[NMIXED - 1]);
        for (size_t k = 0; k < r.lines && k < n; k++) {
            CHECK_EQ(lines[k].off, offs[k]);
            CHECK_EQ(lines[k].len, lens[k]); /* without "\n" / "\r\n" */
            if (!CHECK_EQ(lines[k].status, want[k]))
                fprintf(stderr, "  line %zu\n", k);
        }
        /* Nothing written past the lines reported. */
        CHECK(all_bytes(lines + r.lines, (16 - r.lines) * sizeof(LogLine), CANARY));
        CHECK(all_bytes(fields + r.lines * LOG_FAST_FIELDS,
                        (16 - r.lines) * LOG_FAST_FIELDS * sizeof(LogSpan), CANARY));
        CHECK_PER_LINE(p, buf, len, lines, r.lines, fields);
    }
    /* Spans are relative to the buffer, stride 12: spot checks. */
    const char *b = (const char *)buf;
    CHECK_SPAN(b, fields[0 * 12 + LOG_FIELD_STATUS], (uint32_t)offs[0] + 77, "200", 0);
    CHECK_SPAN(b, fields[3 * 12 + LOG_FIELD_PATH], (uint32_t)offs[3] + 52, "/api/v1/items", 0);
    CHECK_SPAN(b, fields[6 * 12 + LOG_FIELD_REMOTE_ADDR], (uint32_t)offs[6], "::1", 0);
    for (int f = 0; f < LOG_FAST_FIELDS; f++) {
        CHECK_ABSENT(fields[1 * 12 + f]); /* failed lines: all absent */
        CHECK_ABSENT(fields[4 * 12 + f]);
    }

    /* The unterminated tail, passed alone: left, then parsed at the end. */
    size_t tail = offs[NMIXED - 1];
    CHECK_EQ(log_parser_parse_batch(p, buf + tail, len - tail, 0, lines, 16, fields, 192, &r),
             LOG_OK);
    CHECK(r.lines == 0 && r.consumed == 0 && r.full == 0 && r.errors == 0);
    CHECK_EQ(log_parser_parse_batch(p, buf + tail, len - tail, LOG_BATCH_END_OF_INPUT, lines, 16,
                                    fields, 192, &r),
             LOG_OK);
    CHECK(r.lines == 1 && r.consumed == len - tail && r.full == 0 && lines[0].off == 0);
    CHECK_SPAN(buf + tail, fields[LOG_FIELD_REMOTE_ADDR], 0, "::1", 0);

    /* Only newlines. */
    CHECK_EQ(log_parser_parse_batch(p, (const uint8_t *)"\n\r\n\n", 4, 0, lines, 16, fields, 192,
                                    &r),
             LOG_OK);
    CHECK(r.lines == 3 && r.errors == 3 && r.consumed == 4 && r.full == 0);
    CHECK(lines[0].off == 0 && lines[1].off == 1 && lines[2].off == 3);
    CHECK(lines[0].len == 0 && lines[1].len == 0 && lines[2].len == 0);
    CHECK(lines[1].status == LOG_ERR_EMPTY_LINE);

    free(buf);
    free(copy);
}

/* Small lines_cap / fields_cap: result.full, consumed at the next line,
 * no write past either capacity (canaries, and exact-size heap arrays
 * for ASan/valgrind). */
static void small_capacities(LogParser *p) {
    size_t len, nlines, offs[16], lens[16];
    int32_t want[16];
    uint8_t *buf = build(MIXED, NMIXED, 1, &len, offs, want, lens, &nlines);
    static const struct {
        size_t lines_cap, fields_cap;
        uint32_t flags;
        size_t want_lines;
        uint32_t want_full;
    } cases[] = {
        {0, 0, 0, 0, 1},
        {0, 100, 0, 0, 1},
        {1, 12, 0, 1, 1},
        {1, 100, 0, 1, 1},
        {5, 12, 0, 1, 1},
        {5, 11, 0, 0, 1}, /* fields_cap < field_count: no line fits */
        {5, 23, 0, 1, 1},
        {5, 24, 0, 2, 1},
        {5, 60, 0, 5, 1},
        {6, 72, 0, 6, 0},                      /* exactly every complete line: not full */
        {6, 72, LOG_BATCH_END_OF_INPUT, 6, 1}, /* the tail now counts as a line */
        {7, 84, LOG_BATCH_END_OF_INPUT, 7, 0},
        {7, 83, LOG_BATCH_END_OF_INPUT, 6, 1},
    };
    enum { EXTRA = 4 };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t lc = cases[c].lines_cap, fc = cases[c].fields_cap;
        LogLine *lines = malloc((lc + EXTRA) * sizeof *lines);
        LogSpan *fields = malloc((fc + EXTRA) * sizeof *fields);
        memset(lines, CANARY, (lc + EXTRA) * sizeof *lines);
        memset(fields, CANARY, (fc + EXTRA) * sizeof *fields);
        LogBatchResult r;
        CHECK_EQ(log_parser_parse_batch(p, buf, len, cases[c].flags, lines, lc, fields, fc, &r),
                 LOG_OK);
        int ok = CHECK_EQ(r.lines, cases[c].want_lines);
        ok &= CHECK_EQ(r.full, cases[c].want_full);
        size_t next = r.lines < nlines ? offs[r.lines] : len;
        ok &= CHECK_EQ(r.consumed, next); /* the first unhandled line */
        ok &= CHECK(all_bytes(lines + lc, EXTRA * sizeof *lines, CANARY));
        ok &= CHECK(all_bytes(fields + fc, EXTRA * sizeof *fields, CANARY));
        if (!ok)
            fprintf(stderr, "  lines_cap %zu fields_cap %zu flags %u\n", lc, fc,
                    (unsigned)cases[c].flags);
        CHECK_PER_LINE(p, buf, len, lines, r.lines, fields);
        free(lines);
        free(fields);

        /* Exact-size arrays (NULL when the capacity is 0). */
        lines = lc ? malloc(lc * sizeof *lines) : NULL;
        fields = fc ? malloc(fc * sizeof *fields) : NULL;
        CHECK_EQ(log_parser_parse_batch(p, buf, len, cases[c].flags, lines, lc, fields, fc, &r),
                 LOG_OK);
        CHECK_EQ(r.lines, cases[c].want_lines);
        free(lines);
        free(fields);
    }
    free(buf);
}

static void bad_flags(LogParser *p) {
    const uint8_t *buf = (const uint8_t *)"::1 - - [t] \"GET / HTTP/1.1\" 200 1\n";
    LogLine lines[4];
    LogSpan fields[48];
    LogBatchResult r, canary;
    static const uint32_t flags[] = {4, 5, 7, 0x100, 0x80000000u, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        memset(&canary, 0x5C, sizeof canary);
        r = canary;
        memset(lines, CANARY, sizeof lines);
        memset(fields, CANARY, sizeof fields);
        CHECK_EQ(log_parser_parse_batch(p, buf, strlen((const char *)buf), flags[i], lines, 4,
                                        fields, 48, &r),
                 LOG_ERR_INVALID_ARGUMENT);
        CHECK(memcmp(&r, &canary, sizeof r) == 0);
        CHECK(all_bytes(lines, sizeof lines, CANARY) && all_bytes(fields, sizeof fields, CANARY));
    }
}

/* Results of one whole-buffer call, the reference for streaming. */
struct results {
    size_t n, cap, nf;
    LogLine *lines;
    LogSpan *fields;
};

static void results_add(struct results *res, const LogLine *lines, const LogSpan *fields,
                        size_t n, size_t base) {
    for (size_t k = 0; k < n; k++) {
        if (res->n == res->cap) {
            res->cap = res->cap ? 2 * res->cap : 64;
            res->lines = realloc(res->lines, res->cap * sizeof *res->lines);
            res->fields = realloc(res->fields, res->cap * res->nf * sizeof *res->fields);
        }
        LogLine l = lines[k];
        l.off += (uint32_t)base;
        res->lines[res->n] = l;
        for (size_t f = 0; f < res->nf; f++) {
            LogSpan s = fields[k * res->nf + f];
            if (s.off != LOG_SPAN_ABSENT)
                s.off += (uint32_t)base;
            res->fields[res->n * res->nf + f] = s;
        }
        res->n++;
    }
}

static int results_equal(const struct results *a, const struct results *b) {
    return a->n == b->n && memcmp(a->lines, b->lines, a->n * sizeof *a->lines) == 0 &&
           memcmp(a->fields, b->fields, a->n * a->nf * sizeof *a->fields) == 0;
}

/* Stream buf[0..len) through calls of at most `lines_cap` lines; the data
 * visible to each call grows by `chunk` bytes (0: all of it), like fread
 * into a buffer, and only the call that sees the end says END_OF_INPUT. */
static void stream(const LogParser *p, const uint8_t *buf, size_t len, size_t lines_cap,
                   size_t chunk, struct results *out, size_t *calls) {
    size_t nf = log_parser_field_count(p);
    LogLine *lines = malloc(lines_cap * sizeof *lines);
    LogSpan *fields = malloc(lines_cap * nf * sizeof *fields);
    size_t pos = 0, visible = chunk ? 0 : len;
    int32_t rc = LOG_OK;
    *calls = 0;
    for (;;) {
        if (chunk)
            visible = visible + chunk < len ? visible + chunk : len;
        for (;;) { /* drain what is visible */
            LogBatchResult r;
            uint32_t flags = visible == len ? LOG_BATCH_END_OF_INPUT : 0;
            rc = log_parser_parse_batch(p, buf + pos, visible - pos, flags, lines, lines_cap,
                                        fields, lines_cap * nf, &r);
            (*calls)++;
            if (rc != LOG_OK)
                goto done;
            results_add(out, lines, fields, r.lines, pos);
            pos += r.consumed;
            if (!r.full)
                break;
        }
        if (visible == len)
            break;
    }
done:
    CHECK_EQ(rc, LOG_OK);
    CHECK_EQ(pos, len);
    free(lines);
    free(fields);
}

static void streaming(const char *spec, const struct seg *segs, size_t nsegs, size_t reps) {
    LogParser *p = new_parser(spec);
    if (p == NULL)
        return;
    size_t nf = log_parser_field_count(p);
    size_t len, nlines;
    size_t *offs = malloc(nsegs * reps * sizeof *offs), *lens = malloc(nsegs * reps * sizeof *lens);
    int32_t *want = malloc(nsegs * reps * sizeof *want);
    uint8_t *buf = build(segs, nsegs, reps, &len, offs, want, lens, &nlines);

    /* The reference: one call with room for everything. */
    struct results ref = {0, 0, nf, NULL, NULL};
    size_t calls;
    stream(p, buf, len, nlines + 1, 0, &ref, &calls);
    CHECK_EQ(calls, 1);
    CHECK_EQ(ref.n, nlines);
    int statuses = 1;
    for (size_t k = 0; k < ref.n && k < nlines; k++)
        statuses &= ref.lines[k].off == offs[k] && ref.lines[k].len == lens[k] &&
                    ref.lines[k].status == want[k];
    CHECK(statuses);
    CHECK_PER_LINE(p, buf, len, ref.lines, ref.n, ref.fields);

    static const size_t caps[] = {1, 2, 3, 7};
    static const size_t chunks[] = {0, 1, 17, 64, 1000};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        for (size_t j = 0; j < sizeof chunks / sizeof chunks[0]; j++) {
            struct results got = {0, 0, nf, NULL, NULL};
            stream(p, buf, len, caps[i], chunks[j], &got, &calls);
            if (!CHECK(results_equal(&got, &ref)))
                fprintf(stderr, "  spec %s, lines_cap %zu, chunk %zu: %zu lines vs %zu\n", spec,
                        caps[i], chunks[j], got.n, ref.n);
            if (chunks[j] == 0)
                CHECK(calls >= nlines / caps[i]);
            free(got.lines);
            free(got.fields);
        }
    free(ref.lines);
    free(ref.fields);
    free(buf);
    free(offs);
    free(lens);
    free(want);
    log_parser_free(p);
}

static const struct seg JSON_SEGS[] = {
    {"{\"a\":1}\n", 1},
    {"\n", LOG_ERR_EMPTY_LINE},
    {"not json\r\n", LOG_ERR_JSON_SYNTAX},
    {"{\"b\":\"x\",\"a\":[2]}\r\n", 2},
    {"{\"a\":\"cut\n", LOG_ERR_JSON_TRUNCATED},
    {"{\"a\":3}", 1},
};

/* Stride field_count with a 2-field JSON parser. */
static void json_batch(void) {
    LogParser *p = new_parser("json:a,b");
    if (p == NULL)
        return;
    size_t len, nlines, offs[8], lens[8];
    int32_t want[8];
    uint8_t *buf = build(JSON_SEGS, 6, 1, &len, offs, want, lens, &nlines);
    LogLine lines[8];
    LogSpan fields[16];
    LogBatchResult r;
    CHECK_EQ(log_parser_parse_batch(p, buf, len, LOG_BATCH_END_OF_INPUT, lines, 8, fields, 16, &r),
             LOG_OK);
    CHECK(r.lines == 6 && r.errors == 3 && r.full == 0 && r.consumed == len);
    for (size_t k = 0; k < 6; k++)
        CHECK(lines[k].off == offs[k] && lines[k].len == lens[k] && lines[k].status == want[k]);
    const char *b = (const char *)buf;
    CHECK_SPAN(b, fields[0 * 2 + 0], (uint32_t)offs[0] + 5, "1", LOG_TYPE_NUMBER);
    CHECK_ABSENT(fields[0 * 2 + 1]);
    CHECK_SPAN(b, fields[3 * 2 + 0], (uint32_t)offs[3] + 13, "[2]", LOG_TYPE_ARRAY);
    CHECK_SPAN(b, fields[3 * 2 + 1], (uint32_t)offs[3] + 6, "x", LOG_TYPE_STRING);
    CHECK_SPAN(b, fields[5 * 2 + 0], (uint32_t)offs[5] + 5, "3", LOG_TYPE_NUMBER);
    CHECK_PER_LINE(p, buf, len, lines, r.lines, fields);
    free(buf);
    log_parser_free(p);
}

/* LOG_BATCH_SKIP_EMPTY consumes lines that are only "\n" or "\r\n" without a
 * result; without it each is reported with LOG_ERR_EMPTY_LINE. A line of
 * spaces is not empty. */
static void skip_empty(void) {
    LogParser *p = new_parser("json:a");
    if (p == NULL)
        return;
    static const char text[] = "\n{\"a\":1}\r\n\r\n\n{\"a\":2}\n \n\n";
    const uint8_t *buf = (const uint8_t *)text;
    size_t len = sizeof text - 1;
    LogLine lines[8];
    LogSpan fields[8];
    LogBatchResult r;
    CHECK_EQ(log_parser_parse_batch(p, buf, len, LOG_BATCH_SKIP_EMPTY, lines, 8, fields, 8, &r),
             LOG_OK);
    CHECK(r.lines == 3 && r.errors == 1 && r.consumed == len && r.full == 0);
    CHECK(lines[0].off == 1 && lines[0].status == 1);
    CHECK(lines[1].off == 13 && lines[1].status == 1);
    CHECK(lines[2].off == 21 && lines[2].len == 1 && lines[2].status == LOG_ERR_JSON_TRUNCATED);
    CHECK_EQ(log_parser_parse_batch(p, buf, len, 0, lines, 8, fields, 8, &r), LOG_OK);
    CHECK(r.lines == 7 && r.errors == 5);
    CHECK(lines[0].status == LOG_ERR_EMPTY_LINE && lines[6].status == LOG_ERR_EMPTY_LINE);
    log_parser_free(p);
}

void test_batch(void) {
    LogParser *p = new_parser("access");
    if (p == NULL)
        return;
    mixed_lines(p);
    small_capacities(p);
    bad_flags(p);
    log_parser_free(p);
    json_batch();
    skip_empty();
    streaming("access", MIXED, NMIXED, 25);
    streaming("json:a,b", JSON_SEGS, 6, 25);
}
