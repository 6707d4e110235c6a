/*
 * breaks.h - class breaks for choropleth maps and priority levels, class
 * assignment, and the goodness of fit of a classification, following R's
 * classInt 0.4-9 (classIntervals, findCols, jenks.tests).
 *
 * A classification into k classes is given by k + 1 non-decreasing breaks
 * b[0] <= ... <= b[k] and an interval closure:
 *   OB_CLOSURE_LEFT   classes [b0, b1), [b1, b2), ..., [b(k-1), bk]
 *                     (the last one closed)
 *   OB_CLOSURE_RIGHT  classes [b0, b1], (b1, b2], ..., (b(k-1), bk]
 *                     (the first one closed)
 * Values below b0 fall in class 1 and above bk in class k (classInt's
 * findCols: findInterval with rightmost.closed and all.inside).
 *
 * Styles (classIntervals(x, k, style)):
 *   OB_BREAKS_FISHER   the exact optimal partition of Fisher (1958): the
 *                      least total within-class sum of squares over all
 *                      partitions of the sorted values into k groups.
 *                      Breaks: min, then the midpoint between the largest
 *                      value of each class and the smallest of the next,
 *                      then max. Closure left.
 *   OB_BREAKS_JENKS    the same optimal partition (classInt's Jenks port
 *                      reaches the same optimum), with classInt's jenks
 *                      convention: the breaks are data values, min and the
 *                      largest value of each class. Closure right.
 *   OB_BREAKS_QUANTILE R's quantile type 7 at 0, 1/k, ..., 1:
 *                      (1 - h) x[lo] + h x[hi] at index 1 + (n - 1) p.
 *                      Closure left. Ties can repeat a break.
 *   OB_BREAKS_EQUAL    min + i (max - min)/k, with the last break max
 *                      (R's seq(min, max, length.out = k + 1)). Closure
 *                      left. Classes can be empty.
 * Where classInt departs from these, observa does not follow: it switches
 * to style "unique" when k >= the number of distinct values (observa
 * refuses k > distinct values and classifies k = distinct values one value
 * per class), and it classifies a 10% sample when n > 3000 (observa is
 * exact up to OB_MAX_OPTIMAL_CLASSIFY distinct values and refuses more).
 *
 * Among partitions with exactly equal within-class sums of squares observa
 * takes the one whose upper classes hold the most values (exact ties are
 * rare in real data). Equal values always share a class.
 *
 * Pure computation: inputs and outputs are caller-owned arrays; scratch
 * memory is allocated and freed inside.
 */
#ifndef OB_STATS_BREAKS_H
#define OB_STATS_BREAKS_H

#include "base/common.h"

enum ob_breaks_style {
	OB_BREAKS_FISHER,
	OB_BREAKS_JENKS,
	OB_BREAKS_QUANTILE,
	OB_BREAKS_EQUAL,
};

enum ob_closure {
	OB_CLOSURE_LEFT,  /* [a, b), last closed */
	OB_CLOSURE_RIGHT, /* (a, b], first closed */
};

/*
 * Breaks of style `style` for the n values x (finite) in k classes,
 * 1 <= k <= OB_MAX_CLASSES. brks receives k + 1 values; closure (optional)
 * the closure that goes with them. OB_EINVAL for NaN or infinite values,
 * n = 0, k out of range, or (fisher and jenks) k greater than the number of
 * distinct values; OB_ETOOBIG when n > OB_MAX_AREAS or (fisher and jenks)
 * the distinct values exceed OB_MAX_OPTIMAL_CLASSIFY.
 */
ob_err ob_breaks(const double *x, size_t n, size_t k, enum ob_breaks_style style,
                 double *brks, enum ob_closure *closure);

/* The class, 1..k, of value v under breaks brks[0..k] and closure. */
size_t ob_breaks_class(const double *brks, size_t k, enum ob_closure closure, double v);

/* One class of a partition. */
struct ob_class_summary {
	double min, max; /* smallest and largest value */
	double mean;
	double sd;       /* population standard deviation (divisor count) */
	size_t count;
};

/*
 * The exact optimal partition of x into k classes (the one behind the
 * fisher and jenks styles): classes[0..k-1] in ascending order, and
 * (optional) its total within-class sum of squares. Same errors as
 * ob_breaks().
 */
ob_err ob_breaks_optimal(const double *x, size_t n, size_t k,
                         struct ob_class_summary *classes, double *sdcm);

enum ob_breaks_fit_flag {
	/* every value is the same: sdam = 0 and GVF and TAI are 0/0 (classInt
	 * gives NaN); they hold 0 and must not be shown */
	OB_FIT_NO_VARIATION = 1u << 0,
};

/* Goodness of fit of a classification (classInt's jenks.tests). */
struct ob_breaks_fit {
	double sdam;  /* sum of squared deviations from the mean */
	double sdcm;  /* the same from each value's class mean */
	double gvf;   /* goodness of variance fit, 1 - sdcm/sdam */
	double tai;   /* tabular accuracy index, 1 - sum |x - class mean| /
	               * sum |x - mean| */
	size_t classes_used; /* classes with at least one value */
	unsigned flags;      /* enum ob_breaks_fit_flag */
};

/*
 * Fit of the classification cls[i] in 1..k of the n values x (finite).
 * When all values are equal, sdam and sdcm are 0 and GVF and TAI are
 * undefined: they hold 0, flagged OB_FIT_NO_VARIATION (a perfect fit would
 * claim a classification explains variation there is none of). OB_EINVAL
 * for a class outside 1..k or bad values.
 */
ob_err ob_breaks_fit(const double *x, const size_t *cls, size_t n, size_t k,
                     struct ob_breaks_fit *out);

#endif
