/*
 * parse_access: stream an nginx/Apache access log through logspan.
 *
 *   cc -std=c11 -Iinclude -O2 -o parse_access examples/c/parse_access.c \
 *      target/release/liblogspan.a -lpthread -ldl -lm
 *   ./parse_access [FILE]        (default examples/data/access.log, "-" = stdin)
 *
 * It reads the file in chunks with fread(), hands each chunk to
 * log_parser_parse_batch() (spec "access": combined, or common with
 * referer/user agent absent), carries the unfinished last line over to the
 * next chunk, and prints the fields of the first 5 lines, then totals: line
 * and error counts (with the first errors), a status-code histogram and the
 * top 5 paths.
 *
 * Ownership and lifetime -- the whole contract in four rules:
 *
 *  1. The parser is ours. log_parser_new() allocates it; we free it once
 *     with log_parser_free() when nothing uses it any more. It is immutable,
 *     so one parser may serve any number of threads at once. The field
 *     names from log_parser_field_name() belong to the parser and live
 *     exactly as long as it does.
 *
 *  2. The input buffer is ours. logspan reads it only during the call and
 *     keeps no pointer to it. It never writes it.
 *
 *  3. The output arrays (lines, fields, result) are ours too; logspan writes
 *     only inside the capacities we pass and allocates nothing per line.
 *
 *  4. A span is an offset into the buffer *as passed to that call*
 *     (buf + pos below), not a pointer. It means something only while those
 *     bytes stay where they are: before the next fread()/memmove() reuses
 *     the buffer, use each value or copy it (the path counter below copies
 *     the paths it keeps).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logspan.h"

#define DEFAULT_LOG "examples/data/access.log"
#ifndef CHUNK_BYTES
#define CHUNK_BYTES (256 * 1024) /* initial buffer; grows for longer lines */
#endif
#ifndef BATCH_LINES
#define BATCH_LINES 1024 /* lines per parse_batch call */
#endif
#define SHOW_LINES 5
#define SHOW_ERRORS 5
#define TOP_PATHS 5

/* ------------------------------------------------------------ path counts */

/* A tiny open-addressing hash table: path bytes (copied: rule 4) -> count. */
struct path_count {
    char *path; /* owned, NUL-terminated copy */
    size_t len;
    unsigned long count;
};

struct path_table {
    struct path_count *slots;
    size_t cap, used;
};

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static int path_table_grow(struct path_table *t) {
    size_t cap = t->cap ? 2 * t->cap : 1024;
    struct path_count *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        struct path_count e = t->slots[i];
        if (e.path == NULL)
            continue;
        size_t j = hash_bytes((const uint8_t *)e.path, e.len) & (cap - 1);
        while (slots[j].path != NULL)
            j = (j + 1) & (cap - 1);
        slots[j] = e;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

static int path_table_add(struct path_table *t, const uint8_t *p, size_t n) {
    if ((t->used + 1) * 4 > t->cap * 3 && path_table_grow(t) != 0)
        return -1;
    size_t j = hash_bytes(p, n) & (t->cap - 1);
    for (;; j = (j + 1) & (t->cap - 1)) {
        struct path_count *e = &t->slots[j];
        if (e->path == NULL) {
            e->path = malloc(n + 1);
            if (e->path == NULL)
                return -1;
            memcpy(e->path, p, n); /* copy: the buffer will be reused */
            e->path[n] = '\0';
            e->len = n;
            e->count = 1;
            t->used++;
            return 0;
        }
        if (e->len == n && memcmp(e->path, p, n) == 0) {
            e->count++;
            return 0;
        }
    }
}

static void path_table_free(struct path_table *t) {
    for (size_t i = 0; i < t->cap; i++)
        free(t->slots[i].path);
    free(t->slots);
}

/* ------------------------------------------------------------ statistics */

struct stats {
    const LogParser *parser;
    size_t nfields;
    int32_t status_field, path_field; /* resolved once by name */
    unsigned long lines, errors;
    unsigned long error_line[SHOW_ERRORS];
    int32_t error_code[SHOW_ERRORS];
    unsigned long status_count[1000];
    struct path_table paths;
    int out_of_memory;
};

/* Print one field value, escaping what a terminal should not see. */
static void print_value(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f)
            putchar(p[i]);
        else
            printf("\\x%02x", p[i]);
    }
}

/* One line of a batch. `base` is the buffer passed to that batch call:
 * the line and its spans are offsets from it. */
static void handle_line(struct stats *st, const uint8_t *base, const LogLine *line,
                        const LogSpan *fields) {
    unsigned long lineno = ++st->lines;

    if (lineno <= SHOW_LINES) {
        printf("line %lu: ", lineno);
        if (line->status < 0) {
            printf("error: %s\n", log_status_str(line->status));
        } else {
            printf("%d fields present\n", (int)line->status);
            for (size_t i = 0; i < st->nfields; i++) {
                const char *name = log_parser_field_name(st->parser, i, NULL);
                const LogSpan s = fields[i];
                printf("  %-12s = ", name);
                if (s.off == LOG_SPAN_ABSENT) {
                    printf("(absent)\n");
                    continue;
                }
                putchar('"');
                print_value(base + s.off, s.len);
                putchar('"');
                /* The raw text is kept: \" and \xHH are still escaped. */
                printf("%s\n", (s.flags & LOG_FLAG_ESCAPED) ? "  (escaped)" : "");
            }
        }
    }

    if (line->status < 0) {
        if (st->errors < SHOW_ERRORS) {
            st->error_line[st->errors] = lineno;
            st->error_code[st->errors] = line->status;
        }
        st->errors++;
        return;
    }

    /* The status is always exactly three digits on a parsed line. */
    LogSpan s = fields[st->status_field];
    if (s.off != LOG_SPAN_ABSENT && s.len == 3) {
        const uint8_t *d = base + s.off;
        st->status_count[(d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0')]++;
    }
    LogSpan path = fields[st->path_field];
    if (path.off != LOG_SPAN_ABSENT && path_table_add(&st->paths, base + path.off, path.len) != 0)
        st->out_of_memory = 1;
}

static int by_count_desc(const void *a, const void *b) {
    const struct path_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->path, y->path);
}

static void print_totals(struct stats *st, unsigned long long bytes) {
    printf("\n%lu lines (%llu bytes), %lu parsed, %lu errors\n", st->lines, bytes,
           st->lines - st->errors, st->errors);
    for (unsigned long i = 0; i < st->errors && i < SHOW_ERRORS; i++)
        printf("  line %lu: %s (%d)\n", st->error_line[i], log_status_str(st->error_code[i]),
               (int)st->error_code[i]);
    if (st->errors > SHOW_ERRORS)
        printf("  ... and %lu more\n", st->errors - SHOW_ERRORS);

    printf("\nstatus codes:\n");
    for (int code = 0; code < 1000; code++)
        if (st->status_count[code])
            printf("  %03d %10lu\n", code, st->status_count[code]);

    /* Top paths: compact the table's used slots and sort them. */
    struct path_table *t = &st->paths;
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].path != NULL)
            t->slots[n++] = t->slots[i];
    for (size_t i = n; i < t->cap; i++)
        t->slots[i].path = NULL; /* moved, not freed: path_table_free still sees each once */
    if (n > 1)
        qsort(t->slots, n, sizeof *t->slots, by_count_desc);
    printf("\ntop %d paths (of %zu distinct):\n", TOP_PATHS, n);
    for (size_t i = 0; i < n && i < TOP_PATHS; i++) {
        printf("  %10lu  ", t->slots[i].count);
        print_value((const uint8_t *)t->slots[i].path, t->slots[i].len);
        putchar('\n');
    }
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : DEFAULT_LOG;
    int exit_code = 1;

    /* A library built from other sources than this header is a bug. */
    if (log_abi_version() != LOG_ABI_VERSION) {
        fprintf(stderr, "liblogspan has ABI %u, logspan.h says %u\n",
                (unsigned)log_abi_version(), (unsigned)LOG_ABI_VERSION);
        return 1;
    }

    /* Rule 1: one parser, created once, freed at the end. */
    static const char spec[] = "access";
    LogParser *parser = NULL;
    char err[256];
    int32_t rc = log_parser_new((const uint8_t *)spec, sizeof spec - 1, &parser,
                                (uint8_t *)err, sizeof err);
    if (rc != LOG_OK) {
        fprintf(stderr, "log_parser_new(\"%s\"): %s: %s\n", spec, log_status_str(rc), err);
        return 1;
    }

    struct stats st;
    memset(&st, 0, sizeof st);
    st.parser = parser;
    st.nfields = log_parser_field_count(parser);
    /* Resolve field names to indexes once, outside the hot loop. (For the
     * access specs they are also the LOG_FIELD_* constants.) */
    st.status_field = log_parser_field_index(parser, (const uint8_t *)"status", 6);
    st.path_field = log_parser_field_index(parser, (const uint8_t *)"path", 4);
    if (st.status_field < 0 || st.path_field < 0) {
        fprintf(stderr, "spec \"%s\" has no status or path field\n", spec);
        log_parser_free(parser);
        return 1;
    }

    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        perror(path);
        log_parser_free(parser);
        return 1;
    }

    /* Rules 2 and 3: every buffer below is ours. lines[k] describes line k
     * of a batch; its spans are fields[k * nfields ...]. */
    size_t cap = CHUNK_BYTES, have = 0;
    uint8_t *buf = malloc(cap);
    LogLine *lines = malloc(BATCH_LINES * sizeof *lines);
    LogSpan *fields = malloc(BATCH_LINES * st.nfields * sizeof *fields);
    unsigned long long total_bytes = 0;
    if (buf == NULL || lines == NULL || fields == NULL) {
        fprintf(stderr, "out of memory\n");
        goto out;
    }

    int eof = 0;
    while (!eof) {
        /* The carried-over partial line fills the whole buffer: a line
         * longer than the buffer. Make room for more of it. */
        if (have == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                fprintf(stderr, "out of memory (a line longer than %zu bytes)\n", cap);
                goto out;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t want = cap - have;
        size_t n = fread(buf + have, 1, want, in);
        have += n;
        total_bytes += n;
        if (n < want) { /* a short read: end of file, or an error */
            if (ferror(in)) {
                perror(path);
                goto out;
            }
            eof = 1;
        }

        /* Parse every complete line of buf[0..have). At the end of the
         * file, LOG_BATCH_END_OF_INPUT makes a last line without '\n'
         * count too; before that it waits for the rest of its bytes. */
        size_t pos = 0;
        for (;;) {
            LogBatchResult r;
            rc = log_parser_parse_batch(parser, buf + pos, have - pos,
                                        eof ? LOG_BATCH_END_OF_INPUT : 0, lines, BATCH_LINES,
                                        fields, BATCH_LINES * st.nfields, &r);
            if (rc < 0) { /* only for bad arguments: a bad *line* is a per-line status */
                fprintf(stderr, "log_parser_parse_batch: %s\n", log_status_str(rc));
                goto out;
            }
            for (size_t k = 0; k < r.lines; k++)
                handle_line(&st, buf + pos, &lines[k], &fields[k * st.nfields]);
            pos += r.consumed;
            if (!r.full) /* every complete line handled */
                break;
            /* full: our arrays filled up; continue after the last line. */
        }
        if (st.out_of_memory) {
            fprintf(stderr, "out of memory counting paths\n");
            goto out;
        }

        /* Rule 4: the spans of this chunk are used up. Move the unfinished
         * last line (if any) to the front; the next fread appends to it. */
        memmove(buf, buf + pos, have - pos);
        have -= pos;
    }

    print_totals(&st, total_bytes);
    exit_code = 0;

out:
    if (in != stdin)
        fclose(in);
    free(buf);
    free(lines);
    free(fields);
    path_table_free(&st.paths);
    log_parser_free(parser); /* no thread uses it any more */
    return exit_code;
}
