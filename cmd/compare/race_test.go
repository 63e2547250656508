//go:build race

package main

// killArticles is the size of the batch TestIndexAddKilled kills mid-way:
// smaller under the race detector, which makes the add some ten times
// slower, so that it still outlasts the last kill (4 s) many times over.
const killArticles = 1000
