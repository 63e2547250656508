// Package report lays out and writes the HTML report of a run (index.html,
// a page per story cluster when they are many, the overview's tables paged)
// and its report.json: the articles, duplicate groups and story clusters,
// each cluster's N-way view (what each outlet shares, added and left out),
// its quotes, numbers and framing, its pairwise diffs, and who took from
// whom. The row formats and atomic writing it shares with the commands are
// package output's.
package report
