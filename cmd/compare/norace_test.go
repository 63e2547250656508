//go:build !race

package main

const killArticles = 3000
