//go:build race

package article

// synthArticles is how much of the synthetic corpus the sameness test
// reads: less under the race detector, which makes the run some ten times
// slower.
const synthArticles = 2000
