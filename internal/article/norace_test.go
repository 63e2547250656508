//go:build !race

package article

const synthArticles = 10000
