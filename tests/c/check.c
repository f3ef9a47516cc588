/* The harness declared in check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long check_passed = 0;
long check_failed = 0;

int check_at(const char *file, int line, int ok, const char *expr) {
    if (ok) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
    }
    return ok;
}

int check_eq_at(const char *file, int line, long long got, long long want,
                const char *got_expr, const char *want_expr) {
    if (got == want) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: CHECK failed: %s == %s (got %lld, want %lld)\n", file, line,
            got_expr, want_expr, got, want);
    return 0;
}

int check_str_at(const char *file, int line, const char *got, const char *want,
                 const char *got_expr) {
    if (got != NULL && strcmp(got, want) == 0) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: CHECK failed: %s is \"%s\", want \"%s\"\n", file, line, got_expr,
            got ? got : "(NULL)", want);
    return 0;
}

static void print_bytes(FILE *f, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f)
            fputc(p[i], f);
        else
            fprintf(f, "\\x%02x", p[i]);
    }
}

int check_span_at(const char *file, int line, const uint8_t *buf, LogSpan got,
                  uint32_t off, const char *text, uint32_t flags) {
    size_t len = strlen(text);
    int ok = got.off == off && got.len == len && got.flags == flags &&
             memcmp(buf + off, text, len) == 0;
    if (ok) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr,
            "%s:%d: CHECK failed: span {off %u, len %u, flags 0x%x}, want {off %u, len %zu, "
            "flags 0x%x} \"%s\"",
            file, line, (unsigned)got.off, (unsigned)got.len, (unsigned)got.flags,
            (unsigned)off, len, (unsigned)flags, text);
    if (got.off != LOG_SPAN_ABSENT && got.len < 4096) {
        fputs("; got text \"", stderr);
        print_bytes(stderr, buf + got.off, got.len);
        fputc('"', stderr);
    }
    fputc('\n', stderr);
    return 0;
}

int check_absent_at(const char *file, int line, LogSpan got) {
    if (got.off == LOG_SPAN_ABSENT && got.len == 0 && got.flags == 0) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: CHECK failed: span {off %u, len %u, flags 0x%x} is not absent\n",
            file, line, (unsigned)got.off, (unsigned)got.len, (unsigned)got.flags);
    return 0;
}

void note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

uint8_t *dup_bytes(const void *src, size_t len) {
    if (len == 0)
        return NULL;
    uint8_t *p = malloc(len);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    memcpy(p, src, len);
    return p;
}

size_t slen(const char *s) { return strlen(s); }

uint8_t *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len_out = len;
    return buf;
}

LogParser *new_parser(const char *spec) {
    LogParser *p = NULL;
    char err[256] = {0};
    int32_t rc = log_parser_new((const uint8_t *)spec, strlen(spec), &p, (uint8_t *)err,
                                sizeof err);
    if (!CHECK_EQ(rc, LOG_OK) || !CHECK(p != NULL)) {
        fprintf(stderr, "  spec \"%s\": %s\n", spec, err);
        return NULL;
    }
    return p;
}

int count_present(const LogSpan *spans, size_t n) {
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += spans[i].off != LOG_SPAN_ABSENT;
    return k;
}

void fill_garbage(LogSpan *spans, size_t n) {
    for (size_t i = 0; i < n; i++) {
        spans[i].off = 0xA5A5A5A5u;
        spans[i].len = 0x5A5A5A5Au;
        spans[i].flags = 0xC3C3C3C3u;
    }
}

/* The invariants of a one-line parse result `rc` with spans out[0..n) over
 * a buffer of `len` bytes. Counted as one check. */
static void check_result(const char *file, int line, int32_t rc, const LogSpan *out,
                         size_t n, size_t len) {
    char why[160] = "";
    if (rc >= 0 && rc != count_present(out, n))
        snprintf(why, sizeof why, "returned %d but %d spans are present", (int)rc,
                 count_present(out, n));
    for (size_t i = 0; i < n && why[0] == 0; i++) {
        LogSpan s = out[i];
        if (s.off == LOG_SPAN_ABSENT) {
            if (s.len != 0 || s.flags != 0)
                snprintf(why, sizeof why, "span %zu absent with len %u flags 0x%x", i,
                         (unsigned)s.len, (unsigned)s.flags);
        } else if (rc < 0) {
            snprintf(why, sizeof why, "error %d but span %zu is present", (int)rc, i);
        } else if ((uint64_t)s.off + s.len > len) {
            snprintf(why, sizeof why, "span %zu {off %u, len %u} outside a %zu-byte input", i,
                     (unsigned)s.off, (unsigned)s.len, len);
        }
    }
    if (why[0] != 0)
        fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, why);
    check_at(file, line, why[0] == 0, "result invariants (spans in bounds, count, absent)");
}

int32_t checked_fast_at(const char *file, int line, const void *buf, size_t len,
                        LogSpan out[LOG_FAST_FIELDS]) {
    uint8_t *copy = dup_bytes(buf, len);
    fill_garbage(out, LOG_FAST_FIELDS);
    int32_t rc = log_parse_fast(copy, len, out);
    check_at(file, line, len == 0 || memcmp(copy, buf, len) == 0, "input untouched");
    check_result(file, line, rc, out, LOG_FAST_FIELDS, len);
    free(copy);
    return rc;
}

int32_t checked_parse_at(const char *file, int line, const LogParser *p, const void *buf,
                         size_t len, LogSpan *out, size_t out_cap) {
    uint8_t *copy = dup_bytes(buf, len);
    size_t n = log_parser_field_count(p);
    fill_garbage(out, out_cap);
    int32_t rc = log_parser_parse(p, copy, len, out, out_cap);
    check_at(file, line, len == 0 || memcmp(copy, buf, len) == 0, "input untouched");
    if (rc != LOG_ERR_OUTPUT_TOO_SMALL && rc != LOG_ERR_NULL_ARGUMENT)
        check_result(file, line, rc, out, n, len);
    free(copy);
    return rc;
}
