/* SPDX-License-Identifier: MIT */
/* The in-house assertion macros of the unit tests: each failed check prints
 * file:line, the expression and both values, and counts; CHECK_MAIN_RESULT()
 * turns the count into the process exit status. Header-only, one test
 * executable per module, single-threaded. */
#ifndef CHECK_H
#define CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;
static const char *check_context = ""; /* printed with each failure: the case */

#define CHECK_FAIL_AT_(file, line)                                                   \
    (check_failures++,                                                               \
     fprintf(stderr, "%s:%d: FAIL%s%s%s ", file, line, check_context[0] ? " [" : "", \
             check_context, check_context[0] ? "]" : ""))

/* Marks the case being checked, so a failure inside a table loop says which. */
#define CHECK_CONTEXT(s) (check_context = (s))

#define CHECK(cond)                             \
    do {                                        \
        check_count++;                          \
        if (!(cond)) {                          \
            CHECK_FAIL_AT_(__FILE__, __LINE__); \
            fprintf(stderr, "%s\n", #cond);     \
        }                                       \
    } while (0)

#define CHECK_MSG(cond, ...)                    \
    do {                                        \
        check_count++;                          \
        if (!(cond)) {                          \
            CHECK_FAIL_AT_(__FILE__, __LINE__); \
            fprintf(stderr, "%s: ", #cond);     \
            fprintf(stderr, __VA_ARGS__);       \
            fputc('\n', stderr);                \
        }                                       \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                           \
    do {                                                                             \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);              \
        check_count++;                                                               \
        if (check_a_ != check_b_) {                                                  \
            CHECK_FAIL_AT_(__FILE__, __LINE__);                                      \
            fprintf(stderr, "%s == %s: %lld != %lld\n", #a, #b, check_a_, check_b_); \
        }                                                                            \
    } while (0)

/* Compares as strings; NULL is shown as (null) and only equals NULL. */
#define CHECK_EQ_STR(a, b)                                                           \
    do {                                                                             \
        const char *check_a_ = (a), *check_b_ = (b);                                 \
        check_count++;                                                               \
        if (!((check_a_ == NULL && check_b_ == NULL) ||                              \
              (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0))) {          \
            CHECK_FAIL_AT_(__FILE__, __LINE__);                                      \
            fprintf(stderr, "%s == %s: \"%s\" != \"%s\"\n", #a, #b,                  \
                    check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
        }                                                                            \
    } while (0)

/* a starts with the prefix b. */
#define CHECK_PREFIX_STR(a, b)                                                              \
    do {                                                                                    \
        const char *check_a_ = (a), *check_b_ = (b);                                        \
        check_count++;                                                                      \
        if (!check_a_ || !check_b_ || strncmp(check_a_, check_b_, strlen(check_b_)) != 0) { \
            CHECK_FAIL_AT_(__FILE__, __LINE__);                                             \
            fprintf(stderr, "%s starts with %s: \"%s\" vs \"%s\"\n", #a, #b,                \
                    check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");        \
        }                                                                                   \
    } while (0)

#define CHECK_NEAR(a, b, eps)                                                                  \
    do {                                                                                       \
        double check_a_ = (double)(a), check_b_ = (double)(b);                                 \
        check_count++;                                                                         \
        if (!(fabs(check_a_ - check_b_) <= (eps))) {                                           \
            CHECK_FAIL_AT_(__FILE__, __LINE__);                                                \
            fprintf(stderr, "%s ~= %s: %.17g != %.17g (eps %g)\n", #a, #b, check_a_, check_b_, \
                    (double)(eps));                                                            \
        }                                                                                      \
    } while (0)

/* Status comparison that prints the status names. */
#define CHECK_STATUS(a, b)                                                      \
    do {                                                                        \
        int check_a_ = (int)(a), check_b_ = (int)(b);                           \
        check_count++;                                                          \
        if (check_a_ != check_b_) {                                             \
            CHECK_FAIL_AT_(__FILE__, __LINE__);                                 \
            fprintf(stderr, "%s == %s: %d (%s) != %d (%s)\n", #a, #b, check_a_, \
                    ds_status_str((ds_status)check_a_), check_b_,               \
                    ds_status_str((ds_status)check_b_));                        \
        }                                                                       \
    } while (0)

/* Ends main: prints a summary, returns non-zero when a check failed. */
#define CHECK_MAIN_RESULT()                                                                \
    (fprintf(stderr, "%s: %d checks, %d failed\n", __FILE__, check_count, check_failures), \
     check_failures ? 1 : 0)

#endif
