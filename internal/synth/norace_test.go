//go:build !race

package synth_test

const floorArticles = 10000
