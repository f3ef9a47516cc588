/* Cross-language agreement: tests/agreement/expected.txt holds, for every
 * case of tests/agreement/cases.txt, the status and spans the Rust API
 * gives. The C ABI must give exactly the same (the Go test checks the same
 * file). Format (see the top of tests/agreement.rs):
 *
 *   case <n>
 *   spec <spec string>
 *   line <hex bytes>
 *   status <int>
 *   span <off> <len> <flags>      (field_count times)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define EXPECTED_PATH "tests/agreement/expected.txt"

struct cached {
    char *spec;
    LogParser *parser;
};

static struct cached cache[64];
static size_t ncache;

static LogParser *parser_for(const char *spec) {
    for (size_t i = 0; i < ncache; i++)
        if (strcmp(cache[i].spec, spec) == 0)
            return cache[i].parser;
    if (ncache == sizeof cache / sizeof cache[0])
        return NULL;
    LogParser *p = new_parser(spec);
    if (p == NULL)
        return NULL;
    cache[ncache].spec = malloc(strlen(spec) + 1);
    strcpy(cache[ncache].spec, spec);
    cache[ncache].parser = p;
    ncache++;
    return p;
}

struct record {
    long n;
    char spec[4096];
    uint8_t *line;
    size_t len;
    int have_line, have_status;
    long status;
    LogSpan *spans;
    size_t nspans, cap;
};

static int hexval(int c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int spans_equal(const LogSpan *a, const LogSpan *b, size_t n, size_t *which) {
    for (size_t i = 0; i < n; i++)
        if (a[i].off != b[i].off || a[i].len != b[i].len || a[i].flags != b[i].flags) {
            *which = i;
            return 0;
        }
    return 1;
}

/* Check one complete record against the library. */
static void check_record(const struct record *rec, size_t *checked) {
    if (!CHECK(rec->have_line && rec->have_status)) {
        fprintf(stderr, "  case %ld: incomplete record\n", rec->n);
        return;
    }
    LogParser *p = parser_for(rec->spec);
    if (p == NULL) {
        fprintf(stderr, "  case %ld: no parser for spec \"%s\"\n", rec->n, rec->spec);
        return;
    }
    size_t nf = log_parser_field_count(p);
    if (!CHECK_EQ(rec->nspans, nf)) {
        fprintf(stderr, "  case %ld: %zu span records for %zu fields\n", rec->n, rec->nspans, nf);
        return;
    }
    LogSpan *out = malloc((nf + 1) * sizeof *out);
    size_t bad;

    int32_t rc = checked_parse(p, rec->line, rec->len, out, nf);
    int ok = CHECK_EQ(rc, rec->status);
    ok &= CHECK(spans_equal(out, rec->spans, nf, &bad));
    if (!ok)
        fprintf(stderr, "  case %ld (spec %s): log_parser_parse status %d, want %ld\n", rec->n,
                rec->spec, (int)rc, rec->status);

    if (strcmp(rec->spec, "access") == 0) {
        LogSpan fast[LOG_FAST_FIELDS];
        rc = checked_fast(rec->line, rec->len, fast);
        ok = CHECK_EQ(rc, rec->status);
        ok &= CHECK(spans_equal(fast, rec->spans, LOG_FAST_FIELDS, &bad));
        if (!ok)
            fprintf(stderr, "  case %ld: log_parse_fast status %d, want %ld\n", rec->n, (int)rc,
                    rec->status);
    }

    /* The same line alone in a batch: same status, same spans. */
    const uint8_t *nl = rec->len ? memchr(rec->line, '\n', rec->len) : NULL;
    if (rec->len > 0 && (nl == NULL || nl == rec->line + rec->len - 1)) {
        LogLine line;
        LogBatchResult r;
        rc = log_parser_parse_batch(p, rec->line, rec->len, LOG_BATCH_END_OF_INPUT, &line, 1, out,
                                    nf, &r);
        ok = CHECK_EQ(rc, LOG_OK);
        ok &= CHECK(r.lines == 1 && r.consumed == rec->len && line.off == 0);
        ok &= CHECK_EQ(line.status, rec->status);
        ok &= CHECK(spans_equal(out, rec->spans, nf, &bad));
        if (!ok)
            fprintf(stderr, "  case %ld: batch disagrees\n", rec->n);
    }
    free(out);
    (*checked)++;
}

void test_agreement(void) {
    size_t flen;
    uint8_t *file = read_file(EXPECTED_PATH, &flen);
    if (!CHECK(file != NULL)) {
        fprintf(stderr, "  cannot read %s (run the tests from the repository root)\n",
                EXPECTED_PATH);
        return;
    }
    uint8_t *text = malloc(flen + 1); /* room for a NUL after the last row */
    memcpy(text, file, flen);
    text[flen] = 0;
    free(file);
    struct record rec;
    memset(&rec, 0, sizeof rec);
    int in_record = 0;
    long last_case = -1;
    size_t checked = 0, malformed = 0;

    size_t pos = 0;
    while (pos < flen) {
        uint8_t *nl = memchr(text + pos, '\n', flen - pos);
        size_t end = nl ? (size_t)(nl - text) : flen;
        char *row = (char *)text + pos;
        text[end] = 0; /* our own copy, one byte longer: terminate each row */
        pos = end + 1;

        if (row[0] == '#' || row[0] == 0)
            continue;
        if (strncmp(row, "case ", 5) == 0) {
            if (in_record)
                check_record(&rec, &checked);
            free(rec.line);
            rec.line = NULL;
            rec.len = 0;
            rec.have_line = rec.have_status = 0;
            rec.nspans = 0;
            rec.spec[0] = 0;
            rec.n = strtol(row + 5, NULL, 10);
            if (rec.n != last_case + 1)
                malformed++;
            last_case = rec.n;
            in_record = 1;
        } else if (strncmp(row, "spec ", 5) == 0) {
            snprintf(rec.spec, sizeof rec.spec, "%s", row + 5);
        } else if (strncmp(row, "line", 4) == 0) {
            const char *h = row + 4;
            while (*h == ' ')
                h++;
            size_t nd = strlen(h);
            if (nd % 2)
                malformed++;
            rec.len = nd / 2;
            rec.line = rec.len ? malloc(rec.len) : NULL; /* exact size */
            for (size_t i = 0; i < rec.len; i++) {
                int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
                if (hi < 0 || lo < 0)
                    malformed++;
                rec.line[i] = (uint8_t)(hi << 4 | (lo & 15));
            }
            rec.have_line = 1;
        } else if (strncmp(row, "status ", 7) == 0) {
            rec.status = strtol(row + 7, NULL, 10);
            rec.have_status = 1;
        } else if (strncmp(row, "span ", 5) == 0) {
            unsigned long off, len, flags;
            if (sscanf(row + 5, "%lu %lu %lu", &off, &len, &flags) != 3) {
                malformed++;
                continue;
            }
            if (rec.nspans == rec.cap) {
                rec.cap = rec.cap ? rec.cap * 2 : 16;
                rec.spans = realloc(rec.spans, rec.cap * sizeof *rec.spans);
            }
            rec.spans[rec.nspans].off = (uint32_t)off;
            rec.spans[rec.nspans].len = (uint32_t)len;
            rec.spans[rec.nspans].flags = (uint32_t)flags;
            rec.nspans++;
        } else {
            malformed++;
        }
    }
    if (in_record)
        check_record(&rec, &checked);
    free(rec.line);
    free(rec.spans);
    free(text);

    CHECK_EQ(malformed, 0);
    CHECK(checked > 0);
    CHECK_EQ((long)checked, last_case + 1);
    note("  %zu agreement cases, %zu specs", checked, ncache);
    for (size_t i = 0; i < ncache; i++) {
        log_parser_free(cache[i].parser);
        free(cache[i].spec);
    }
    ncache = 0;
}
