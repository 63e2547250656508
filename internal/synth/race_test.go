//go:build race

package synth_test

// floorArticles is the size of the planted-reuse floor test: smaller under
// the race detector, which makes the run some ten times slower.
const floorArticles = 2000
